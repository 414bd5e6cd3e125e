"""The console's "refresh now": an admin asks the task worker to rebuild the rollups at once."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.common.choices import AuditAction
from lifelong.common.errors import NotFound
from lifelong.common.services import audit_record

from .selectors import Period
from .tasks import dashboard_rollups_refresh, queued_refreshes


def _asks_for(task: DBTaskResult, label: str | None) -> bool:
    """Whether a queued refresh rebuilds the period `label` (None: the current periods)."""
    args = (task.args_kwargs or {}).get("args") or []
    kwargs = (task.args_kwargs or {}).get("kwargs") or {}
    return (kwargs.get("period") or (args[0] if args else None)) == label


@transaction.atomic
def rollups_refresh_request(*, actor: User, period: Period | None = None) -> bool:
    """The console's "refresh now": an admin (of any region; a superuser) asks the worker to
    rebuild `period` (the one on screen; with its trend months never built) at once, or the
    current periods when none is named. Audited. Returns False, queueing nothing, when a
    rebuild of the same period is already waiting to run now; others answer NotFound, like
    the dashboard."""
    if not policy.is_admin(actor):
        raise NotFound()
    label = period.label if period is not None else None
    queued = queued_refreshes()
    if queued is not None and any(
        _asks_for(task, label) for task in queued.filter(Q(run_after=get_date_max()) | Q(run_after__lte=timezone.now()))
    ):
        return False
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        summary="dashboard rollups refresh requested",
        changes={"period": label} if label else None,
    )
    if label:
        transaction.on_commit(lambda: dashboard_rollups_refresh.enqueue(period=label))
    else:
        transaction.on_commit(lambda: dashboard_rollups_refresh.enqueue())
    return True
