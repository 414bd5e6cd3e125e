import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django_tasks.signals import task_finished, task_started

from .audit_regions import region_id_for
from .choices import AuditAction
from .errors import Conflict, InvalidInput
from .models import AuditEvent

USER_AGENT_LENGTH = 255


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address for the audit log. Behind `TRUSTED_PROXY_COUNT` reverse proxies it
    is the entry those proxies appended to X-Forwarded-For (entries further left are whatever
    the client sent, so they are never trusted); with none, it is REMOTE_ADDR."""
    if request is None:
        return None
    hops = settings.TRUSTED_PROXY_COUNT
    if hops:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR") or None


@dataclass(frozen=True)
class AuditOrigin:
    """Where the work being audited comes from: a request's client address and user agent, or
    (outside a request) no address and a label such as "task:<path>" or "command:<name>"."""

    ip_address: str | None
    user_agent: str


# The origin of the work this thread or coroutine is doing. `AuditOriginMiddleware` sets it for
# each request and clears it after the response, so a service that was never handed the request
# still records where the action came from. A ContextVar (not a thread-local) so that it follows
# async views and `sync_to_async` hops and never leaks between concurrent requests.
_current_origin: ContextVar[AuditOrigin | None] = ContextVar("lifelong_audit_origin", default=None)


def request_origin(request: HttpRequest) -> AuditOrigin:
    return AuditOrigin(
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH],
    )


def audit_origin_set(origin: AuditOrigin | None) -> Token:
    return _current_origin.set(origin)


def audit_origin_reset(token: Token) -> None:
    _current_origin.reset(token)


@contextmanager
def audit_origin(origin: AuditOrigin) -> Iterator[AuditOrigin]:
    """Audit events written inside the block carry `origin` (requests, tasks, commands)."""
    token = _current_origin.set(origin)
    try:
        yield origin
    finally:
        _current_origin.reset(token)


def current_audit_origin() -> AuditOrigin:
    """The origin set for this context, else the process's own: a management command run as
    `manage.py <name>` says `command:<name>`, any other program its name."""
    origin = _current_origin.get()
    if origin is not None:
        return origin
    argv = sys.argv or [""]
    program = os.path.basename(argv[0])
    if program in ("manage.py", "django-admin") and len(argv) > 1:
        return AuditOrigin(ip_address=None, user_agent=f"command:{argv[1]}"[:USER_AGENT_LENGTH])
    return AuditOrigin(ip_address=None, user_agent=f"process:{program}"[:USER_AGENT_LENGTH] if program else "")


# A task runs with its own origin, in the worker or (test backend) inside the request that
# enqueued it: it is the task that acts then, not the person who sent the request. Both task
# backends send `task_started` and `task_finished` from the thread that runs the task.
_task_tokens: dict[str, Token] = {}


def _on_task_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    label = f"task:{task_result.task.module_path}"[:USER_AGENT_LENGTH]
    _task_tokens[str(task_result.id)] = _current_origin.set(AuditOrigin(ip_address=None, user_agent=label))


def _on_task_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    token = _task_tokens.pop(str(task_result.id), None)
    if token is None:
        return
    try:
        _current_origin.reset(token)
    except ValueError:  # set in another context (cannot happen with today's backends): forget it
        _current_origin.set(None)


task_started.connect(_on_task_started, dispatch_uid="lifelong_audit_task_started")
task_finished.connect(_on_task_finished, dispatch_uid="lifelong_audit_task_finished")


def audit_record(
    *,
    actor: Any | None,
    action: AuditAction,
    target: models.Model | None = None,
    summary: str = "",
    changes: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    success: bool = True,
) -> AuditEvent:
    """Append one audit event. Callers pass already-masked values in `changes`.

    Where the action came from (client address and user agent) follows one rule: a caller
    that holds the request passes it as `request` (views, and services whose own callers hand
    them one); everyone else leaves it out and the origin of the current context is used,
    which `AuditOriginMiddleware` sets to that same request for the whole of it, a task or a
    management command to itself otherwise. So a service deep in a request needs no request
    parameter to be audited correctly. When both are there, the explicit `request` wins.

    The event's region, for the audit viewer's scope, is resolved from `target` (else
    `actor`) now, while the objects exist as they were when the action happened."""
    origin = request_origin(request) if request is not None else current_audit_origin()
    known_actor = actor if actor is not None and getattr(actor, "pk", None) else None
    return AuditEvent.objects.create(
        actor=known_actor,
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        summary=summary[:255],
        changes=changes or {},
        ip_address=origin.ip_address,
        user_agent=origin.user_agent,
        region_id=region_id_for(target=target, actor=known_actor),
        success=success,
    )


DUPLICATE_CODES = {"unique", "unique_together", "duplicate"}


def full_clean_or_raise(obj: models.Model) -> None:
    """Run model validation and turn the first problem into a domain error named by its field:
    `Conflict` (409) for a duplicate, `InvalidInput` (422) for anything else."""
    try:
        obj.full_clean()
    except ValidationError as error:
        field, problems = next(iter(error.error_dict.items()))
        problem = problems[0]
        message = problem.messages[0]
        field_name = None if field == "__all__" else field
        if problem.code in DUPLICATE_CODES:
            raise Conflict(message, code="duplicate", field=field_name) from error
        raise InvalidInput(message, code="invalid", field=field_name) from error
