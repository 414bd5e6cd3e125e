"""The database holds the invariants even for a caller that skips validation."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from lifelong.honours import services
from lifelong.honours.models import Honor, Review

from .helpers import open_call, places


def honour(**recipient) -> Honor:
    return Honor(title="示范", level="county", year=2020, awarding_body="县教育局", **recipient)


def saved_raw(obj) -> None:
    """Insert without model validation, as a buggy caller or a hand-written script would."""
    with transaction.atomic():
        obj.save()


@pytest.fixture
def where(demo):
    return places(demo)


def test_an_honour_has_exactly_one_recipient(demo, where):
    with pytest.raises(IntegrityError):
        saved_raw(honour(recipient_kind="region"))  # none at all
    with pytest.raises(IntegrityError):
        saved_raw(honour(recipient_kind="region", region=where.county, team=where.team))  # two
    with pytest.raises(ValidationError) as error, translation.override("en"):
        honour(recipient_kind="region", region=where.county, learner=demo.elder_learner).full_clean()
    assert "exactly one recipient" in str(error.value)
    assert not Honor.objects.exists()


def test_the_kind_of_recipient_matches_the_one_set(demo, where):
    with pytest.raises(IntegrityError):
        saved_raw(honour(recipient_kind="team", programme=where.programme))
    with pytest.raises(ValidationError) as error, translation.override("en"):
        honour(recipient_kind="learner", institution=where.tongyuan_school).full_clean()
    assert "does not match" in str(error.value)
    for kind, recipient in (
        ("region", where.county),
        ("institution", where.tongyuan_school),
        ("programme", where.programme),
        ("team", where.team),
        ("learner", demo.elder_learner),
    ):
        made = honour(recipient_kind=kind, **{kind: recipient})
        made.full_clean()
        saved_raw(made)
        assert made.recipient == recipient
    assert Honor.objects.count() == 5


def test_scores_run_from_1_to_100_and_a_reviewer_reviews_once(demo, where):
    call = open_call(demo.county_admin, where.county)
    nomination = services.nomination_create(
        actor=demo.village_admin, call=call, kind="learner", recipient=demo.elder_learner, statement="好学"
    )
    for bad in (0, 101):
        with pytest.raises(IntegrityError):
            saved_raw(Review(nomination=nomination, reviewer=demo.county_admin, score=bad))
    saved_raw(Review(nomination=nomination, reviewer=demo.county_admin, score=100))
    with pytest.raises(IntegrityError):
        saved_raw(Review(nomination=nomination, reviewer=demo.county_admin, score=50))


def test_a_recipient_is_nominated_once_per_call_unless_withdrawn(demo, where):
    from lifelong.honours.models import Nomination

    call = open_call(demo.county_admin, where.county)
    first = services.nomination_create(
        actor=demo.village_admin, call=call, kind="learner", recipient=demo.elder_learner, statement="好学"
    )
    twin = Nomination(call=call, nominated_by=demo.county_admin, statement="重复", recipient_kind="learner")
    twin.learner = demo.elder_learner
    with pytest.raises(IntegrityError):
        saved_raw(twin)
    Nomination.objects.filter(pk=first.pk).update(status="withdrawn")
    twin.pk = None
    saved_raw(twin)
    assert Nomination.objects.filter(call=call).count() == 2


def test_calls_close_on_or_after_they_open(demo, where):
    from datetime import timedelta

    from lifelong.honours.models import HonorCall

    call = open_call(demo.county_admin, where.county)
    with pytest.raises(IntegrityError):
        HonorCall.objects.filter(pk=call.pk).update(closes_on=call.opens_on - timedelta(days=1))
