"""Real parallel clients (one database connection each) on PostgreSQL: view and download
counters lose nothing, a visitor's racing first views count once, and a double press of
"I have studied this" writes one ledger entry.

The control increments the counter the naive way (read, then write the whole value back) and
must lose counts: that proves the harness can see a race, so the guarded runs mean something.
"""

import time
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from lifelong.common.errors import Conflict
from lifelong.passport.models import LearningRecord, PassportBalance
from lifelong.resources import services
from lifelong.resources.models import Resource, ResourceStudy, ResourceView
from lifelong.testkit.races import race

from .helpers import publish_pdf

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row-level races need PostgreSQL"),
]
CLIENTS = 16


def test_control_a_naive_read_then_write_counter_loses_views(county):
    resource = publish_pdf(county)

    def naive_view():
        current = Resource.objects.get(pk=resource.pk)
        time.sleep(0.05)  # the window in which the other readers read the same value
        current.view_count += 1
        current.save(update_fields=["view_count"])

    race([naive_view] * CLIENTS)
    assert Resource.objects.get(pk=resource.pk).view_count < CLIENTS


def test_concurrent_visitors_all_count_and_one_visitor_counts_once(county):
    resource = publish_pdf(county)
    today = timezone.localdate()
    outcomes = race(
        [
            lambda n=n: services.resource_view_count(resource=resource, visitor=f"c{n}", day=today)
            for n in range(CLIENTS)
        ]
    )
    assert outcomes == [True] * CLIENTS
    assert Resource.objects.get(pk=resource.pk).view_count == CLIENTS
    outcomes = race([lambda: services.resource_view_count(resource=resource, visitor="u42", day=today)] * CLIENTS)
    assert outcomes.count(True) == 1 and not [o for o in outcomes if isinstance(o, Exception)]
    assert Resource.objects.get(pk=resource.pk).view_count == CLIENTS + 1
    assert ResourceView.objects.filter(resource=resource, visitor="u42").count() == 1


def test_concurrent_downloads_all_count(county):
    resource = publish_pdf(county)
    race([lambda: services.resource_download_count(resource=resource)] * CLIENTS)
    assert Resource.objects.get(pk=resource.pk).download_count == CLIENTS


def test_a_double_press_of_studied_writes_one_entry(county):
    resource = publish_pdf(county, hours=Decimal("1.5"))
    learner = county.elder_learner
    services.resource_open_record(learner=learner, resource=resource)
    outcomes = race([lambda: services.resource_study(learner=learner, resource=resource)] * 8)
    studies = [o for o in outcomes if isinstance(o, ResourceStudy)]
    refusals = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(studies) == 1 and len(refusals) == 7
    assert {r.code for r in refusals} == {"already_studied"}
    assert LearningRecord.objects.filter(learner=learner, resource=resource).count() == 1
    balance = PassportBalance.objects.get(learner=learner)
    assert (balance.hours, balance.entries) == (Decimal("1.5"), 1)
