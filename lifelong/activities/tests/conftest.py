"""Fixtures of the activities tests (building blocks that are not fixtures: helpers.py)."""

import pytest
from django.utils import translation


@pytest.fixture
def english_site(settings):
    """English as the site's language and this thread's: for tests that read English messages
    (use it with `pytest.mark.usefixtures("english_site")`)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
