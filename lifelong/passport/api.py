"""The passport API (DESIGN §5): a learner's passport, certificate checks, revocation,
corrections and the learning-star list."""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from lifelong.accounts.auth import BearerToken
from lifelong.accounts.models import User
from lifelong.common.api import CleanText, ErrorOut, Hours, InputSchema, IsoDate, PageQuery
from lifelong.common.errors import InvalidInput, NotFound
from lifelong.regions.selectors import region_get_by_code

from . import selectors, services, signing
from .exports import certificate_document
from .models import Certificate
from .verification import certificate_check

router = Router(tags=["passport"])
bearer = BearerToken()
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class EntryOut(Schema):
    id: int
    date: dt.date = Field(validation_alias="learned_on")
    source: str
    title: str
    category: str
    hours: Hours
    points: int
    activity: int | None = Field(validation_alias="activity_id")
    resource: int | None = Field(validation_alias="resource_id", description="The studied learning resource")
    issuer: str
    reverses: int | None = Field(validation_alias="reverses_id")
    note: str


class CertificateOut(Schema):
    serial: str
    title: str
    title_en: str
    institution: str = Field(validation_alias="institution_name")
    hours: Hours
    issued_on: dt.date
    status: str
    revoked_reason: str
    document: dict

    @staticmethod
    def resolve_document(certificate: Certificate) -> dict:
        return certificate_document(certificate)


class CategoryOut(Schema):
    category: str
    hours: Hours
    points: int


class MonthOut(Schema):
    month: int
    hours: Hours
    points: int


class PassportOut(Schema):
    total_hours: Hours
    total_points: int
    year: int
    year_hours: Hours
    year_points: int
    by_category: list[CategoryOut]
    by_month: list[MonthOut]
    entries: list[EntryOut]
    entries_count: int
    certificates: list[CertificateOut]


def _passport(learner: User, query: PageQuery) -> dict:
    summary = selectors.passport_summary(learner=learner)
    entries = selectors.passport_entries(learner=learner)
    size = min(query.page_size, settings.API_PAGE_SIZE_MAX)
    start = (query.page - 1) * size
    return {
        "total_hours": summary.total_hours,
        "total_points": summary.total_points,
        "year": summary.year,
        "year_hours": summary.year_hours,
        "year_points": summary.year_points,
        "by_category": [
            {"category": value, "hours": hours, "points": points}
            for value, _label, hours, points in summary.by_category_lifetime
        ],
        "by_month": [{"month": m, "hours": h, "points": p} for m, h, p in summary.by_month],
        "entries": list(entries[start : start + size]),
        "entries_count": entries.count(),
        "certificates": list(selectors.learner_certificates(learner=learner)),
    }


@router.get("/me/passport", auth=bearer, response={200: PassportOut, **ERRORS}, summary="My learning passport")
def my_passport(request, query: Query[PageQuery]):
    """Totals, the year by category and month, one page of ledger entries (newest first;
    `page`, `page_size`) and every certificate with its signed document."""
    return _passport(request.user, query)


@router.get("/learners/{learner_id}/passport", auth=bearer, response={200: PassportOut, **ERRORS})
def learner_passport(request, learner_id: int, query: Query[PageQuery]):
    """Staff: the passport of a learner living in their admin area (404 otherwise)."""
    return _passport(selectors.learner_in_scope(actor=request.user, learner_id=learner_id), query)


class CertificateCheckOut(Schema):
    serial: str
    status: str = Field(description="valid, revoked, or tampered (the stored signature no longer matches)")
    reason: str | None = None
    holder: str = Field(description="The holder's name, masked")
    title: str
    title_en: str
    institution: str
    hours: Hours
    issued_on: dt.date
    key: str


@router.get("/certificates/{serial}", response={200: CertificateCheckOut, 404: ErrorOut}, summary="Check a certificate")
def certificate_verify(request, serial: str):
    """Public: is this certificate genuine? No personal data beyond a masked name."""
    check = certificate_check(serial)
    if not check.known:
        raise NotFound(
            _("No certificate has the serial number %(serial)s. Check the number, or ask the holder for the original.")
            % {"serial": serial[:40]},
            code="unknown_certificate",
        )
    return {
        "serial": check.serial,
        "status": check.status,
        "reason": check.reason or None,
        "holder": check.holder,
        "title": check.title,
        "title_en": check.title_en,
        "institution": check.institution,
        "hours": check.hours,
        "issued_on": check.issued_on,
        "key": check.key_id,
    }


class KeyOut(Schema):
    id: str
    public_key: str
    created_at: str
    retired_at: str | None


class KeysOut(Schema):
    algorithm: str
    payload_version: int
    keys: list[KeyOut]


@router.get("/certificate-keys", response={200: KeysOut}, summary="Public keys that sign certificates")
def certificate_keys(request):
    return signing.published_keys()


class ReasonIn(InputSchema):
    reason: str = Field(min_length=1, max_length=300)


class RevokedOut(Schema):
    serial: str
    status: str
    revoked_reason: str


@router.post("/certificates/{serial}/revoke", auth=bearer, response={200: RevokedOut, **ERRORS})
def certificate_revoke(request, serial: str, body: ReasonIn):
    """Admins whose scope covers the certificate's activity or holder."""
    certificate = selectors.certificate_in_scope(actor=request.user, serial=serial)
    return services.certificate_revoke(actor=request.user, certificate=certificate, reason=body.reason)


@router.post("/learning-records/{record_id}/reverse", auth=bearer, response={201: EntryOut, **ERRORS})
def record_reverse(request, record_id: int, body: ReasonIn):
    """Correct a ledger entry with its exact opposite (the activity's staff or an admin over the
    learner). An entry is reversed once; a correction cannot be reversed."""
    record = selectors.record_correctable(actor=request.user, pk=record_id)
    return 201, services.record_reverse(actor=request.user, record=record, reason=body.reason)


class StarsQuery(CleanText):
    region: str = Field(max_length=12)
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None
    limit: int = Field(50, ge=1)


class StarLearnerOut(Schema):
    id: int
    name: str
    home_region: str | None


class StarOut(Schema):
    rank: int
    learner: StarLearnerOut
    hours: Hours
    points: int
    entries: int


class StarsOut(Schema):
    items: list[StarOut]
    count: int


@router.get("/learning-stars", auth=bearer, response={200: StarsOut, **ERRORS}, summary="Learning-star candidates")
def learning_stars(request, query: Query[StarsQuery]):
    """Admins: the learners with the most hours in a region of their scope, between two dates
    (default: this year so far)."""
    region = region_get_by_code(query.region)
    if region is None:
        raise NotFound(field="region")
    today = timezone.localdate()
    date_from = query.date_from or today.replace(month=1, day=1)
    date_to = query.date_to or today
    if date_from > date_to:
        raise InvalidInput(_("date_from comes after date_to."), code="invalid", field="date_from")
    stars = selectors.learning_stars(
        actor=request.user, region=region, date_from=date_from, date_to=date_to, limit=min(query.limit, 100)
    )
    items = [
        {
            "rank": rank,
            "learner": {
                "id": star.learner.pk,
                "name": star.learner.name,
                "home_region": star.learner.home_region.code if star.learner.home_region_id else None,
            },
            "hours": star.hours,
            "points": star.points,
            "entries": star.entries,
        }
        for rank, star in enumerate(stars, start=1)
    ]
    return {"items": items, "count": len(items)}
