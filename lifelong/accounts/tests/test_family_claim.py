"""A managed profile becomes the relative's own account once they prove their own phone; the
family link stays until either side removes it."""

import re

import pytest
from django.test import Client

from lifelong.accounts import self_service
from lifelong.accounts.models import PhoneCode, User
from lifelong.accounts.services import managed_profile_create
from lifelong.common.errors import Conflict, NotFound
from lifelong.common.models import AuditEvent

RELATIVE_PHONE = "13712347777"
PASSWORD = "grandma's own words 5"


def code_for(outbox, phone: str) -> str:
    return re.search(r"\b(\d{6})\b", [text for to, text in outbox if to == phone][-1]).group(1)


@pytest.fixture
def family(demo):
    """The young learner manages a phoneless profile for their grandmother."""
    profile = managed_profile_create(
        actor=demo.young_learner, name="李奶奶", birth_year=1941, home_region=demo.elder_learner.home_region
    )
    client = Client()
    client.force_login(demo.young_learner)
    return profile, client


def claim_url(profile) -> str:
    return f"/accounts/family/{profile.pk}/own-account/"


def test_the_relative_gets_their_own_account_on_the_family_members_phone(demo, family, sms_outbox):
    profile, client = family
    history_before = AuditEvent.objects.filter(object_id=str(profile.pk)).count()
    me = client.get("/me/").content.decode()
    assert claim_url(profile) in me
    response = client.post(claim_url(profile), {"intent": "send", "phone": RELATIVE_PHONE})
    assert response.status_code == 302
    sms = [text for to, text in sms_outbox if to == RELATIVE_PHONE][-1]
    assert demo.young_learner.name in sms and "/accounts/own-account/" in sms
    page = client.get(claim_url(profile)).content.decode()
    assert "137****7777" in page and RELATIVE_PHONE not in page
    response = client.post(
        claim_url(profile),
        {
            "intent": "confirm",
            "code": code_for(sms_outbox, RELATIVE_PHONE),
            "password": PASSWORD,
            "confirm_password": PASSWORD,
        },
    )
    assert response.status_code == 302 and response["Location"] == "/me/"
    profile.refresh_from_db()
    assert profile.phone == RELATIVE_PHONE and profile.check_password(PASSWORD)
    assert not profile.is_managed_profile
    assert profile.managed_by == demo.young_learner  # the family link stays
    assert AuditEvent.objects.filter(object_id=str(profile.pk)).count() > history_before
    # The family member stays signed in as themselves, and the relative can sign in.
    assert client.get("/me/").context["user"] == demo.young_learner
    relative = Client()
    assert relative.post("/accounts/login/", {"phone": RELATIVE_PHONE, "password": PASSWORD}).status_code == 302
    assert "李奶奶" in relative.get("/me/").content.decode()


def test_the_relative_can_finish_on_their_own_phone_and_is_signed_in(demo, family, sms_outbox):
    profile, client = family
    client.post(claim_url(profile), {"intent": "send", "phone": RELATIVE_PHONE})
    own_phone = Client()
    response = own_phone.post(
        "/accounts/own-account/",
        {
            "phone": RELATIVE_PHONE,
            "code": code_for(sms_outbox, RELATIVE_PHONE),
            "password": PASSWORD,
            "confirm_password": PASSWORD,
        },
    )
    assert response.status_code == 302 and response["Location"] == "/me/"
    assert own_phone.get("/me/").context["user"].pk == profile.pk


def test_a_number_already_registered_is_refused_plainly_and_nothing_changes(demo, family, sms_outbox):
    profile, client = family
    response = client.post(claim_url(profile), {"intent": "send", "phone": demo.elder_learner.phone})
    assert response.status_code == 200 and "ll-error-summary" in response.content.decode()
    assert sms_outbox == [] and not PhoneCode.objects.exists()
    profile.refresh_from_db()
    assert profile.is_managed_profile


def test_a_wrong_code_or_weak_password_changes_nothing(demo, family, sms_outbox):
    profile, client = family
    client.post(claim_url(profile), {"intent": "send", "phone": RELATIVE_PHONE})
    code = code_for(sms_outbox, RELATIVE_PHONE)
    for data in (
        {"code": "000000" if code != "000000" else "111111", "password": PASSWORD, "confirm_password": PASSWORD},
        {"code": code, "password": "woaini1314", "confirm_password": "woaini1314"},
        {"code": code, "password": PASSWORD, "confirm_password": "differs 123"},
    ):
        response = client.post(claim_url(profile), {"intent": "confirm", **data})
        assert response.status_code == 200 and "ll-error-summary" in response.content.decode(), data
    profile.refresh_from_db()
    assert profile.is_managed_profile and not profile.has_usable_password()


def test_only_the_family_member_can_start_it(demo, family):
    profile, _ = family
    stranger = Client()
    stranger.force_login(demo.elder_learner)
    assert stranger.get(claim_url(profile)).status_code == 404
    assert stranger.post(claim_url(profile), {"intent": "send", "phone": RELATIVE_PHONE}).status_code == 404
    with pytest.raises(NotFound):
        self_service.family_claim_start(actor=demo.elder_learner, profile=profile, phone=RELATIVE_PHONE)
    assert not PhoneCode.objects.exists()


def test_a_code_for_one_profile_does_not_hand_over_another(demo, family, sms_outbox):
    profile, client = family
    other = managed_profile_create(
        actor=demo.young_learner, name="李爷爷", birth_year=1939, home_region=demo.elder_learner.home_region
    )
    client.post(claim_url(profile), {"intent": "send", "phone": RELATIVE_PHONE})
    session = client.session
    session["lifelong_claim"] = {"profile": other.pk, "phone": RELATIVE_PHONE}
    session.save()
    client.post(
        claim_url(other),
        {
            "intent": "confirm",
            "code": code_for(sms_outbox, RELATIVE_PHONE),
            "password": PASSWORD,
            "confirm_password": PASSWORD,
        },
    )
    other.refresh_from_db()
    profile.refresh_from_db()
    assert other.is_managed_profile and profile.is_managed_profile


def test_a_number_registered_meanwhile_is_a_conflict(demo, family, sms_outbox):
    profile, client = family
    client.post(claim_url(profile), {"intent": "send", "phone": RELATIVE_PHONE})
    User.objects.create_user(RELATIVE_PHONE, "someone-else-pass-1", name="先到者")
    with pytest.raises(Conflict):
        self_service.family_claim_complete(
            phone=RELATIVE_PHONE, code=code_for(sms_outbox, RELATIVE_PHONE), password=PASSWORD
        )
    profile.refresh_from_db()
    assert profile.is_managed_profile


def claimed(demo, family, sms_outbox) -> User:
    profile, client = family
    client.post(claim_url(profile), {"intent": "send", "phone": RELATIVE_PHONE})
    self_service.family_claim_complete(
        phone=RELATIVE_PHONE, code=code_for(sms_outbox, RELATIVE_PHONE), password=PASSWORD
    )
    profile.refresh_from_db()
    return profile


def test_the_family_member_removes_the_link(demo, family, sms_outbox):
    profile = claimed(demo, family, sms_outbox)
    client = family[1]
    assert f"/accounts/family/{profile.pk}/unlink/" in client.get("/me/").content.decode()
    response = client.post(f"/accounts/family/{profile.pk}/unlink/")
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.managed_by is None and profile.phone == RELATIVE_PHONE
    assert "李奶奶" not in client.get("/me/").content.decode()
    assert AuditEvent.objects.filter(summary="family link removed", object_id=str(profile.pk)).exists()


def test_the_relative_removes_the_link(demo, family, sms_outbox):
    profile = claimed(demo, family, sms_outbox)
    relative = Client()
    relative.force_login(profile)
    page = relative.get("/me/").content.decode()
    assert demo.young_learner.name in page and 'data-testid="family-unlink-self"' in page
    assert relative.post(f"/accounts/family/{profile.pk}/unlink/").status_code == 302
    profile.refresh_from_db()
    assert profile.managed_by is None


def test_nobody_else_removes_a_link_and_a_phoneless_profile_keeps_its_family(demo, family, sms_outbox):
    profile, client = family
    # A phoneless profile would be left with nobody to act for it: refused, link kept.
    response = client.post(f"/accounts/family/{profile.pk}/unlink/", follow=True)
    assert response.status_code == 200
    profile.refresh_from_db()
    assert profile.managed_by == demo.young_learner
    stranger = Client()
    stranger.force_login(demo.elder_learner)
    assert stranger.post(f"/accounts/family/{profile.pk}/unlink/").status_code == 404
    assert stranger.get(f"/accounts/family/{profile.pk}/unlink/").status_code == 405
    profile.refresh_from_db()
    assert profile.managed_by == demo.young_learner
