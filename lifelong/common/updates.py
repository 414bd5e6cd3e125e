"""Changing a row that exists, the one way services do it: only the fields whose value differs
are set, the row is validated, only their columns are written (`save(update_fields=...)`,
so a counter moved beside it by a relative UPDATE is never overwritten) and one audit event
names them."""

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db.models import Model
from django.http import HttpRequest

from .choices import AuditAction
from .pictures import save_with_cover_edit
from .services import audit_record, full_clean_or_raise


@dataclass(frozen=True)
class CoverEdit:
    """What an edit form says of the object's cover: a new `upload`, `clear` ("remove"), or
    new words (`alt`) for the current one; all empty leaves the cover as it is."""

    upload: UploadedFile | None = None
    alt: str | None = None
    clear: bool = False


def as_text(name: str, value: Any) -> Any:
    """How a changed value is written into the audit event unless the caller says otherwise."""
    return str(value)


def cover_key(picture: Any) -> str:
    """A cover in an audit event: its picture's key, empty once removed."""
    return str(picture.key) if picture else ""


def apply_changes(
    obj: Model,
    values: Mapping[str, Any],
    *,
    actor: Any,
    action: AuditAction = AuditAction.UPDATED,
    summary: str = "",
    request: HttpRequest | None = None,
    prepare: Callable[[list[str]], Iterable[str] | None] | None = None,
    cover: CoverEdit | None = None,
    recorded: Callable[[str, Any], Any] = as_text,
    unrecorded: Collection[str] = (),
) -> list[str]:
    """Apply `values` (field name → new value) to `obj`, a row the caller has already read
    (and locked, when others may change it at once), in the caller's transaction:

    1. every entry whose value differs from `obj`'s is set on it;
    2. `prepare(changed)`, when given, runs whether or not anything changed: it may refuse
       (raise) on the new values, such as a new place outside the actor's scope, or set derived
       fields, returning their names to be saved with the changed ones (they are not audited);
    3. when no field changed and no `cover` edit is given, nothing else happens;
    4. `full_clean_or_raise(obj)`: the first problem becomes a 409/422 domain error;
    5. only the changed columns are saved (the cover's too when `cover` changes it, see
       `save_with_cover_edit`);
    6. one audit event (`action`, `summary`, `request`; see `audit_record` for where its origin
       comes from) maps each saved field but `unrecorded` ones to `recorded(name, new value)`
       (`str` unless given; mask personal data there).

    Returns the names of the saved fields ("cover" among them when it changed); an empty list
    means nothing was written and nothing audited."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    derived = list((prepare(changed) if prepare is not None else None) or ())
    if not changed and cover is None:
        return []
    full_clean_or_raise(obj)
    columns = [*changed, *derived] if changed else []
    if cover is not None:
        columns = save_with_cover_edit(
            actor=actor, target=obj, changed_fields=columns, upload=cover.upload, alt=cover.alt, clear=cover.clear
        )
    elif columns:
        obj.save(update_fields=columns)
    saved = [name for name in columns if name not in derived]
    if saved:
        audit_record(
            actor=actor,
            action=action,
            target=obj,
            summary=summary,
            request=request,
            changes={name: recorded(name, getattr(obj, name)) for name in saved if name not in unrecorded},
        )
    return saved
