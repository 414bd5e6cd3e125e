"""The audit viewer: `/console/audit/` shows each admin their subtree's events, filtered, paged
and exportable (phones masked, cells safe from spreadsheet formulas)."""

import csv
import datetime
import io
import re
from unittest.mock import patch
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from lifelong.accounts.audit_log.selectors import AuditFilters, audit_event_list, audit_events_in_scope
from lifelong.accounts.models import User
from lifelong.activities.tests.helpers import published_activity
from lifelong.common.audit_regions import region_id_for
from lifelong.common.choices import AuditAction
from lifelong.common.models import AuditEvent, Picture
from lifelong.common.services import AuditOrigin, audit_origin, audit_record
from lifelong.institutions.models import Institution
from lifelong.regions.models import Region
from lifelong.testkit.matrix import MATRIX_PERSONAS as PERSONAS
from lifelong.testkit.matrix import matrix_actors, matrix_clients
from lifelong.testkit.regions import COUNTY, GANPU, TONGYUAN, WUYUAN

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
AUDIT = "/console/audit/"


def at(when: datetime.datetime):
    """Write audit events as if at `when` (occurred_at is set by the database row's creation)."""
    return patch("django.utils.timezone.now", return_value=when)


def rows(response) -> list[str]:
    return re.findall(r'<tr data-testid="audit-event">(.*?)</tr>', response.content.decode(), re.S)


@pytest.fixture
def places(demo):
    village = demo.village_admin.role_grants.get().region
    return {
        "wuyuan_school": Institution.objects.get(kind="community_school", region__code=WUYUAN),
        "tongyuan_school": Institution.objects.get(kind="community_school", region__code=TONGYUAN),
        "village_point": Institution.objects.get(kind="teaching_point", region=village),
        "ganpu_hall": Institution.objects.filter(kind="culture_hall", region__parent__code=GANPU).first(),
        "village": village,
    }


@pytest.fixture
def clients(demo, verified_client):
    return matrix_clients(matrix_actors(demo, ganpu_phone="13600000009"), verified_client)


# --- Which region an event belongs to ---------------------------------------------------------


def test_an_event_is_filed_under_its_targets_region_else_its_actors(demo, places):
    activity = published_activity(demo)  # at the Tongyuan community school
    registration = activity.registrations.create(
        learner=demo.young_learner, status="confirmed", channel="online", registered_by=demo.young_learner
    )
    session = activity.sessions.get()
    tongyuan = places["tongyuan_school"].region_id
    assert region_id_for(target=activity, actor=demo.county_admin) == tongyuan
    assert region_id_for(target=registration, actor=demo.county_admin) == tongyuan
    assert region_id_for(target=session, actor=None) == tongyuan
    assert region_id_for(target=places["wuyuan_school"], actor=None) == places["wuyuan_school"].region_id
    assert region_id_for(target=demo.elder_learner, actor=None) == demo.elder_learner.home_region_id
    # Staff belong where they work: the county admin's own sign-in is the county's business,
    # not that of whichever village they live in.
    county = Region.objects.get(code=COUNTY)
    assert region_id_for(target=demo.county_admin, actor=demo.county_admin) == county.pk
    assert region_id_for(target=demo.organizer, actor=None) == tongyuan  # their institution's region
    # A picture belongs to no place: the actor's region stands in; nobody at all: no region.
    picture = Picture.objects.create(
        large="a.jpg", large_width=1, large_height=1, small="b.jpg", small_width=1, small_height=1
    )
    assert region_id_for(target=picture, actor=demo.town_admin) == Region.objects.get(code=WUYUAN).pk
    assert region_id_for(target=None, actor=None) is None
    event = audit_record(actor=demo.county_admin, action=AuditAction.UPDATED, target=activity, summary="x")
    assert event.region_id == tongyuan


# --- Scope ----------------------------------------------------------------------------------------


@pytest.fixture
def marked(demo, places):
    """One event in each place, with a summary that names it."""
    events = {
        "wuyuan": audit_record(actor=demo.county_admin, action=AuditAction.UPDATED, target=places["wuyuan_school"]),
        "tongyuan": audit_record(actor=demo.county_admin, action=AuditAction.UPDATED, target=places["tongyuan_school"]),
        "village": audit_record(actor=demo.village_admin, action=AuditAction.UPDATED, target=places["village_point"]),
        "ganpu": audit_record(actor=demo.county_admin, action=AuditAction.UPDATED, target=places["ganpu_hall"]),
        "nowhere": audit_record(actor=None, action=AuditAction.LOGIN_FAILED, summary="139****0000", success=False),
    }
    return events


SEES = {
    "county_admin": {"wuyuan", "tongyuan", "village", "ganpu", "nowhere"},
    "town_admin": {"wuyuan"},
    "ganpu_admin": {"ganpu"},
    "village_admin": {"village"},
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_audit_log_opens_for_admins_only_and_shows_their_subtree(demo, clients, marked, persona):
    response = clients[persona].get(AUDIT)
    if persona == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return
    if persona not in SEES:  # learners (not staff) and an organizer (staff, no region): as if absent
        assert response.status_code == 404
        assert clients[persona].get(f"{AUDIT}export.csv").status_code == 404
        return
    assert response.status_code == 200
    visible = set(audit_events_in_scope(actor=getattr(demo, persona, None) or _ganpu()).values_list("pk", flat=True))
    assert {name for name, event in marked.items() if event.pk in visible} == SEES[persona]
    page = response.content.decode()
    for name, event in marked.items():
        shown = f"#{event.object_id}<" in page if event.object_id else "139****0000" in page
        assert shown == (name in SEES[persona]), name


def _ganpu() -> User:
    return User.objects.get(phone="13600000009")


def test_every_visible_event_lies_in_the_admins_subtree(demo, marked):
    """Against an oracle written from region codes: nothing outside, nothing inside missing."""
    published_activity(demo)  # more events, filed by the services themselves
    for actor, code in ((demo.town_admin, WUYUAN), (demo.village_admin, marked["village"].region.code)):
        visible = set(audit_events_in_scope(actor=actor).values_list("pk", flat=True))
        expected = {
            e.pk for e in AuditEvent.objects.select_related("region") if e.region and e.region.code.startswith(code)
        }
        assert visible == expected
    assert audit_events_in_scope(actor=demo.organizer).count() == 0
    assert audit_events_in_scope(actor=demo.county_admin).count() == AuditEvent.objects.count()


def test_an_out_of_scope_object_or_person_is_not_found_through_the_filters(demo, clients, marked, places):
    town = clients["town_admin"]
    school = places["tongyuan_school"]
    response = town.get(AUDIT, {"object_type": "institutions.institution", "object_id": school.pk})
    assert response.status_code == 200 and rows(response) == []
    # The village admin acted only in Tongyuan: an actor id alone does not tell a Wuyuan admin their name.
    response = town.get(AUDIT, {"actor": demo.village_admin.pk})
    assert rows(response) == [] and demo.village_admin.name not in response.content.decode()
    csv_rows = list(
        csv.reader(
            io.StringIO(town.get(f"{AUDIT}export.csv", {"actor": demo.village_admin.pk}).content.decode("utf-8-sig"))
        )
    )
    assert len(csv_rows) == 1  # the header only


# --- Filters ---------------------------------------------------------------------------------------


def test_filters_by_action_object_person_and_date(demo, clients, places):
    county = clients["county_admin"]
    school = places["wuyuan_school"]
    late_evening = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=SHANGHAI)  # 15:30 UTC, still March 1st here
    with at(late_evening):
        march_first = audit_record(actor=demo.town_admin, action=AuditAction.UPDATED, target=school, summary="m1")
    with at(datetime.datetime(2026, 3, 2, 0, 30, tzinfo=SHANGHAI)):
        march_second = audit_record(actor=demo.county_admin, action=AuditAction.CREATED, target=school, summary="m2")
    with at(datetime.datetime(2026, 3, 5, 9, 0, tzinfo=SHANGHAI)):
        other = audit_record(
            actor=demo.county_admin, action=AuditAction.UPDATED, target=places["village_point"], summary="m5"
        )

    def shown(**params) -> set[str]:
        response = county.get(AUDIT, params)
        assert response.status_code == 200
        found = set()
        for row in rows(response):
            found |= {m for m in ("m1", "m2", "m5") if f">{m}<" in row}
        return found

    assert shown(since="2026-03-01", until="2026-03-01") == {"m1"}
    assert shown(since="2026-03-02", until="2026-03-05") == {"m2", "m5"}
    assert shown(action="created", since="2026-03-01") == {"m2"}
    assert shown(object_type="institutions.institution", object_id=str(school.pk)) == {"m1", "m2"}
    assert shown(actor=str(demo.town_admin.pk)) == {"m1"}
    # Time shown in the county's time zone.
    page = county.get(AUDIT, {"since": "2026-03-01", "until": "2026-03-01"}).content.decode()
    assert "2026-03-01 23:30" in page
    # Bad input: a clear message, and the unreadable filter is left out (never a 500).
    response = county.get(AUDIT, {"since": "2026-03-05", "until": "2026-03-01", "object_id": "1 OR 1=1"})
    assert response.status_code == 200
    assert 'data-testid="audit-filter-errors"' in response.content.decode()
    assert county.get(AUDIT, {"actor": "x"}).status_code == 200
    assert county.get(AUDIT, {"since": "not a date"}).status_code == 200
    assert march_first.pk and march_second.pk and other.pk


def test_finding_a_person_by_name_or_phone_keeps_them_out_of_the_url(demo, clients, places):
    audit_record(actor=demo.village_admin, action=AuditAction.UPDATED, target=places["village_point"], summary="v")
    county = clients["county_admin"]
    by_phone = county.post(AUDIT, {"q": demo.village_admin.phone})
    page = by_phone.content.decode()
    assert f"actor={demo.village_admin.pk}" in page
    assert page.count(demo.village_admin.phone) == 1  # only in the search box as typed; masked in the answer
    assert demo.village_admin.phone[:3] + "****" + demo.village_admin.phone[-4:] in page
    by_name = county.post(f"{AUDIT}?action=updated", {"q": demo.village_admin.name[:2]})
    assert f"action=updated&amp;actor={demo.village_admin.pk}" in by_name.content.decode()
    # Someone who never acted in the viewer's area is not offered.
    town = clients["town_admin"]
    assert f"actor={demo.village_admin.pk}" not in town.post(AUDIT, {"q": demo.village_admin.phone}).content.decode()
    assert 'data-testid="audit-actor-none"' in town.post(AUDIT, {"q": "nobody-like-this"}).content.decode()
    chosen = county.get(AUDIT, {"actor": demo.village_admin.pk}).content.decode()
    assert 'data-testid="audit-actor-chosen"' in chosen and demo.village_admin.name in chosen


# --- Paging and queries ---------------------------------------------------------------------------


def test_pages_newest_first_with_a_fixed_number_of_queries(demo, clients, places, django_assert_max_num_queries):
    county = clients["county_admin"]
    school = places["wuyuan_school"]
    start = datetime.datetime(2026, 4, 1, 8, 0, tzinfo=SHANGHAI)
    for number in range(35):
        with at(start + datetime.timedelta(minutes=number)):
            audit_record(actor=demo.town_admin, action=AuditAction.UPDATED, target=school, summary=f"n{number:02d}")
    params = {"object_type": "institutions.institution", "object_id": str(school.pk)}
    first = county.get(AUDIT, params)
    summaries = [re.search(r">(n\d\d)<", row).group(1) for row in rows(first)]
    assert summaries == [f"n{n:02d}" for n in range(34, 4, -1)]  # 30 a page, the newest first
    second = county.get(AUDIT, {**params, "page": 2})
    assert [re.search(r">(n\d\d)<", row).group(1) for row in rows(second)] == ["n04", "n03", "n02", "n01", "n00"]
    assert "object_id=" in first.content.decode().split('rel="next"')[0].rsplit("href=", 1)[1]  # filters kept

    with django_assert_max_num_queries(20) as few:
        county.get(AUDIT, {**params, "page": 2})
    with django_assert_max_num_queries(20) as many:
        county.get(AUDIT, params)
    assert len(many.captured_queries) == len(few.captured_queries)  # 30 rows cost what 5 do


# --- Export ----------------------------------------------------------------------------------------


def test_the_export_masks_phones_escapes_formulas_and_is_audited(demo, clients, places):
    county = clients["county_admin"]
    school = places["wuyuan_school"]
    with audit_origin(AuditOrigin("10.7.7.7", "Mozilla/5.0 (iPhone) Safari/604.1")):
        audit_record(
            actor=demo.town_admin,
            action=AuditAction.UPDATED,
            target=school,
            summary='=HYPERLINK("http://evil","x")',
            changes={"name": "+cmd|' /C calc'!A0"},
        )
    params = {"object_type": "institutions.institution", "object_id": str(school.pk)}
    before = AuditEvent.objects.filter(action=AuditAction.EXPORTED).count()
    response = county.get(f"{AUDIT}export.csv", params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    text = response.content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert len(table) == 2
    row = dict(zip(table[0], table[1], strict=True))
    assert demo.town_admin.phone not in text
    assert "139****0002" in row["Done by"] and demo.town_admin.name in row["Done by"]
    assert row["Summary"] == '\'=HYPERLINK("http://evil","x")'
    assert row["IP address"] == "10.7.7.7" and row["Browser or origin"].startswith("Mozilla/5.0")
    assert "name=+cmd" in row["Changes"]
    exported = AuditEvent.objects.filter(action=AuditAction.EXPORTED).order_by("-id")
    assert exported.count() == before + 1
    record = exported.first()
    assert record.actor == demo.county_admin and record.changes["rows"] == 1
    assert record.changes["object_id"] == str(school.pk) and record.ip_address

    workbook = load_workbook(io.BytesIO(county.get(f"{AUDIT}export.xlsx", params, HTTP_ACCEPT_LANGUAGE="en").content))
    values = list(workbook.active.iter_rows(values_only=True))
    assert values[1][values[0].index("Summary")] == '\'=HYPERLINK("http://evil","x")'
    assert demo.town_admin.phone not in str(values)
    # The export of the export shows up too, for whoever reads the log next.
    assert county.get(AUDIT, {"action": "exported"}).content.decode().count('data-testid="audit-event"') >= 2


def test_an_export_with_unreadable_filters_is_refused_and_not_recorded(demo, clients):
    before = AuditEvent.objects.count()
    response = clients["county_admin"].get(f"{AUDIT}export.csv", {"since": "2026-13-40"})
    assert response.status_code == 400
    assert AuditEvent.objects.count() == before


def test_the_export_holds_only_the_viewers_subtree(demo, clients, marked):
    text = (
        clients["town_admin"]
        .get(f"{AUDIT}export.csv", {"action": "updated"}, HTTP_ACCEPT_LANGUAGE="en")
        .content.decode("utf-8-sig")
    )
    table = list(csv.reader(io.StringIO(text)))
    numbers = {row[table[0].index("Object number")] for row in table[1:]}
    assert numbers == {marked["wuyuan"].object_id}


def test_the_list_selector_applies_every_filter(demo, places):
    school = places["wuyuan_school"]
    event = audit_record(actor=demo.town_admin, action=AuditAction.CREATED, target=school)
    found = audit_event_list(
        actor=demo.town_admin,
        filters=AuditFilters(actor_id=demo.town_admin.pk, action="created", object_type="institutions.institution"),
    )
    assert list(found) == [event]
    assert not audit_event_list(actor=demo.town_admin, filters=AuditFilters(actor_id=demo.county_admin.pk)).exists()
