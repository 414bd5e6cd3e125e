"""A short wait for row locks, so a queue behind a busy row ends in a clean refusal.

Paths that lock rows (`select_for_update`, a conditional UPDATE of seats) run inside
`short_lock_wait()`: on PostgreSQL the transaction waits at most `LOCK_TIMEOUT_MS` for a lock
another transaction holds (`SET LOCAL lock_timeout`, which lasts until that transaction ends),
and PostgreSQL's refusal (lock_not_available, SQLSTATE 55P03) becomes `Busy`: 409
`busy_try_again` in the API, a form error on pages, nothing changed. SQLite has no row locks
(its writers queue on the database's busy timeout), so there the helper only opens the block.

    @transaction.atomic
    @short_lock_wait()
    def registration_create(...): ...

    with transaction.atomic(), short_lock_wait():
        ...
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

from .errors import Busy

LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's lock_not_available (psycopg errors.LockNotAvailable)


def is_lock_not_available(error: BaseException) -> bool:
    """Whether a database error is PostgreSQL giving up on a lock (the lock wait limit or NOWAIT)."""
    return isinstance(error, DatabaseError) and getattr(error.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE


@contextmanager
def short_lock_wait(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run the block in a transaction (the caller's, without a savepoint of its own) whose lock
    waits last at most `LOCK_TIMEOUT_MS`; a lock not obtained in time raises `Busy`. Usable as a
    decorator (`@short_lock_wait()`) below `@transaction.atomic`."""
    connection = connections[using]
    with transaction.atomic(using=using, savepoint=False):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL lock_timeout = {int(settings.LOCK_TIMEOUT_MS)}")
        try:
            yield
        except DatabaseError as error:
            if is_lock_not_available(error):
                raise Busy from error
            raise
