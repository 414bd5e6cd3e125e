"""Running a campaign: admins create it, organizers propose activities, admins of the host
region accept or decline them; the calendar feed and the post-week report follow the programme."""

from datetime import date, datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.translation import override

from lifelong.accounts.models import RoleGrant, User
from lifelong.activities import checkin
from lifelong.activities import services as activity_services
from lifelong.activities.models import Activity, Attendance, Registration
from lifelong.activities.tests.helpers import new_learner
from lifelong.campaigns import reports, services
from lifelong.campaigns.demo import demo_learning_week_2019_load
from lifelong.campaigns.models import Campaign, CampaignReport
from lifelong.campaigns.selectors import campaign_counters, campaign_figures
from lifelong.common.errors import Conflict, InvalidInput, NotFound
from lifelong.common.models import AuditEvent
from lifelong.institutions.models import Institution
from lifelong.passport.models import LearningRecord
from lifelong.passport.tests.helpers import attend, course
from lifelong.regions.models import Region
from lifelong.testkit.api import ApiClient


@pytest.fixture
def week(demo):
    today = timezone.localdate()
    return services.campaign_create(
        actor=demo.county_admin,
        host_region=Region.objects.get(code="330424"),
        slug="week-2026",
        name="终身学习活动周",
        name_en="Lifelong Learning Week",
        starts_on=today,
        ends_on=today + timedelta(days=30),
        target_activities=3,
        target_attendance=2,
    )


def proposal(demo, week, *, actor=None, institution=None, title="茶艺入门", days=7, **fields) -> Activity:
    """An activity proposed for the week and published (publication and the campaign's
    acceptance are separate decisions)."""
    now = timezone.now()
    institution = institution or Institution.objects.get(kind="community_school", region__code="330424105")
    starts = now + timedelta(days=days)
    activity = activity_services.activity_create(
        actor=actor or demo.organizer,
        institution=institution,
        sessions=[{"starts_at": starts, "ends_at": starts + timedelta(hours=2)}],
        title=title,
        title_en=fields.pop("title_en", ""),
        category=fields.pop("category", "culture"),
        audiences=fields.pop("audiences", ["all"]),
        capacity=fields.pop("capacity", 20),
        registration_opens=now - timedelta(days=1),
        registration_closes=now + timedelta(days=days - 1),
        offer_hours=0,
        campaign=week,
        **fields,
    )
    return activity_services.activity_publish(actor=demo.county_admin, activity=activity)


# --- Proposals ----------------------------------------------------------------------------------


def test_an_organizers_activity_is_a_proposal_until_an_admin_of_the_host_region_accepts_it(demo, week):
    activity = proposal(demo, week)
    assert activity.campaign_status == "proposed"
    assert campaign_counters(campaign=week)["activities"]["value"] == 0
    assert "茶艺入门" not in Client().get("/campaigns/week-2026/").content.decode()
    # The Wuyuan town admin does not administer the county that hosts the week.
    with pytest.raises(NotFound):
        services.campaign_proposal_decide(actor=demo.town_admin, activity=activity, accept=True)
    with pytest.raises(NotFound):
        services.campaign_proposal_decide(actor=demo.organizer, activity=activity, accept=True)
    services.campaign_proposal_decide(actor=demo.county_admin, activity=activity, accept=True)
    activity.refresh_from_db()
    assert activity.campaign_status == "accepted"
    assert campaign_counters(campaign=week)["activities"]["value"] == 1
    assert "茶艺入门" in Client().get("/campaigns/week-2026/").content.decode()
    assert AuditEvent.objects.filter(actor=demo.county_admin, changes__campaign_status="accepted").exists()


def test_a_decision_can_be_changed_but_not_repeated(demo, week):
    activity = proposal(demo, week)
    services.campaign_proposal_decide(actor=demo.county_admin, activity=activity, accept=False)
    with override("en"), pytest.raises(Conflict) as repeated:
        services.campaign_proposal_decide(actor=demo.county_admin, activity=activity, accept=False)
    assert repeated.value.code == "already_decided"
    services.campaign_proposal_decide(actor=demo.county_admin, activity=activity, accept=True)
    services.campaign_proposal_decide(actor=demo.county_admin, activity=activity, accept=False)
    activity.refresh_from_db()
    assert activity.campaign_status == "declined"
    assert campaign_counters(campaign=week)["activities"]["value"] == 0


def test_an_admin_of_the_host_region_places_their_own_activity_in_the_programme_at_once(demo, week):
    assert proposal(demo, week, actor=demo.county_admin).campaign_status == "accepted"


def test_the_catalogue_and_the_api_show_a_campaign_only_for_accepted_activities(demo, week):
    waiting = proposal(demo, week, title="等待")
    accepted = proposal(demo, week, title="已入选")
    services.campaign_proposal_decide(actor=demo.county_admin, activity=accepted, accept=True)
    items = ApiClient().get("/activities", campaign="week-2026").json()["items"]
    assert [item["id"] for item in items] == [accepted.pk]
    assert ApiClient().get(f"/activities/{waiting.pk}").json()["campaign"] is None
    assert ApiClient().get(f"/activities/{accepted.pk}").json()["campaign"] == "week-2026"


def test_the_registration_cap_counts_only_the_campaign_programme(demo, week):
    week.registration_cap = 1
    week.save()
    accepted = proposal(demo, week, title="入选")
    services.campaign_proposal_decide(actor=demo.county_admin, activity=accepted, accept=True)
    waiting = proposal(demo, week, title="待定")
    another = proposal(demo, week, title="又一个")
    services.campaign_proposal_decide(actor=demo.county_admin, activity=another, accept=True)
    learner = new_learner(demo)
    activity_services.registration_create(actor=learner, activity=waiting, learner=learner)
    activity_services.registration_create(actor=learner, activity=accepted, learner=learner)
    with pytest.raises(Conflict) as capped:
        activity_services.registration_create(actor=learner, activity=another, learner=learner)
    assert capped.value.code == "campaign_cap"


def test_an_activity_in_no_campaign_has_no_place_in_one(demo):
    from django.db import IntegrityError, transaction

    activity = course(demo, sessions=1)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Activity.objects.filter(pk=activity.pk).update(campaign_status="accepted")


# --- Creating and editing campaigns -------------------------------------------------------------


def test_admins_create_campaigns_only_for_regions_they_administer(demo):
    ganpu = Region.objects.get(code="330424104")
    fields = {"slug": "ganpu-week", "name": "澉浦学习周", "starts_on": date(2027, 3, 1), "ends_on": date(2027, 3, 7)}
    with pytest.raises(NotFound):
        services.campaign_create(actor=demo.town_admin, host_region=ganpu, **fields)
    wuyuan = Region.objects.get(code="330424001")
    campaign = services.campaign_create(actor=demo.town_admin, host_region=wuyuan, **{**fields, "slug": "wy"})
    assert campaign.host_region == wuyuan
    with override("en"), pytest.raises(InvalidInput):
        services.campaign_create(
            actor=demo.county_admin,
            host_region=ganpu,
            **{**fields, "slug": "backwards", "ends_on": date(2027, 2, 1)},
        )
    assert not Campaign.objects.filter(slug__in=["ganpu-week", "backwards"]).exists()


def test_the_report_is_scheduled_for_the_day_after_and_skipped_when_the_dates_moved(demo, week):
    assert reports.campaign_report_due(campaign_id=week.pk, ends_on="2000-01-01") is None
    assert not CampaignReport.objects.exists()
    # Run early (the test task backend runs deferred tasks at once), it does nothing.
    assert reports.campaign_report_due(campaign_id=week.pk, ends_on=week.ends_on.isoformat()) is None
    assert not CampaignReport.objects.exists()
    report = reports.campaign_report_due(campaign_id=week.pk, ends_on=week.ends_on.isoformat(), now=after_end(week))
    assert report.campaign == week and report.generated_by is None


def test_the_console_lets_county_admins_run_campaigns_and_others_not(demo, week, verified_client):
    activity = proposal(demo, week)
    admin = verified_client(demo.county_admin)
    page = admin.get(f"/console/campaigns/{week.pk}/").content.decode()
    assert "茶艺入门" in page and 'data-testid="campaign-proposals"' in page
    response = admin.post(f"/console/campaigns/{week.pk}/proposals/{activity.pk}/", {"decision": "accept"})
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.campaign_status == "accepted"
    # A bad decision changes nothing and says why.
    response = admin.post(f"/console/campaigns/{week.pk}/proposals/{activity.pk}/", {"decision": "maybe"}, follow=True)
    activity.refresh_from_db()
    assert activity.campaign_status == "accepted" and response.status_code == 200
    for user in (demo.town_admin, demo.organizer):
        client = verified_client(user)
        assert client.get(f"/console/campaigns/{week.pk}/").status_code == 404
        response = client.post(f"/console/campaigns/{week.pk}/proposals/{activity.pk}/", {"decision": "decline"})
        assert response.status_code == 404
    activity.refresh_from_db()
    assert activity.campaign_status == "accepted"


def test_the_console_form_creates_a_campaign_and_refuses_bad_dates(demo, verified_client):
    admin = verified_client(demo.county_admin)
    county = Region.objects.get(code="330424")
    form = {
        "slug": "week-2027",
        "name": "2027 学习周",
        "starts_on": "2027-11-01",
        "ends_on": "2027-10-01",
        "host_region": county.pk,
    }
    response = admin.post("/console/campaigns/new/", form)
    assert response.status_code == 200 and not Campaign.objects.filter(slug="week-2027").exists()
    response = admin.post("/console/campaigns/new/", {**form, "ends_on": "2027-11-07"})
    assert response.status_code == 302
    assert Campaign.objects.get(slug="week-2027").ends_on == date(2027, 11, 7)


# --- The API -----------------------------------------------------------------------------------


def test_the_campaign_api_creates_lists_changes_and_decides(demo, week):
    admin = ApiClient(demo.county_admin)
    body = {"slug": "week-2027", "name": "2027 学习周", "starts_on": "2027-11-01", "ends_on": "2027-11-07"}
    created = admin.post("/campaigns", {**body, "host_region": "330424", "target_hours": 500, "goals": "人人学习"})
    assert created.status_code == 201 and created.json()["targets"]["hours"] == 500
    assert created.json()["goals"] == "人人学习"
    assert "人人学习" in Client().get("/campaigns/week-2027/").content.decode()
    assert admin.post("/campaigns", {**body, "host_region": "330424"}).json()["code"] == "duplicate"
    assert admin.post("/campaigns", {**body, "slug": "x", "host_region": "999"}).status_code == 404
    assert admin.post("/campaigns", {**body, "slug": "y", "host_region": "330424", "colour": "red"}).status_code == 422
    town = ApiClient(demo.town_admin).post("/campaigns", {**body, "slug": "z", "host_region": "330424"})
    assert town.status_code == 404
    assert ApiClient().get("/campaigns").json()["count"] == Campaign.objects.count()

    changed = admin.patch("/campaigns/week-2027", {"theme": "学无止境", "target_hours": 600})
    assert changed.status_code == 200 and changed.json()["theme"] == "学无止境"
    assert admin.patch("/campaigns/week-2027", {"ends_on": "2027-10-01"}).status_code == 422
    assert admin.patch("/campaigns/week-2027", {"name": None}).status_code == 422
    assert ApiClient(demo.town_admin).patch("/campaigns/week-2027", {"theme": "x"}).status_code == 404
    assert Campaign.objects.get(slug="week-2027").theme == "学无止境"

    activity = proposal(demo, week)
    waiting = admin.get("/campaigns/week-2026/proposals", status="proposed").json()
    assert [item["id"] for item in waiting["items"]] == [activity.pk]
    assert ApiClient(demo.organizer).get("/campaigns/week-2026/proposals").status_code == 404
    accepted = admin.post(f"/campaigns/week-2026/proposals/{activity.pk}/accept")
    assert accepted.status_code == 200 and accepted.json()["campaign_status"] == "accepted"
    assert admin.post(f"/campaigns/week-2026/proposals/{activity.pk}/accept").json()["code"] == "already_decided"
    assert admin.post("/campaigns/week-2026/proposals/999999/decline").status_code == 404
    assert ApiClient(demo.town_admin).post(f"/campaigns/week-2026/proposals/{activity.pk}/decline").status_code == 404
    assert admin.post(f"/campaigns/week-2026/proposals/{activity.pk}/decline").json()["campaign_status"] == "declined"


def after_end(campaign: Campaign):
    """Noon (county time) of the day after the campaign's last day: its report may be made."""
    return timezone.make_aware(datetime.combine(campaign.ends_on + timedelta(days=1), time(12)))


def end_campaign(campaign: Campaign) -> None:
    """Move the campaign into the past, as if its week were over."""
    today = timezone.localdate()
    Campaign.objects.filter(pk=campaign.pk).update(
        starts_on=today - timedelta(days=8), ends_on=today - timedelta(days=1)
    )
    campaign.refresh_from_db()


def test_the_report_api_answers_404_until_generated(demo, week):
    assert ApiClient().get("/campaigns/week-2026/report").status_code == 404
    assert ApiClient(demo.town_admin).post("/campaigns/week-2026/report").status_code == 404
    end_campaign(week)
    generated = ApiClient(demo.county_admin).post("/campaigns/week-2026/report")
    assert generated.status_code == 201
    report = ApiClient().get("/campaigns/week-2026/report").json()
    assert report["campaign"] == "week-2026" and report["figures"]["totals"]["activities"]["value"] == 0


# --- Calendar and report -------------------------------------------------------------------------


def test_the_calendar_feed_holds_the_programme_only(demo, week):
    accepted = proposal(demo, week, title="入选活动")
    services.campaign_proposal_decide(actor=demo.county_admin, activity=accepted, accept=True)
    proposal(demo, week, title="候选活动")
    response = Client().get("/campaigns/week-2026/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.count("BEGIN:VEVENT") == 1 and "入选活动" in body and "候选活动" not in body
    assert Client().get("/campaigns/no-such/calendar.ics").status_code == 404


@pytest.fixture
def week_held(demo, week):
    """Three activities in two towns and the county school: registrations, attendance (one
    learner at two activities), a cancellation, and a proposal left out."""
    tongyuan = Institution.objects.get(kind="community_school", region__code="330424105")
    ganpu = Institution.objects.get(kind="community_school", region__code="330424104")
    college = Institution.objects.get(kind="community_college")
    tea = proposal(demo, week, actor=demo.county_admin, institution=tongyuan, title="茶艺", category="culture")
    farm = proposal(
        demo, week, actor=demo.county_admin, institution=ganpu, title="新农民讲堂", category="agriculture",
        audiences=["farmers", "elderly"],
    )  # fmt: skip
    lecture = proposal(demo, week, actor=demo.county_admin, institution=college, title="开幕讲座", category="civic")
    left_out = proposal(demo, week, institution=tongyuan, title="未入选")
    ganpu_village = Region.objects.filter(parent__code="330424104").order_by("code").first()
    star = new_learner(demo, name="王小明")
    farmer = new_learner(demo, name="陈大山", home_region=ganpu_village)
    others = [new_learner(demo) for _ in range(3)]
    for activity, people in ((tea, [star, *others]), (farm, [star, farmer]), (lecture, others[:1]), (left_out, others)):
        for learner in people:
            activity_services.registration_create(actor=learner, activity=activity, learner=learner)
    activity_services.registration_cancel(
        actor=others[2], registration=Registration.objects.get(activity=tea, learner=others[2])
    )
    for activity, people in ((tea, [star, others[0]]), (farm, [star, farmer]), (left_out, others[:1])):
        session = activity.sessions.get()
        for learner in people:
            checkin.checkin_record(
                actor=demo.county_admin, session=session, learner=learner, now=session.starts_at + timedelta(minutes=5)
            )
    return {"tea": tea, "farm": farm, "lecture": lecture, "left_out": left_out, "star": star}


def test_the_report_figures_equal_the_raw_records(demo, week, week_held):
    figures = campaign_figures(campaign=week)
    programme = [week_held[key] for key in ("tea", "farm", "lecture")]
    totals = figures["totals"]
    assert totals["activities"] == {"value": "3", "target": 3}
    assert int(totals["registrations"]["value"]) == Registration.objects.filter(
        activity__in=programme, status__in=["pending", "confirmed", "waitlisted", "offered"]
    ).count() == 6  # fmt: skip
    assert int(totals["attendance"]["value"]) == Attendance.objects.filter(session__activity__in=programme).count() == 4
    hours = sum(r.hours for r in LearningRecord.objects.filter(activity__in=programme))
    assert totals["hours"]["value"] == f"{hours:.1f}" == "8.0"
    assert totals["learners"] == 3 and totals["sessions"] == 3 and totals["towns"] == 2

    by_town = {row["key"]: row for row in figures["by_town"]}
    assert set(by_town) == {"330424105", "330424104", ""}  # "" is the county school
    assert by_town["330424105"]["attendance"] == 2 and by_town["330424104"]["attendance"] == 2
    assert by_town["330424104"]["name"] == "澉浦镇" and by_town["330424104"]["hours"] == "4.0"
    assert by_town["330424104"]["hours_per_thousand"] == "0.1"  # 4 hours for 29,871 residents
    for group in ("by_town", "by_category"):  # each activity counted once
        assert sum(row["activities"] for row in figures[group]) == 3
        assert sum(row["attendance"] for row in figures[group]) == 4
    by_audience = {row["key"]: row for row in figures["by_audience"]}
    assert by_audience["farmers"]["attendance"] == by_audience["elderly"]["attendance"] == 2  # one activity, both

    highlights = figures["highlights"]
    assert [h["title"] for h in highlights["most_attended"]] == ["茶艺", "新农民讲堂"]
    assert highlights["top_learners"][0] == {"name": "王**", "town": {"name": "通元镇", "name_en": "Tongyuan Town"},
                                             "hours": "4.0"}  # fmt: skip
    assert highlights["best_town"]["key"] == "330424104"
    assert highlights["targets_met"] == ["activities", "attendance"]


def test_the_report_page_prints_and_speaks_both_languages(demo, week, week_held):
    reports.campaign_report_generate(campaign=week, actor=demo.county_admin, now=after_end(week))
    page = Client().get("/campaigns/week-2026/report/").content.decode()
    assert 'data-testid="report-by-town"' in page and "澉浦镇" in page and "王**" in page
    assert "王小明" not in page  # the public report names nobody in full
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/campaigns/week-2026/report/").content.decode()
    assert "Ganpu Town" in english and "Agriculture" in english and "Farmers" in english
    printed = Client().get("/campaigns/week-2026/report/?print=1").content.decode()
    assert 'class="print-view"' in printed
    assert 'href="/campaigns/week-2026/report/"' in Client().get("/campaigns/week-2026/").content.decode()
    assert Client().get("/campaigns/no-such/report/").status_code == 404


def test_the_report_keeps_its_figures_until_generated_again(demo, week, week_held):
    report = reports.campaign_report_generate(campaign=week, actor=demo.county_admin, now=after_end(week))
    latecomer = new_learner(demo)
    activity_services.registration_create(actor=latecomer, activity=week_held["lecture"], learner=latecomer)
    assert CampaignReport.objects.get().figures["totals"]["registrations"]["value"] == "6"
    again = reports.campaign_report_generate(campaign=week, actor=demo.county_admin, now=after_end(week))
    assert again.pk == report.pk and again.figures["totals"]["registrations"]["value"] == "7"


@pytest.mark.parametrize("size", [1, 3])
def test_the_report_is_counted_in_a_fixed_number_of_queries(demo, week, django_assert_num_queries, size):
    learner = new_learner(demo)
    for n in range(size):
        activity = proposal(demo, week, actor=demo.county_admin, title=f"活动{n}")
        activity_services.registration_create(actor=learner, activity=activity, learner=learner)
        attend(demo, activity.sessions.get(), learner)
    with django_assert_num_queries(7):
        figures = campaign_figures(campaign=week)
    assert figures["totals"]["attendance"]["value"] == str(campaign_counters(campaign=week)["attendance"]["value"])


def test_the_demo_holds_the_2019_week_with_its_report(demo):
    week = demo_learning_week_2019_load()
    assert week.theme == "倡导终身学习，服务“八八战略”" and week.starts_on == date(2019, 11, 4)
    figures = week.report.figures
    assert int(figures["totals"]["activities"]["value"]) == 12 and figures["totals"]["towns"] == 9
    assert int(figures["totals"]["attendance"]["value"]) == Attendance.objects.filter(
        session__activity__campaign=week
    ).count() > 100  # fmt: skip
    assert timezone.localdate(week.report.generated_at) == date(2019, 11, 11)
    assert Client().get("/campaigns/learning-week-2019/report/").status_code == 200


def test_unknown_users_are_not_admins_of_anything(demo, week):
    nobody = User.objects.create_user("13600000077", "some-long-pass", name="路人")
    RoleGrant.objects.create(user=nobody, role="organizer", institution=Institution.objects.first())
    with pytest.raises(NotFound):
        reports.campaign_report_generate(campaign=week, actor=nobody)


def week_2019(demo, week: Campaign) -> Campaign:
    """The 2019 learning week, over long ago, of the same host region as `week`."""
    return services.campaign_create(
        actor=demo.county_admin,
        host_region=week.host_region,
        slug="week-2019",
        name="2019 活动周",
        starts_on=date(2019, 11, 4),
        ends_on=date(2019, 11, 10),
    )


def test_the_page_shows_the_programme_by_town_its_venues_and_other_campaigns(demo, week):
    ganpu = Institution.objects.get(kind="community_school", region__code="330424104")
    hall = ganpu.venues.order_by("name").first()
    hall.accessibility_notes = "一楼，轮椅可达"
    hall.save()
    in_ganpu = proposal(demo, week, actor=demo.county_admin, institution=ganpu, title="澉浦讲座", venue=hall)
    proposal(demo, week, actor=demo.county_admin, title="通元讲座")
    week_2019(demo, week)
    page = Client().get("/campaigns/week-2026/").content.decode()
    towns = page[page.index('id="towns-title"') : page.index('id="venues-title"')]
    assert towns.index("澉浦镇") < towns.index("通元镇")  # in code order, Ganpu 104 before Tongyuan 105
    venues = page[page.index('data-testid="campaign-venues"') :]
    assert hall.name in venues and "一楼，轮椅可达" in venues and in_ganpu.title not in venues
    assert 'href="/campaigns/week-2019/"' in page
    assert 'hx-trigger="every 60s"' in page  # the week is running: the counters refresh themselves
    assert 'hx-trigger="every 60s"' not in Client().get("/campaigns/week-2019/").content.decode()


def test_an_existing_activity_is_proposed_later_in_the_console_and_the_api(demo, week, verified_client):
    from lifelong.passport.tests.helpers import course as plain_course

    activity = plain_course(demo, sessions=1)
    organizer = verified_client(demo.organizer)
    page = organizer.get(f"/console/activities/{activity.pk}/").content.decode()
    assert 'data-testid="propose-form"' in page
    organizer.post("/console/campaigns/proposals/new/", {"activity": activity.pk, "campaign": week.pk})
    activity.refresh_from_db()
    assert (activity.campaign, activity.campaign_status) == (week, "proposed")
    # Once proposed it cannot be proposed again, here or elsewhere, until declined.
    response = ApiClient(demo.organizer).post("/campaigns/week-2026/proposals", {"activity": activity.pk})
    assert response.status_code == 409 and response.json()["code"] == "already_proposed"
    services.campaign_proposal_decide(actor=demo.county_admin, activity=activity, accept=False)
    again = ApiClient(demo.organizer).post("/campaigns/week-2026/proposals", {"activity": activity.pk})
    assert again.status_code == 201 and again.json()["campaign_status"] == "proposed"
    # Someone who does not manage the activity gets 404; bad bodies 422; nothing changes.
    assert (
        ApiClient(demo.town_admin).post("/campaigns/week-2026/proposals", {"activity": activity.pk}).status_code == 404
    )
    assert ApiClient(demo.organizer).post("/campaigns/week-2026/proposals", {"activity": "x"}).status_code == 422
    assert ApiClient(demo.organizer).post("/campaigns/no-such/proposals", {"activity": activity.pk}).status_code == 404
    assert (
        organizer.post("/console/campaigns/proposals/new/", {"activity": "x", "campaign": week.pk}).status_code == 404
    )


def test_a_campaign_that_is_over_takes_proposals_from_its_admins_only(demo, week):
    from lifelong.passport.tests.helpers import course as plain_course

    past = week_2019(demo, week)
    activity = plain_course(demo, sessions=1)
    with override("en"), pytest.raises(Conflict) as over:
        services.campaign_propose(actor=demo.organizer, activity=activity, campaign=past)
    assert over.value.code == "campaign_over"
    placed = services.campaign_propose(actor=demo.county_admin, activity=activity, campaign=past)
    assert placed.campaign_status == "accepted"  # recording a past year's programme
    cancelled = plain_course(demo, sessions=1)
    activity_services.activity_cancel(actor=demo.organizer, activity=cancelled)
    with pytest.raises(Conflict) as refused:
        services.campaign_propose(actor=demo.organizer, activity=cancelled, campaign=week)
    assert refused.value.code == "invalid_status"


# --- The report waits for the campaign's end ---------------------------------------------------


def test_no_report_before_the_campaign_ends_and_nothing_is_written(demo, week):
    last_day = timezone.make_aware(datetime.combine(week.ends_on, time(23, 59)))
    for now in (timezone.now(), last_day):
        with pytest.raises(Conflict) as error:
            reports.campaign_report_generate(campaign=week, actor=demo.county_admin, now=now)
        assert error.value.code == "campaign_not_ended" and error.value.status == 409
    # The task worker is held to the same rule.
    with pytest.raises(Conflict):
        reports.campaign_report_generate(campaign=week, now=last_day)
    assert not CampaignReport.objects.exists()
    assert not AuditEvent.objects.filter(object_type="campaigns.campaign", changes__report="generated").exists()
    report = reports.campaign_report_generate(campaign=week, actor=demo.county_admin, now=after_end(week))
    assert report.generated_at == after_end(week)


def test_the_api_answers_409_before_the_end(demo, week):
    response = ApiClient(demo.county_admin).post("/campaigns/week-2026/report")
    assert response.status_code == 409 and response.json()["code"] == "campaign_not_ended"
    assert ApiClient().get("/campaigns/week-2026/report").status_code == 404  # nothing was made public


def test_the_console_explains_why_there_is_no_report_button_before_the_end(demo, week, verified_client):
    client = verified_client(demo.county_admin)
    page = client.get(f"/console/campaigns/{week.pk}/").content.decode()
    assert 'data-testid="report-not-yet"' in page and 'data-testid="report-generate"' not in page
    refused = client.post(f"/console/campaigns/{week.pk}/report/", follow=True)
    assert refused.redirect_chain[-1][0] == f"/console/campaigns/{week.pk}/"
    assert any(message.level_tag == "error" for message in refused.context["messages"])
    assert not CampaignReport.objects.exists()
    end_campaign(week)
    page = client.get(f"/console/campaigns/{week.pk}/").content.decode()
    assert 'data-testid="report-generate"' in page and 'data-testid="report-not-yet"' not in page
    made = client.post(f"/console/campaigns/{week.pk}/report/")
    assert made.status_code == 302 and made["Location"] == "/campaigns/week-2026/report/"
    assert CampaignReport.objects.filter(campaign=week).exists()


CAMPAIGN_NOT_NULLABLE = ["name", "name_en", "theme", "starts_on", "ends_on", "opening_event", "goals"]


@pytest.mark.parametrize("name", CAMPAIGN_NOT_NULLABLE)
def test_a_campaign_patch_leaves_a_field_out_rather_than_null(demo, week, name):
    """Null is no value for these fields, and the document says so as the server does (only the
    targets and the cap take null: none)."""
    schema = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]["CampaignPatch"]
    assert "null" not in str(schema["properties"][name]).replace("'", '"')
    assert {"type": "null"} in schema["properties"]["target_hours"]["anyOf"]
    before = Campaign.objects.filter(pk=week.pk).values().get()
    response = ApiClient(demo.county_admin).patch(f"/campaigns/{week.slug}", {name: None})
    assert response.status_code == 422 and response.json()["code"] == "invalid", response.json()
    assert Campaign.objects.filter(pk=week.pk).values().get() == before
