"""The audit viewer's events as a file (CSV or XLSX), and how each event reads in a list.

The file holds what the page shows, with phones masked and every text cell escaped against
spreadsheet formulas (`safe_cell`, through `lifelong.common.exports`' writers). Making the file is
itself audited: who exported which filters, how many rows.
"""

import json
import re
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lifelong.common.choices import AuditAction
from lifelong.common.exports import Column, Table, csv_bytes, xlsx_bytes
from lifelong.common.masking import mask_phone
from lifelong.common.models import AuditEvent
from lifelong.common.services import audit_record

from ..models import User
from .selectors import AuditFilters, audit_event_list

# The newest events an export holds; a wider question is narrowed with the filters.
EXPORT_LIMIT = 20_000
TIME_FORMAT = "%Y-%m-%d %H:%M"

# Console pages of objects, by model: the viewer links an event's object there (the page
# itself still decides whether the reader may open it).
OBJECT_PAGES = {
    "activities.activity": "console:activity",
    "institutions.institution": "console:institution_edit",
    "institutions.venue": "console:venue_edit",
    "campaigns.campaign": "console:campaign",
    "community.programme": "console:programme_edit",
    "community.team": "console:team_edit",
    "resources.resource": "console:resource",
    "news.article": "console:article",
    "honours.honorcall": "console:honour_call",
}


def local_time(event: AuditEvent) -> str:
    """`YYYY-MM-DD HH:MM` in the county's time (Asia/Shanghai)."""
    return timezone.localtime(event.occurred_at).strftime(TIME_FORMAT)


def actor_label(user: User | None) -> str:
    """A name and a masked phone: enough to know who, never the whole number."""
    if user is None:
        return ""
    phone = mask_phone(user.phone)
    return f"{user.name} · {phone}" if phone else user.name


def changes_text(changes: dict[str, Any]) -> str:
    """`field=value; field=value`, compact (values are masked by whoever wrote the event)."""
    parts = []
    for key, value in (changes or {}).items():
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
        parts.append(f"{key}={shown}")
    return "; ".join(parts)


BROWSERS = (
    ("MicroMessenger", "WeChat"),
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
    ("curl/", "curl"),
    ("python-requests", "Python"),
)
SYSTEMS = (
    ("HarmonyOS", "HarmonyOS"),
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)
ORIGIN_LABEL = re.compile(r"^(task|command|process):")


def short_user_agent(user_agent: str) -> str:
    """A user agent in a few words ("Chrome · Android"); an origin label ("task:…") as it is."""
    if not user_agent or ORIGIN_LABEL.match(user_agent):
        return user_agent
    browser = next((name for token, name in BROWSERS if token in user_agent), "")
    system = next((name for token, name in SYSTEMS if token in user_agent), "")
    short = " · ".join(part for part in (browser, system) if part)
    return short or user_agent[:40]


def object_url(event: AuditEvent) -> str:
    name = OBJECT_PAGES.get(event.object_type)
    if name is None or not event.object_id.isdigit():
        return ""
    try:
        return reverse(name, args=[int(event.object_id)])
    except NoReverseMatch:
        return ""


def object_type_label(object_type: str) -> str:
    from django.apps import apps

    if not object_type:
        return ""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def action_label(action: str) -> str:
    return str(AuditAction(action).label) if action in AuditAction.values else action


def audit_table(events: list[AuditEvent]) -> Table:
    columns = [
        Column(_("Time"), local_time),
        Column(_("Done by"), lambda event: actor_label(event.actor)),
        Column(pgettext_lazy("audit log", "Action"), lambda event: action_label(event.action)),
        Column(_("Succeeded"), lambda event: str(_("yes") if event.success else _("no"))),
        Column(_("Kind of object"), lambda event: object_type_label(event.object_type)),
        Column(_("Object number"), lambda event: event.object_id),
        Column(pgettext_lazy("audit log", "Summary"), lambda event: event.summary),
        Column(_("Changes"), lambda event: changes_text(event.changes)),
        Column(_("Region"), lambda event: event.region.display_name if event.region else ""),
        Column(_("IP address"), lambda event: event.ip_address or ""),
        Column(_("Browser or origin"), lambda event: event.user_agent),
    ]
    return Table("audit", columns, events)


def audit_export(
    *, actor: User, filters: AuditFilters, file_format: str, request: HttpRequest | None = None
) -> tuple[bytes, int]:
    """The filtered events in the actor's scope as a CSV or XLSX file (the newest
    EXPORT_LIMIT), and how many rows it holds. The export is audited in the same transaction."""
    with transaction.atomic():
        events = list(audit_event_list(actor=actor, filters=filters)[:EXPORT_LIMIT])
        table = audit_table(events)
        content = xlsx_bytes(table) if file_format == "xlsx" else csv_bytes(table)
        audit_record(
            actor=actor,
            action=AuditAction.EXPORTED,
            summary=f"audit events exported ({file_format})",
            changes={"rows": len(events), **filters.as_changes()},
            request=request,
        )
    return content, len(events)
