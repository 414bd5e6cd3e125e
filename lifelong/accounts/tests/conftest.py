"""Fixtures of the accounts tests."""

import pytest


@pytest.fixture
def fixed_now(monkeypatch):
    """Half past the current hour, so an hour's allowance is never split by the clock turning."""
    from django.utils import timezone

    fixed = timezone.localtime(timezone.now()).replace(minute=30, second=0, microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: fixed)
    return fixed
