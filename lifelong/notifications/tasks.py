"""Background work for notices, run by the task worker."""

from django_tasks import task

from .delivery import deliver


@task()
def deliver_notices(*, kind: str, activity_id: int | None, subject_ids: list[int], event: str, params: dict) -> None:
    deliver(kind=kind, activity_id=activity_id, subject_ids=subject_ids, event=event, params=params)
