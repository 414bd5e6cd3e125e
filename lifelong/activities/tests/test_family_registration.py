"""A family member registering a relative they manage: online seats only, the family's share
of a campaign's cap, and residence that village staff have confirmed (security issue 15)."""

import pytest
from django.utils import translation

from lifelong.accounts import residence
from lifelong.accounts.learner_details import learner_update
from lifelong.accounts.services import learner_register, managed_profile_create
from lifelong.activities import services
from lifelong.activities.choices import RegistrationStatus as S
from lifelong.activities.models import Registration
from lifelong.campaigns.tests.helpers import capped_week
from lifelong.common.errors import Conflict, InvalidInput
from lifelong.regions.models import Region

from .helpers import assert_counters_match, new_learner, published_activity


def relative_of(family, *, home_region, name="李奶奶"):
    return managed_profile_create(actor=family, name=name, birth_year=1944, home_region=home_region)


def villager_of(demo, name="褚阿婆"):
    """A villager without a phone whom the village admin registered in the console."""
    village = demo.village_admin.role_grants.get().region
    return learner_register(actor=demo.village_admin, name=name, home_region=village, birth_year=1940)


def register(activity, learner, actor):
    return services.registration_create(actor=actor, activity=activity, learner=learner)


def test_family_members_take_only_online_seats_so_the_village_admin_still_seats_a_villager(demo):
    activity = published_activity(demo, capacity=4, reserved_offline=2, waitlist=False)
    home = demo.elder_learner.home_region
    # Family members register as many relatives as they can: every seat open to them.
    for _ in range(4):
        family = new_learner(demo)
        try:
            register(activity, relative_of(family, home_region=home), actor=family)
        except Conflict as refused:
            assert refused.code == "full"
    activity.refresh_from_db()
    assert activity.online_seats_left == 0
    # Only the reserve is left: the villager without a phone gets it, and so does a second one.
    first = register(activity, villager_of(demo), actor=demo.village_admin)
    second = register(activity, villager_of(demo, name="钱阿公"), actor=demo.village_admin)
    assert first.status == second.status == S.CONFIRMED
    assert_counters_match(activity)


def test_a_family_registration_is_refused_full_when_only_reserved_seats_remain(demo):
    activity = published_activity(demo, capacity=3, reserved_offline=2, waitlist=False)
    home = demo.elder_learner.home_region
    family = new_learner(demo)
    first = register(activity, relative_of(family, home_region=home), actor=family)
    # Stored honestly as a registration by proxy, yet it took an online seat.
    assert first.channel == "proxy" and first.registered_by == family and first.counts_online
    another_family = new_learner(demo)
    relative = relative_of(another_family, home_region=home, name="王阿婆")
    with pytest.raises(Conflict) as refused:
        register(activity, relative, actor=another_family)
    assert refused.value.code == "full"
    assert not Registration.objects.filter(activity=activity, learner=relative).exists()
    activity.refresh_from_db()
    assert activity.seats_taken == activity.seats_taken_online == 1
    assert_counters_match(activity)


def test_with_a_waitlist_the_relative_waits_and_a_freed_reserved_seat_skips_them(demo):
    activity = published_activity(demo, capacity=2, reserved_offline=1)
    home = demo.elder_learner.home_region
    family = new_learner(demo)
    register(activity, relative_of(family, home_region=home), actor=family)  # the one online seat
    villager = register(activity, villager_of(demo), actor=demo.village_admin)  # the reserve
    waiting_relative = register(activity, relative_of(family, home_region=home, name="李爷爷"), actor=family)
    waiting_villager = register(activity, villager_of(demo, name="钱阿公"), actor=demo.village_admin)
    assert waiting_relative.status == waiting_villager.status == S.WAITLISTED
    assert waiting_relative.waitlist_position < waiting_villager.waitlist_position
    services.registration_cancel(actor=demo.village_admin, registration=villager)
    # The freed seat is a reserved one: the relative ahead in the queue may not take it.
    assert Registration.objects.get(pk=waiting_relative.pk).status == S.WAITLISTED
    assert Registration.objects.get(pk=waiting_villager.pk).status == S.CONFIRMED
    assert_counters_match(activity)


def test_a_cancelled_family_registration_gives_its_online_seat_back(demo):
    activity = published_activity(demo, capacity=2, reserved_offline=1)
    home = demo.elder_learner.home_region
    family = new_learner(demo)
    held = register(activity, relative_of(family, home_region=home), actor=family)
    learner = new_learner(demo)
    waiting = register(activity, learner, actor=learner)
    assert waiting.status == S.WAITLISTED
    services.registration_cancel(actor=family, registration=held)
    assert Registration.objects.get(pk=waiting.pk).status == S.CONFIRMED
    assert_counters_match(activity)


# --- The campaign cap counts the family ----------------------------------------------------------


def test_a_family_member_registering_relatives_shares_the_campaign_cap_with_them(demo):
    week = capped_week("family-week", cap=2)
    activities = [published_activity(demo, campaign=week) for _ in range(4)]
    home = demo.elder_learner.home_region
    family = new_learner(demo)
    grandmother = relative_of(family, home_region=home)
    grandfather = relative_of(family, home_region=home, name="李爷爷")
    register(activities[0], family, actor=family)
    register(activities[1], grandmother, actor=family)
    with pytest.raises(Conflict) as refused, translation.override("en"):  # the family member's and the grandmother's
        register(activities[2], grandfather, actor=family)
    assert "family" in refused.value.detail
    assert refused.value.code == "campaign_cap"
    assert not Registration.objects.filter(learner=grandfather).exists()
    # Village staff registering the grandfather count his own registrations only.
    assert register(activities[2], grandfather, actor=demo.village_admin).status == S.CONFIRMED
    # The family member's own registrations count theirs only, as for everyone.
    assert register(activities[3], family, actor=family).status == S.CONFIRMED
    # The family now holds 4; cancelling frees its share again.
    for held in Registration.objects.filter(learner__in=[family, grandfather]):
        services.registration_cancel(
            actor=demo.village_admin if held.learner == grandfather else family, registration=held
        )
    assert register(activities[3], grandmother, actor=family).status == S.CONFIRMED


# --- Residence confirmed by village staff ----------------------------------------------------------


def tongyuan_activity(demo, **fields):
    return published_activity(demo, residents_of=Region.objects.get(code="330424105"), **fields)


def tongyuan_grandmother(demo, family, *, confirmed: bool):
    """`family`'s relative in the village admin's Tongyuan village, whose residence the village
    admin has decided on (confirmed or declined)."""
    grandmother = relative_of(family, home_region=demo.elder_learner.home_region)
    residence.residence_decide(actor=demo.village_admin, learner_id=grandmother.pk, confirm=confirmed)
    grandmother.refresh_from_db()
    return grandmother


def test_an_unconfirmed_relative_is_refused_residence_restricted_activities(demo):
    activity = tongyuan_activity(demo)
    family = demo.young_learner  # lives in Wuyuan; says the grandmother lives in Tongyuan
    grandmother = relative_of(family, home_region=demo.elder_learner.home_region)
    with pytest.raises(InvalidInput) as refused, translation.override("en"):
        register(activity, grandmother, actor=family)
    assert refused.value.code == "residence_unconfirmed"
    # It tells the family whom to ask (the words in Chinese: the translations, checked apart).
    assert "teaching point" in refused.value.detail and grandmother.name in refused.value.detail
    assert not Registration.objects.filter(activity=activity).exists()
    # Staff registering her are told the same: confirm first.
    with pytest.raises(InvalidInput) as refused:
        register(activity, grandmother, actor=demo.village_admin)
    assert refused.value.code == "residence_unconfirmed"
    # Activities open to everyone take her as before.
    assert register(published_activity(demo), grandmother, actor=family).status == S.CONFIRMED


def test_a_confirmed_relative_is_accepted_and_a_move_asks_again(demo):
    activity = tongyuan_activity(demo)
    family = demo.young_learner
    grandmother = tongyuan_grandmother(demo, family, confirmed=True)
    assert register(activity, grandmother, actor=family).status == S.CONFIRMED
    # Staff correct her village to another Tongyuan one: nobody has confirmed that one yet.
    other_village = Region.objects.filter(parent__code="330424105", level="village").exclude(
        pk=grandmother.home_region_id
    )[0]
    learner_update(actor=demo.county_admin, learner=grandmother, home_region=other_village)
    grandmother.refresh_from_db()
    assert grandmother.residence_confirmed_at is None and grandmother.residence_confirmed_by is None
    with pytest.raises(InvalidInput) as refused:
        register(tongyuan_activity(demo), grandmother, actor=family)
    assert refused.value.code == "residence_unconfirmed"


def test_a_declined_relative_is_refused_with_words_that_say_so(demo):
    activity = tongyuan_activity(demo)
    family = demo.young_learner
    grandmother = tongyuan_grandmother(demo, family, confirmed=False)
    with pytest.raises(InvalidInput) as refused, translation.override("en"):
        register(activity, grandmother, actor=family)
    assert refused.value.code == "residence_unconfirmed"
    assert "could not confirm" in refused.value.detail


def test_learners_who_are_not_family_profiles_need_no_confirmation(demo):
    activity = tongyuan_activity(demo)
    assert register(activity, villager_of(demo), actor=demo.village_admin).status == S.CONFIRMED
    assert register(activity, demo.elder_learner, actor=demo.elder_learner).status == S.CONFIRMED
    # A relative living elsewhere is simply not a resident (not "unconfirmed").
    family = demo.elder_learner
    elsewhere = relative_of(family, home_region=demo.young_learner.home_region)
    with pytest.raises(InvalidInput) as refused:
        register(activity, elsewhere, actor=family)
    assert refused.value.code == "ineligible_residence"


def test_a_relative_a_village_admin_adds_in_their_own_village_counts_as_confirmed(demo):
    village = demo.village_admin.role_grants.get().region
    mother = relative_of(demo.village_admin, home_region=village, name="管理员的母亲")
    assert mother.residence_confirmed_at is not None and mother.residence_confirmed_by == demo.village_admin
    assert register(tongyuan_activity(demo), mother, actor=demo.village_admin).status == S.CONFIRMED
