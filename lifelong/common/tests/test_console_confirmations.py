"""Every destructive staff action asks first (issue 13, "Safe actions").

The shell's script opens its confirm dialog for any <form data-confirm="…">; this test renders
each console page as the person who would use it, finds each destructive form by the URL it
posts to (and, where one URL serves several answers, by its button's value), and fails if the
form has lost its question or its yes-button's verb. A form added without `data-confirm` to one
of these places, or a template that drops it, turns this red.
"""

from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils import timezone

from lifelong.activities import services as activity_services
from lifelong.activities.tests.helpers import draft_activity, new_learner, published_activity
from lifelong.campaigns import services as campaign_services
from lifelong.community.tests.helpers import person, team
from lifelong.honours import services as honour_services
from lifelong.honours.tests.helpers import open_call
from lifelong.institutions import services as institution_services
from lifelong.institutions.tests.helpers import memorial_hall
from lifelong.news import services as news_services
from lifelong.news.tests.helpers import newsroom, write
from lifelong.passport.models import Certificate, LearningRecord
from lifelong.passport.tests.helpers import attend, course, enrol
from lifelong.regions.models import Region
from lifelong.resources.tests.helpers import publish_link


@dataclass
class Form:
    action: str
    attrs: dict[str, str]
    buttons: list[dict[str, str]]


class _Forms(HTMLParser):
    """The page's forms with their attributes and their submit buttons."""

    def __init__(self, page_path: str):
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[Form] = []
        self._open: Form | None = None

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._open = Form(values.get("action") or self.page_path, values, [])
            self.forms.append(self._open)
        elif tag == "button" and values.get("type", "submit") == "submit":
            owner = values.get("form")
            target = next((f for f in self.forms if owner and f.attrs.get("id") == owner), self._open)
            if target is not None:
                target.buttons.append(values)

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None


def forms_on(client, path: str) -> list[Form]:
    response = client.get(path)
    assert response.status_code == 200, path
    parser = _Forms(path)
    parser.feed(response.content.decode())
    return parser.forms


def assert_asks(client, path: str, action: str, *, value: str | None = None, name: str = "", verb: bool = True) -> None:
    """The form posting to `action` on `path` (with a button of `value`, if given) carries a
    question and (unless `verb` is False: the dialog's default "Yes, go ahead") the verb of
    its yes-button."""
    matching = [
        form
        for form in forms_on(client, path)
        if form.action == action and (value is None or any(b.get("value") == value for b in form.buttons))
    ]
    assert matching, f"{name}: no form posting to {action} on {path}"
    for form in matching:
        assert form.attrs.get("data-confirm", "").strip(), f"{name}: {action} on {path} does not ask first"
        assert not verb or form.attrs.get("data-confirm-yes", "").strip(), f"{name}: {action} on {path} has no yes-verb"


@pytest.fixture
def world(demo):
    """One of everything a destructive staff action works on."""
    county = Region.objects.get(code="330424")
    return {
        **_activities_and_registrations(demo),
        **_passport_entries(demo),
        **_booking(demo),
        **_campaign_proposal(demo, county),
        **_articles(demo),
        "resource": publish_link(demo, title="国家图书馆"),
        **_nomination(demo, county),
        "team": team(demo),
    }


def _activities_and_registrations(demo) -> dict:
    now = timezone.now()
    sessions = [{"starts_at": now + timedelta(days=8), "ends_at": now + timedelta(days=8, hours=2)}]
    submitted = draft_activity(demo, sessions=sessions, title="待审核讲座", capacity=10)
    activity_services.activity_submit(actor=demo.organizer, activity=submitted)

    published = published_activity(demo, title="需要审批的课", capacity=1, requires_approval=True)
    waiting = new_learner(demo)
    pending = activity_services.registration_create(actor=waiting, activity=published, learner=waiting)

    full = published_activity(demo, title="满员的课", capacity=1)
    first, second = new_learner(demo), new_learner(demo)
    confirmed = activity_services.registration_create(actor=first, activity=full, learner=first)
    waitlisted = activity_services.registration_create(actor=second, activity=full, learner=second)
    assert (pending.status, confirmed.status, waitlisted.status) == ("pending", "confirmed", "waitlisted")
    return {
        "submitted": submitted,
        "published": published,
        "pending": pending,
        "full": full,
        "confirmed": confirmed,
        "waitlisted": waitlisted,
    }


def _passport_entries(demo) -> dict:
    certified = course(demo, sessions=1)
    enrol(certified, demo.elder_learner)
    attend(demo, certified.sessions.get(), demo.elder_learner)
    return {
        "certificate": Certificate.objects.get(learner=demo.elder_learner),
        "record": LearningRecord.objects.filter(learner=demo.elder_learner).first(),
    }


def _booking(demo) -> dict:
    hall = memorial_hall()
    start = timezone.localtime() + timedelta(days=5)
    booking = institution_services.venue_booking_create(
        actor=demo.county_admin, venue=hall, starts_at=start, ends_at=start + timedelta(hours=2), purpose="太极入门"
    )
    return {"hall": hall, "booking": booking}


def _campaign_proposal(demo, county: Region) -> dict:
    campaign = campaign_services.campaign_create(
        actor=demo.county_admin,
        host_region=county,
        slug="week-confirm",
        name="终身学习活动周",
        name_en="Lifelong Learning Week",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=30),
        target_activities=3,
        target_attendance=2,
    )
    proposed = published_activity(demo, title="茶艺入门")
    campaign_services.campaign_propose(actor=demo.organizer, activity=proposed, campaign=campaign)
    return {"campaign": campaign, "proposed": proposed}


def _articles(demo) -> dict:
    room = newsroom(demo)
    released = room.county_article(title="已发布的通知")
    in_review = write(room.county_editor, room.county, title="待审的新闻")
    news_services.article_submit(actor=room.county_editor, article=in_review)
    return {"room": room, "released": released, "in_review": in_review}


def _nomination(demo, county: Region) -> dict:
    call = open_call(demo.county_admin, county)
    nomination = honour_services.nomination_create(
        actor=demo.county_admin, call=call, kind="learner", recipient=demo.elder_learner, statement="坚持学习十年。"
    )
    return {"call": call, "nomination": nomination}


def test_every_destructive_staff_action_asks_for_confirmation(demo, world, verified_client):
    admin = verified_client(demo.county_admin)
    organizer = verified_client(demo.organizer)
    _activities_ask(admin, organizer, world)
    _registrations_ask(organizer, world)
    _passport_and_roles_ask(demo, admin, world)
    _bookings_and_campaigns_ask(admin, world)
    _news_asks(verified_client, world)
    _resources_and_honours_ask(admin, world)
    _teams_ask(demo, world)


def _activities_ask(admin, organizer, w) -> None:
    """Reject (the reason stays required) and cancel, as the approving admin."""
    manage = f"/console/activities/{w['submitted'].pk}/"
    assert_asks(admin, manage, f"/console/activities/{w['submitted'].pk}/reject/", name="reject an activity")
    reject = next(f for f in forms_on(admin, manage) if f.action.endswith("/reject/"))
    assert reject.attrs.get("data-confirm")
    assert 'name="reason"' in admin.get(manage).content.decode()
    assert_asks(admin, manage, f"/console/activities/{w['submitted'].pk}/cancel/", name="cancel an activity")
    assert_asks(
        organizer,
        f"/console/activities/{w['published'].pk}/",
        f"/console/activities/{w['published'].pk}/cancel/",
        name="cancel a published activity",
    )


def _registrations_ask(organizer, w) -> None:
    """Decline one waiting for approval, cancel a confirmed one and a waitlisted one."""
    assert_asks(
        organizer,
        f"/console/activities/{w['published'].pk}/",
        f"/console/registrations/{w['pending'].pk}/reject/",
        name="decline an approval",
    )
    for registration in (w["pending"], w["confirmed"], w["waitlisted"]):
        assert_asks(
            organizer,
            f"/console/activities/{registration.activity_id}/",
            f"/console/registrations/{registration.pk}/cancel/",
            name=f"cancel a {registration.status} registration",
        )


def _passport_and_roles_ask(demo, admin, w) -> None:
    """Passport: revoke a certificate, reverse an entry, add an adjustment; staff roles:
    revoking a grant."""
    assert_asks(
        admin, "/console/certificates/", f"/console/certificates/{w['certificate'].serial}/revoke/", name="revoke"
    )
    passport = f"/console/learners/{demo.elder_learner.pk}/passport/"
    assert_asks(admin, passport, f"/console/records/{w['record'].pk}/reverse/", name="reverse a passport entry")
    assert_asks(admin, passport, passport, name="adjust a passport")

    roles = forms_on(admin, "/console/roles/")
    revokes = [f for f in roles if "/console/roles/" in f.action and f.action.endswith("/revoke/")]
    assert revokes, "the county admin sees grants they may revoke"
    for form in revokes:
        assert form.attrs.get("data-confirm") and form.attrs.get("data-confirm-yes"), form.action


def _bookings_and_campaigns_ask(admin, w) -> None:
    """Venues: cancelling a booking; campaigns: declining a proposal (accepting needs no
    question)."""
    assert_asks(
        admin,
        f"/console/venues/{w['hall'].pk}/bookings/",
        f"/console/bookings/{w['booking'].pk}/cancel/",
        name="cancel a booking",
    )
    assert_asks(
        admin,
        f"/console/campaigns/{w['campaign'].pk}/",
        f"/console/campaigns/{w['campaign'].pk}/proposals/{w['proposed'].pk}/",
        value="decline",
        name="decline a campaign proposal",
    )


def _news_asks(verified_client, w) -> None:
    """Archive a published article, send one back, withdraw one's own submission."""
    room = w["room"]
    reviewer = verified_client(room.county_reviewer)
    editor = verified_client(room.county_editor)
    released, in_review = w["released"], w["in_review"]
    assert_asks(
        reviewer, f"/console/news/{released.pk}/", f"/console/news/{released.pk}/archive/", name="archive an article"
    )
    assert_asks(reviewer, f"/console/news/{in_review.pk}/", f"/console/news/{in_review.pk}/return/", name="send back")
    assert_asks(
        editor, f"/console/news/{in_review.pk}/", f"/console/news/{in_review.pk}/withdraw/", name="withdraw review"
    )


def _resources_and_honours_ask(admin, w) -> None:
    """Resources: withdrawing a published one from the library; honours: withdrawing a
    nomination, closing the call, awarding (final)."""
    resource_page = f"/console/resources/{w['resource'].pk}/"
    assert_asks(admin, resource_page, resource_page, value="0", name="withdraw a resource")

    call_page = f"/console/honours/calls/{w['call'].pk}/"
    assert_asks(admin, call_page, f"/console/honours/nominations/{w['nomination'].pk}/withdraw/", name="withdraw")
    assert_asks(admin, call_page, f"/console/honours/calls/{w['call'].pk}/close/", name="close a call")


def _teams_ask(demo, w) -> None:
    """Teams (their own pages, not the console): the leader declining a request and someone
    leaving or withdrawing a request ask too; there the dialog's default yes-words do."""
    reading = w["team"]
    newcomer = person(demo)
    newcomer_client = Client()
    newcomer_client.force_login(newcomer)
    newcomer_client.post(f"/teams/{reading.pk}/join/")
    leader = Client()
    leader.force_login(reading.leader)
    team_page = f"/teams/{reading.pk}/"
    declines = [f for f in forms_on(leader, team_page) if f.action.endswith("/decline/")]
    assert declines and all(f.attrs.get("data-confirm") for f in declines), "decline a join request"
    assert_asks(newcomer_client, team_page, f"/teams/{reading.pk}/leave/", name="withdraw a join request", verb=False)


def test_an_adjustment_still_records_after_the_question(demo, verified_client):
    """The confirmation is only a question in the browser: the form posts as before."""
    admin = verified_client(demo.county_admin)
    response = admin.post(
        f"/console/learners/{demo.elder_learner.pk}/passport/",
        {"hours": "1.5", "learned_on": timezone.localdate().isoformat(), "title": "补录讲座", "reason": "纸质签到"},
    )
    assert response.status_code == 302
    assert LearningRecord.objects.filter(learner=demo.elder_learner, title="补录讲座").exists()
