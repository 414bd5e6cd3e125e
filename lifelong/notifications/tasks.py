"""Background work for notices, run by the task worker."""

from django_tasks import task


@task()
def deliver_notices(*, kind: str, activity_id: int, subject_ids: list[int], event: str, params: dict) -> None:
    from .services import deliver

    deliver(kind=kind, activity_id=activity_id, subject_ids=subject_ids, event=event, params=params)
