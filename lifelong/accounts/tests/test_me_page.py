"""The learner's hub, /me/: the next session, registrations as cards (coming ones first, past
ones apart), the waitlist place, the offer with its deadline, and cancel forms that ask first."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lifelong.activities import services
from lifelong.activities.models import Session
from lifelong.activities.tests.helpers import new_learner, published_activity


def my_page(learner) -> str:
    client = Client()
    client.force_login(learner)
    return client.get("/me/").content.decode()


def card_of(html: str, title: str) -> str:
    """The registration card (<li class="ll-card ll-reg…">…</li>) that names the title."""
    cards = re.findall(r'<li class="ll-card ll-reg.*?</li>\s*(?=<li class="ll-card ll-reg|</ul>)', html, re.S)
    found = [card for card in cards if title in card]
    assert len(found) == 1, f"{title}: {len(found)} cards"
    return found[0]


def section(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}".*?</(ul|details)>', html, re.S)
    return match.group(0) if match else ""


def test_coming_registrations_come_soonest_first_and_past_ones_sit_apart(demo):
    learner = new_learner(demo)
    later = published_activity(demo, title="书法提高班")
    sooner = published_activity(demo, title="太极入门")
    over = published_activity(demo, title="去年的讲座")
    for activity in (later, sooner, over):
        services.registration_create(actor=learner, activity=activity, learner=learner)
    now = timezone.now()
    Session.objects.filter(activity=later).update(
        starts_at=now + timedelta(days=9), ends_at=now + timedelta(days=9, hours=2)
    )
    Session.objects.filter(activity=sooner).update(
        starts_at=now + timedelta(days=2), ends_at=now + timedelta(days=2, hours=2)
    )
    Session.objects.filter(activity=over).update(
        starts_at=now - timedelta(days=30), ends_at=now - timedelta(days=30, hours=-2)
    )

    html = my_page(learner)
    coming = section(html, "my-registrations")
    assert coming.index("太极入门") < coming.index("书法提高班")  # soonest first
    assert "去年的讲座" not in coming
    past = section(html, "my-past-registrations")
    assert "去年的讲座" in past
    # The next session is greeted at the top, in a card with its date block.
    next_session = re.search(r'data-testid="my-next-session".*?</section>', html, re.S).group(0)
    assert "太极入门" in next_session and 'class="ll-date' in next_session
    # A past registration offers nothing to cancel.
    assert "data-confirm" not in card_of(html, "去年的讲座")


def test_a_waitlisted_card_shows_the_place_now_and_asks_before_leaving(demo):
    activity = published_activity(demo, title="书法入门", capacity=1)
    holder, waiting = new_learner(demo), new_learner(demo)
    services.registration_create(actor=holder, activity=activity, learner=holder)
    services.registration_create(actor=waiting, activity=activity, learner=waiting)

    card = card_of(my_page(waiting), "书法入门")
    assert 'data-testid="waitlist-place"' in card and ("候补第 1 位" in card or "number 1 on the waitlist" in card)
    form = re.search(r"<form[^>]*data-testid=\"cancel-form\"[^>]*>", card).group(0)
    assert 'data-confirm="' in form and "书法入门" in form and "data-confirm-yes=" in form

    card = card_of(my_page(holder), "书法入门")
    assert "已确认" in card or "Confirmed" in card
    form = re.search(r"<form[^>]*data-testid=\"cancel-form\"[^>]*>", card).group(0)
    assert "书法入门" in form and 'action="/registrations/' in form


def test_an_offered_seat_shows_its_deadline_and_the_accept_button(demo):
    activity = published_activity(demo, title="剪纸体验", capacity=1, offer_hours=24)
    holder, waiting = new_learner(demo), new_learner(demo)
    held = services.registration_create(actor=holder, activity=activity, learner=holder)
    offered = services.registration_create(actor=waiting, activity=activity, learner=waiting)
    services.registration_cancel(actor=holder, registration=held)
    offered.refresh_from_db()
    assert offered.status == "offered"

    card = card_of(my_page(waiting), "剪纸体验")
    deadline = timezone.localtime(offered.offer_expires_at).strftime("%Y-%m-%d %H:%M")
    assert 'data-testid="accept-offer"' in card and deadline in card
    assert f'action="/registrations/{offered.pk}/accept/"' in card


def test_after_registration_closes_the_card_says_to_call_instead_of_cancelling(demo):
    activity = published_activity(demo, title="太极入门")
    learner = new_learner(demo)
    services.registration_create(actor=learner, activity=activity, learner=learner)
    type(activity).objects.filter(pk=activity.pk).update(registration_closes=timezone.now() - timedelta(minutes=1))

    card = card_of(my_page(learner), "太极入门")
    assert "data-confirm" not in card and 'data-testid="cancel-form"' not in card
    assert "请致电组织方" in card or "please call the organizer" in card


@pytest.mark.parametrize("size", [1, 4])
def test_my_page_runs_a_fixed_number_of_queries(demo, django_assert_num_queries, size):
    learner = new_learner(demo)
    for n in range(size):
        activity = published_activity(demo, title=f"课程{n}")
        services.registration_create(actor=learner, activity=activity, learner=learner)
    client = Client()
    client.force_login(learner)
    client.get("/me/")  # the calendar feed's token is made on the first visit
    # The same count for one registration or four: the registrations are one query, their
    # waitlist places and session times included.
    with django_assert_num_queries(QUERIES_ON_MY_PAGE):
        assert client.get("/me/").status_code == 200


QUERIES_ON_MY_PAGE = 12


def test_after_registration_closes_a_waitlisted_learner_may_still_leave_the_waitlist(demo):
    # The service lets a learner leave the waitlist at any time (only a held seat is kept
    # once registration closes), so the card must keep offering it rather than "call us".
    activity = published_activity(demo, title="书法入门", capacity=1)
    holder, waiting = new_learner(demo), new_learner(demo)
    services.registration_create(actor=holder, activity=activity, learner=holder)
    waitlisted = services.registration_create(actor=waiting, activity=activity, learner=waiting)
    type(activity).objects.filter(pk=activity.pk).update(registration_closes=timezone.now() - timedelta(minutes=1))

    card = card_of(my_page(waiting), "书法入门")
    assert 'data-testid="cancel-form"' in card and f'action="/registrations/{waitlisted.pk}/cancel/"' in card
    assert "请致电组织方" not in card and "please call the organizer" not in card
    assert services.registration_cancel(actor=waiting, registration=waitlisted).status == "cancelled"
