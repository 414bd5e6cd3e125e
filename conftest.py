"""Fixtures shared by every app's tests: the demo county and its named personas."""

import os

import pytest
from django.test import Client

from lifelong.accounts.models import User
from lifelong.common.demo.haiyan import DEMO_PASSWORD
from lifelong.common.demo.load import demo_county_load

# Playwright's sync API runs an event loop in the test thread; Django's ORM would otherwise
# refuse to run there. Only browser tests use it, and each runs against a live server.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PERSONA_PHONES = {
    "county_admin": "13900000001",
    "town_admin": "13900000002",  # Wuyuan subdistrict
    "village_admin": "13900000003",  # a Tongyuan village
    "organizer": "13900000004",  # Tongyuan community school
    "elder_learner": "13900000005",  # born 1950, that Tongyuan village
    "young_learner": "13900000006",  # born 1990, Wuyuan
}


class Personas:
    def __init__(self):
        users = {u.phone: u for u in User.objects.filter(phone__in=PERSONA_PHONES.values())}
        for key, phone in PERSONA_PHONES.items():
            setattr(self, key, users[phone])
        self.password = DEMO_PASSWORD


@pytest.fixture
def demo(db) -> Personas:
    """The demo county (125 regions, institutions, venues) and its six personas."""
    demo_county_load()
    return Personas()


@pytest.fixture
def verified_client():
    """A logged-in client whose session counts as two-factor verified (for staff pages)."""

    def make(user: User) -> Client:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        client = Client()
        client.force_login(user)
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
        return client

    return make
