"""The dashboards' fixtures: a month of learning in the demo county to count, and the county
admin's console client to read it with."""

import pytest

from .learning import learning_build


@pytest.fixture
def learning(demo):
    return learning_build(demo)


@pytest.fixture
def live_learning(county):
    """`learning`, committed for a browser test's live server: (the personas, what was built)."""
    return county, learning_build(county)


@pytest.fixture
def county_client(demo, verified_client):
    return verified_client(demo.county_admin)
