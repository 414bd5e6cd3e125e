"""The ledger's part in merging two records of one person (see `lifelong.accounts.merging`).

The ledger is append-only (the ORM and database triggers refuse changes). Moving an entry to
its owner's other record changes no hours, points or dates, so the merge lifts the trigger
inside its own transaction for that one UPDATE; other connections never see it lifted (see
`_ledger_open_for_merge`). The passport totals are not moved: both records' are set again to
the sums of their entries.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q, Sum

from lifelong.accounts.merging import BALANCE, Merge, MergeStep, user_links

from .models import LearningRecord, PassportBalance

LEDGER_LINK = "passport.learningrecord.learner"

# How long merging waits to switch the ledger's append-only trigger off (see below).
LEDGER_DDL_LOCK_WAIT_MS = 30_000


@contextmanager
def _ledger_open_for_merge() -> Iterator[None]:
    """Lift the ledger's append-only trigger for the rest of this transaction's merge step.

    PostgreSQL: ALTER TABLE … DISABLE TRIGGER is transactional and takes an exclusive lock on
    the table, so other connections wait and never see the trigger off; it is on again before
    commit. SQLite: the trigger is dropped and created again from its own stored SQL, inside
    the same transaction. There is no `finally`: when the merge fails, the rollback restores
    the trigger (DDL is transactional on both), and running DDL in a failed PostgreSQL
    transaction would only hide the real error."""
    table = LearningRecord._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal AND tgenabled <> 'D'",
                [table],
            )
            names = [row[0] for row in cursor.fetchall()]
            # ALTER TABLE refuses while the transaction has foreign-key checks waiting for
            # commit (Django's are deferred): run them now, and keep them immediate until the
            # trigger is back on, so none are left pending in between.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            # ALTER TABLE waits for every transaction that has read the ledger (a rollup build,
            # an import batch, a check-in): more than the merge's short row-lock wait allows, so a
            # merge is not refused whenever the ledger is busy; still bounded, so it never stalls
            # the ledger's readers queued behind it for long.
            cursor.execute(f"SET LOCAL lock_timeout = '{LEDGER_DDL_LOCK_WAIT_MS}ms'")
            for name in names:
                cursor.execute(
                    f"ALTER TABLE {connection.ops.quote_name(table)} DISABLE TRIGGER {connection.ops.quote_name(name)}"
                )
            yield
            for name in names:
                cursor.execute(
                    f"ALTER TABLE {connection.ops.quote_name(table)} ENABLE TRIGGER {connection.ops.quote_name(name)}"
                )
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")
            yield
            for _name, sql in triggers:
                cursor.execute(sql)
        else:  # pragma: no cover - the suite runs on the two databases above
            yield


def _balances_recount(learner_ids: list[int]) -> None:
    """Set the passport totals of both records to the sums of their entries. Called while the
    ledger is held for the merge (an exclusive table lock on PostgreSQL, the one writer on
    SQLite), so no entry can be written between the sum and the write."""
    for learner_id in learner_ids:
        sums = LearningRecord._base_manager.filter(learner_id=learner_id).aggregate(
            hours=Sum("hours"), points=Sum("points"), entries=Count("pk")
        )
        PassportBalance.objects.update_or_create(
            learner_id=learner_id,
            defaults={"hours": sums["hours"] or Decimal(0), "points": sums["points"] or 0, "entries": sums["entries"]},
        )


class LedgerMergeStep(MergeStep):
    """Runs after every step that keeps ledger entries with the removed record (the resource
    step's), since an entry's reversal stays with it."""

    link_rules = {
        # The ledger's running totals: set again from the entries each record holds after the move.
        "passport.passportbalance.learner": BALANCE,
    }

    def staying(self, merge: Merge) -> dict[str, set]:
        """Ledger entries that stay with `remove` because the check-in that earned them stays
        there (its twin is already on the kept record), or another step keeps them (a resource
        studied on both): moving them would count the same learning twice. Their reversals
        stay with them."""
        ledger = LearningRecord._base_manager.filter(learner_id=merge.remove.pk)
        staying = set(merge.stays.get(LEDGER_LINK, set()))
        attendances = merge.stays.get("activities.attendance.learner", set())
        if attendances:
            staying |= set(ledger.filter(Q(attendance_id__in=attendances)).values_list("pk", flat=True))
        if staying:
            staying |= set(ledger.filter(reverses_id__in=staying).values_list("pk", flat=True))
        return {LEDGER_LINK: staying}

    @contextmanager
    def moving(self, merge: Merge) -> Iterator[None]:
        """Counts what the moving entries hold (for the audit), and when any entry points at
        `remove` opens the ledger for the move and sets both records' totals after it."""
        staying = merge.stays.get(LEDGER_LINK, set())
        moved_entries = LearningRecord._base_manager.filter(learner_id=merge.remove.pk).exclude(pk__in=staying)
        totals = moved_entries.aggregate(hours=Sum("hours"), points=Sum("points"), entries=Count("pk"))
        merge.audit["ledger"] = {
            "entries": totals["entries"],
            "hours": str(totals["hours"] or 0),
            "points": totals["points"] or 0,
        }
        touches_ledger = any(
            LearningRecord._base_manager.filter(**{model_field.attname: merge.remove.pk}).exists()
            for model, model_field in user_links()
            if model is LearningRecord
        )
        if not touches_ledger:
            yield
            return
        with _ledger_open_for_merge():
            yield
            _balances_recount([merge.keep.pk, merge.remove.pk])
