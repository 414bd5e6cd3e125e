"""A learner's archive in the forms other systems read: JSON (everything), CSV (the ledger, for
a spreadsheet) and xAPI statements (for a credit bank's learning record store)."""

import csv
import io
import json
import uuid
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from lifelong.accounts.models import User
from lifelong.common.links import public_url
from lifelong.common.spreadsheets import safe_cell

from .models import Certificate, LearningRecord
from .selectors import learner_certificates, passport_entries, passport_summary

# Statement ids are derived from the entry, so exporting twice gives the same statements and a
# record store that already has them keeps one copy.
XAPI_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "lifelong/xapi")
XAPI_VERBS = {
    "attendance": ("http://adlnet.gov/expapi/verbs/attended", "attended"),
    "resource": ("http://adlnet.gov/expapi/verbs/experienced", "experienced"),
    "external": ("http://adlnet.gov/expapi/verbs/completed", "completed"),
    "adjustment": ("http://adlnet.gov/expapi/verbs/completed", "completed"),
}
XAPI_VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def _site(path: str) -> str:
    return public_url(path)


def certificate_document(certificate: Certificate) -> dict[str, Any]:
    """The signed document a holder downloads: enough to verify the certificate offline."""
    return {
        "payload": json.loads(certificate.payload),
        "signature": certificate.signature,
        "algorithm": "Ed25519",
        "verify_url": _site(reverse("passport:verify", args=[certificate.serial])),
        "keys_url": _site(reverse("passport:keys")),
    }


def entry_row(record: LearningRecord) -> dict[str, Any]:
    return {
        "id": record.pk,
        "date": record.learned_on.isoformat(),
        "source": record.source,
        "title": record.title,
        "category": record.category,
        "hours": str(record.hours),
        "points": record.points,
        "activity": record.activity_id,
        "resource": record.resource_id,
        "issuer": record.issuer,
        "reverses": record.reverses_id,
        "note": record.note,
    }


def archive_json(learner: User) -> dict[str, Any]:
    summary = passport_summary(learner=learner)
    return {
        "learner": {"name": learner.name, "birth_year": learner.birth_year},
        "generated_at": timezone.now().isoformat(),
        "total_hours": str(summary.total_hours),
        "total_points": summary.total_points,
        "entries": [entry_row(record) for record in passport_entries(learner=learner)],
        "certificates": [certificate_document(c) | {"status": c.status} for c in learner_certificates(learner=learner)],
    }


TEXT_COLUMNS = {"title", "issuer", "note"}  # typed by people: made safe for spreadsheets
CSV_COLUMNS = ["date", "source", "title", "category", "hours", "points", "issuer", "id", "reverses", "note"]


def archive_csv(learner: User) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with the byte-order mark
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for record in passport_entries(learner=learner):
        row = entry_row(record)
        writer.writerow({key: safe_cell(value) if key in TEXT_COLUMNS else value for key, value in row.items()})
    return out.getvalue()


def xapi_statements(learner: User) -> list[dict[str, Any]]:
    """xAPI 1.0.3 statements, one per ledger entry; a reversing entry voids the statement of
    the entry it corrects. The actor is an account on this site, never a phone number."""
    actor = {
        "objectType": "Agent",
        "name": learner.name,
        "account": {"homePage": settings.SITE_URL, "name": str(learner.pk)},
    }
    hours_extension, points_extension = _site("/xapi/learning-hours"), _site("/xapi/points")
    statements = []
    for record in passport_entries(learner=learner).order_by("learned_on", "id"):
        statement_id = str(uuid.uuid5(XAPI_NAMESPACE, f"record:{record.pk}"))
        timestamp = record.created_at.isoformat()
        if record.reverses_id:
            statements.append(
                {
                    "id": statement_id,
                    "actor": actor,
                    "verb": {"id": XAPI_VOIDED, "display": {"en-US": "voided"}},
                    "object": {
                        "objectType": "StatementRef",
                        "id": str(uuid.uuid5(XAPI_NAMESPACE, f"record:{record.reverses_id}")),
                    },
                    "timestamp": timestamp,
                }
            )
            continue
        verb_id, verb_name = XAPI_VERBS[record.source]
        if record.activity_id:
            object_id = _site(reverse("activities:detail", args=[record.activity_id]))
        elif record.resource_id:
            object_id = _site(reverse("resources:detail", args=[record.resource_id]))
        else:
            object_id = _site(f"/records/{uuid.uuid5(XAPI_NAMESPACE, f'{record.issuer}:{record.external_id}')}")
        name = {"zh-CN": record.title}
        if record.title_en:
            name["en-US"] = record.title_en
        statements.append(
            {
                "id": statement_id,
                "actor": actor,
                "verb": {"id": verb_id, "display": {"en-US": verb_name}},
                "object": {"objectType": "Activity", "id": object_id, "definition": {"name": name}},
                "result": {
                    "completion": True,
                    "extensions": {hours_extension: float(record.hours), points_extension: record.points},
                },
                "context": {"platform": "Lifelong", "language": "zh-CN"},
                "timestamp": f"{record.learned_on.isoformat()}T00:00:00+08:00",
            }
        )
    return statements
