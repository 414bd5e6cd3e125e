"""The publishing tests' fixture: the newsroom (lifelong/news/tests/helpers.py)."""

import pytest

from .helpers import newsroom


@pytest.fixture
def room(demo):
    return newsroom(demo)
