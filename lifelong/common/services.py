from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest

from .choices import AuditAction
from .errors import Conflict, InvalidInput
from .models import AuditEvent


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
    """Append one audit event. Callers pass already-masked values in `changes`."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        summary=summary[:255],
        changes=changes or {},
        ip_address=client_ip(request),
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
