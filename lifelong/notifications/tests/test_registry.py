"""Each app registers its own kinds of notice: a new kind needs no migration, and a kind no app
registered is refused when it is sent (lifelong/notifications/registry.py)."""

import pytest
from django.core import mail
from django.db import transaction

from lifelong.activities.tests.helpers import new_learner
from lifelong.notifications import registry
from lifelong.notifications.delivery import deliver
from lifelong.notifications.models import Notification
from lifelong.notifications.registry import NoticeContext
from lifelong.notifications.services import notify

# The codes stored in notices and their dedupe keys before the kinds moved to their apps: none
# may change, or old notices would lose their label and icon and an event could be told twice.
CODES_IN_USE = {
    "confirmed",
    "pending",
    "waitlisted",
    "offered",
    "promoted",
    "offer_lapsed",
    "rejected",
    "reg_cancelled",
    "reminder",
    "changed",
    "act_cancelled",
    "published",
    "act_rejected",
    "low_enrolment",
    "certificate",
    "cert_revoked",
    "team_request",
    "team_approved",
    "team_declined",
    "honour_awarded",
    "nom_awarded",
    "nom_not_awarded",
    "article_returned",
    "article_pub",
    "correction_ok",
    "correction_no",
    "act_changed",
    "organizer_msg",
    "residence_ok",
    "residence_no",
}
NEW_CODE = "garden_opening_hours_registered"  # 31 characters: the field holds 32


@pytest.fixture
def own_registry(monkeypatch):
    """The registry as the apps filled it, given back as it was after the test."""
    monkeypatch.setattr(registry, "_kinds", dict(registry._kinds))


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def _words(context: NoticeContext) -> tuple[str, str]:
    return context.addressed(f"The garden opens at {context.params['hour']}."), "/garden/"


def test_the_apps_register_every_kind_notices_already_carry():
    assert set(registry.codes()) == CODES_IN_USE


def test_a_kind_registered_by_an_app_is_made_and_sent_without_a_migration(demo, own_registry, on_commit, sms_outbox):
    kind = registry.register(NEW_CODE, label="Garden news", render=_words, icon="leaf")
    assert f"{kind}" == NEW_CODE  # a kind stands for its code in events and dedupe keys
    learner = new_learner(demo, preferred_language="en", email="gardener@example.org")
    with on_commit():
        notify(kind, activity_id=None, subject_ids=[learner.pk], event="garden:1", hour="9")
    notice = Notification.objects.get(recipient=learner)
    assert (notice.kind, notice.text, notice.link) == (NEW_CODE, "The garden opens at 9.", "/garden/")
    assert notice.kind_label == "Garden news" and notice.kind_icon == "leaf"
    assert sms_outbox == [(learner.phone, "[Lifelong]The garden opens at 9.")]
    assert [message.subject for message in mail.outbox] == ["[Lifelong]Garden news"]
    with on_commit():  # the same event again tells nobody twice
        notify(NEW_CODE, activity_id=None, subject_ids=[learner.pk], event="garden:1", hour="9")
    assert Notification.objects.filter(recipient=learner).count() == 1


def test_a_kind_no_app_registered_is_refused_when_it_is_sent(demo, on_commit):
    learner = new_learner(demo)
    refusal = pytest.raises(ValueError, match="No app registered the notice kind 'garden'")
    with on_commit() as callbacks, refusal, transaction.atomic():
        notify("garden", activity_id=None, subject_ids=[learner.pk], event="garden:1")
    assert callbacks == [] and not Notification.objects.filter(recipient=learner).exists()


def test_a_kind_is_registered_once_with_a_code_that_fits_the_notice(own_registry):
    with pytest.raises(ValueError, match="registered twice"):
        registry.register("reminder", label="Reminder", render=_words)
    with pytest.raises(ValueError, match="1 to 32 characters"):
        registry.register(NEW_CODE + "_x", label="Too long", render=_words)


def test_an_old_notice_of_a_kind_no_app_registers_any_more_still_shows(demo):
    notice = Notification.objects.create(recipient=new_learner(demo), kind="retired", text="…", dedupe_key="r")
    assert (notice.kind_label, notice.kind_icon) == ("retired", "bell")


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        ("team_request", {"team_id": 999_999}),
        ("article_pub", {"article_id": 999_999}),
        ("honour_awarded", {"nomination_id": 999_999}),
    ],
)
def test_a_notice_about_something_gone_tells_nobody(demo, kind, params):
    """A team, article or nomination deleted before the worker ran: no notice, and no failing task."""
    learner = new_learner(demo)
    assert deliver(kind=kind, activity_id=None, subject_ids=[learner.pk], event="gone", params=params) == []
    assert not Notification.objects.filter(recipient=learner).exists()


def test_a_notice_that_cannot_be_queued_keeps_the_commits_other_callbacks(
    demo, monkeypatch, django_capture_on_commit_callbacks
):
    """The queue failing for one notice must not cost a seat offer its expiry (queued after it)."""
    from lifelong.notifications import services

    class UnavailableQueue:
        def enqueue(self, **kwargs):
            raise RuntimeError("queue unavailable")

    monkeypatch.setattr(services, "deliver_notices", UnavailableQueue())
    after = []
    learner = new_learner(demo)
    with django_capture_on_commit_callbacks(execute=True):
        notify("offered", activity_id=1, subject_ids=[learner.pk], event="offer")
        transaction.on_commit(lambda: after.append("expiry queued"))
    assert after == ["expiry queued"]
