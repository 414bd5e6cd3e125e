"""`short_lock_wait`: a transaction waits for a row lock at most LOCK_TIMEOUT_MS, then gives up
with `Busy` (409 `busy_try_again`) and changes nothing. The waits are real: two PostgreSQL
connections, one holding the row. On SQLite the helper only opens the block."""

import time

import pytest
from django.db import OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext

from lifelong.common.errors import Busy
from lifelong.common.locking import is_lock_not_available, short_lock_wait
from lifelong.regions.models import Region
from lifelong.testkit.races import race

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")


@pytest.fixture
def region(db) -> Region:
    return Region.objects.create(code="339999", name="试验县", level="county", population=1, path="339999/")


def rename(region: Region, name: str) -> str:
    with transaction.atomic(), short_lock_wait():
        locked = Region.objects.select_for_update().get(pk=region.pk)
        locked.name = name
        locked.save(update_fields=["name"])
    return name


def while_held(region: Region, call):
    """Run `call` in another connection while this one holds `region`'s row; its outcome and
    how long it took."""

    def timed():
        started = time.monotonic()
        try:
            return call(), time.monotonic() - started
        except Exception as error:  # noqa: BLE001 - the test inspects the outcome
            return error, time.monotonic() - started

    with transaction.atomic():
        Region.objects.select_for_update().get(pk=region.pk)
        [outcome] = race([timed])
    return outcome


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_lock_held_past_the_limit_gives_busy_and_changes_nothing(region, settings):
    settings.LOCK_TIMEOUT_MS = 300
    outcome, seconds = while_held(region, lambda: rename(region, "改了"))
    assert isinstance(outcome, Busy), outcome
    assert outcome.status == 409 and outcome.code == "busy_try_again"
    assert isinstance(outcome.__cause__, OperationalError) and is_lock_not_available(outcome.__cause__)
    assert 0.25 <= seconds < 2, seconds
    region.refresh_from_db()
    assert region.name == "试验县"
    # Once the row is free the same call goes through.
    assert rename(region, "改了") == "改了"
    region.refresh_from_db()
    assert region.name == "改了"


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_control_without_the_helper_the_same_wait_has_no_end_but_the_holders(region, settings):
    """Without `short_lock_wait` nothing limits the wait: the caller waits until the holder
    commits (here about a second), however long the holder takes."""
    settings.LOCK_TIMEOUT_MS = 300

    def rename_unguarded():
        with transaction.atomic():
            Region.objects.select_for_update().get(pk=region.pk)
        return "waited"

    def hold_then_release():
        with transaction.atomic():
            Region.objects.select_for_update().get(pk=region.pk)
            time.sleep(1)
        return "held"

    def waiter():
        time.sleep(0.2)  # let the holder take the row first
        started = time.monotonic()
        return rename_unguarded(), time.monotonic() - started

    held, (waited, seconds) = race([hold_then_release, waiter])
    assert (held, waited) == ("held", "waited")
    assert seconds >= 0.6, seconds


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_limit_lasts_for_the_transaction_only(region, settings):
    settings.LOCK_TIMEOUT_MS = 1234
    with transaction.atomic(), short_lock_wait(), connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "1234ms"
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "0"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="what the helper does on SQLite")
def test_on_sqlite_the_helper_adds_no_query_and_the_block_commits(region):
    with CaptureQueriesContext(connection) as queries, transaction.atomic(), short_lock_wait():
        Region.objects.filter(pk=region.pk).update(name="改了")
    assert [q["sql"] for q in queries.captured_queries if "lock_timeout" in q["sql"]] == []
    region.refresh_from_db()
    assert region.name == "改了"


@pytest.mark.django_db
def test_other_database_errors_pass_through_unchanged():
    class Cause(Exception):
        sqlstate = "40001"  # a serialization failure, not a lock wait

    error = OperationalError("could not serialize access")
    error.__cause__ = Cause()
    assert not is_lock_not_available(error)
    with pytest.raises(OperationalError) as raised, transaction.atomic(), short_lock_wait():
        raise error
    assert raised.value is error
