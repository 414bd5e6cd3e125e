"""Shared pieces of the JSON API: the error contract, paging and base schemas."""

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from django.conf import settings
from django.db import OperationalError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    PlainSerializer,
    field_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from .errors import Busy, DomainError, Forbidden, NotAuthenticated, NotFound
from .locking import is_lock_not_available

HTTP_ERROR_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "throttled",
    500: "server_error",
}


# Text without NUL, as a JSON Schema pattern (written as an escape, so the document holds none).
NO_NUL_PATTERN = r"^[^\u0000]*$"


def _say_no_nul(schema: dict[str, Any]) -> None:
    """Puts NO_NUL_PATTERN on every free-text string of a property (its nullable and list
    forms too), so a client generated from the document never sends what is refused."""
    if schema.get("type") == "string" and not {"pattern", "format", "enum", "const"} & schema.keys():
        schema["pattern"] = NO_NUL_PATTERN
    for branch in schema.get("anyOf", []):
        _say_no_nul(branch)
    if isinstance(schema.get("items"), dict):
        _say_no_nul(schema["items"])


def _document_clean_text(schema: dict[str, Any], cls: type) -> None:
    for field_schema in schema.get("properties", {}).values():
        _say_no_nul(field_schema)


class CleanText(Schema):
    """Refuses text no person types and the database cannot store: NUL characters and lone
    surrogates (Django's own form fields refuse these too). The document says so with a
    `pattern` on each text field (lone surrogates cannot be said in a JSON Schema pattern)."""

    model_config = ConfigDict(json_schema_extra=_document_clean_text)

    @field_validator("*", mode="before")
    @classmethod
    def printable_text_only(cls, value: Any) -> Any:
        if isinstance(value, str):
            if "\x00" in value:
                raise ValueError("Null characters are not allowed.")
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError("The text is not valid Unicode.") from None
        return value


class InputSchema(CleanText):
    """Request bodies: unknown fields are refused (ASVS 15.3.3, no mass assignment)."""

    model_config = ConfigDict(extra="forbid")


# --- Dates and times in requests ------------------------------------------------------------------

# The days a request may name: beyond them no activity, campaign or record can fall, and a day
# at the end of the calendar would overflow the arithmetic done on it.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)

# What the server reads: the shape of the text (any year, so a year out of range gets its own
# answer; the day itself is checked by pydantic).
_SHAPE_DAY = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_HOUR_MINUTE = r"([01][0-9]|2[0-3]):[0-5][0-9]"
# RFC 3339, the profile of ISO 8601 that JSON Schema's `date-time` names: seconds and an offset.
_RFC3339_TIME = rf"[Tt]{_HOUR_MINUTE}:[0-5][0-9](\.[0-9]+)?([Zz]|[+-]{_HOUR_MINUTE})"
# A county time: seconds and the offset may be left out (no offset: Asia/Shanghai).
_COUNTY_TIME = rf"[Tt ]{_HOUR_MINUTE}(:[0-5][0-9](\.[0-9]+)?)?([Zz]|[+-]([01][0-9]|2[0-3]):?[0-5][0-9])?"
_ISO_DATE = re.compile(_SHAPE_DAY, re.ASCII)
_ISO_DATE_TIME = re.compile(_SHAPE_DAY + _RFC3339_TIME, re.ASCII)
_COUNTY_DATE_TIME = re.compile(_SHAPE_DAY + _COUNTY_TIME, re.ASCII)

# What the document says: the same shapes, naming only real days from FIRST_DAY to LAST_DAY
# (month lengths and leap years spelt out), so a client generated from it never sends a day
# the server refuses, and the server never takes text the document refuses.
_MONTH_DAY = r"((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))"
_DAY = rf"((20[0-9]{{2}}|2100)-{_MONTH_DAY}|20([02468][048]|[13579][26])-02-29)"
ISO_DATE_PATTERN = rf"^{_DAY}$"
ISO_DATE_TIME_PATTERN = rf"^{_DAY}{_RFC3339_TIME}$"
COUNTY_DATE_TIME_PATTERN = rf"^{_DAY}{_COUNTY_TIME}$"


def _text_like(shape: re.Pattern, kind: type, message: str):
    # Pydantic would read a number, or a string of digits, as seconds since 1970: `0` was a day.
    def check(value: Any) -> Any:
        if (isinstance(value, kind) and (kind is datetime or not isinstance(value, datetime))) or (
            isinstance(value, str) and shape.fullmatch(value)
        ):
            return value
        raise ValueError(_(message))

    return BeforeValidator(check)


def _on_the_calendar(value: date) -> date:
    day = value.date() if isinstance(value, datetime) else value
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(
            _("Give a day from %(first)s to %(last)s.") % {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}
        )
    return value


def _county_time(value: datetime) -> datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


class _DocumentedText:
    """The JSON Schema of a date or time: the text pattern the server reads, and its range."""

    def __init__(self, pattern: str, *, first: str = "", last: str = "", format: str | None = "", description=""):
        self.pattern, self.first, self.last, self.format, self.description = pattern, first, last, format, description

    def __get_pydantic_json_schema__(self, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        schema = {**handler(core_schema), "pattern": self.pattern}
        if self.format is None:  # a shape no JSON Schema format names: the pattern says it all
            schema.pop("format", None)
        if self.first:  # the range as validators that know formatMinimum/formatMaximum read it
            schema.update(formatMinimum=self.first, formatMaximum=self.last)
        if self.description:
            schema["description"] = self.description
        return schema


# A day in a request: ISO 8601 text ("2026-05-01") from FIRST_DAY to LAST_DAY; never a number.
IsoDate = Annotated[
    date,
    _text_like(_ISO_DATE, date, gettext_noop("Give a day as ISO 8601 text, such as 2026-05-01.")),
    AfterValidator(_on_the_calendar),
    _DocumentedText(ISO_DATE_PATTERN, first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat()),
]
# A moment in a request: RFC 3339 text, seconds and offset included ("2026-05-01T09:00:00+08:00",
# "2026-05-01T01:00:00Z"), exactly what the document's `date-time` says; its day (as written)
# from FIRST_DAY to LAST_DAY.
IsoDateTime = Annotated[
    datetime,
    _text_like(
        _ISO_DATE_TIME,
        datetime,
        gettext_noop(
            "Give a date and time as ISO 8601 text with seconds and an offset, such as 2026-05-01T09:00:00+08:00."
        ),
    ),
    AfterValidator(_on_the_calendar),
    _DocumentedText(ISO_DATE_TIME_PATTERN, first=f"{FIRST_DAY}T00:00:00Z", last=f"{LAST_DAY}T23:59:59Z"),
]
# A time of day in the county, for what people schedule there (sessions, registration windows,
# room bookings): ISO 8601 text, seconds and the offset optional ("2026-05-01 09:00" is 09:00 in
# Asia/Shanghai); its day from FIRST_DAY to LAST_DAY.
CountyDateTime = Annotated[
    datetime,
    _text_like(
        _COUNTY_DATE_TIME,
        datetime,
        gettext_noop("Give a date and time as ISO 8601 text, such as 2026-05-01T09:00:00+08:00."),
    ),
    AfterValidator(_on_the_calendar),
    AfterValidator(_county_time),
    _DocumentedText(
        COUNTY_DATE_TIME_PATTERN,
        format=None,
        description="ISO 8601 date and time, 2000-01-01 to 2100-12-31; seconds and the offset may be left out "
        "(without an offset: county time, UTC+8)",
    ),
]


# --- Quantities in answers -----------------------------------------------------------------------


class _Described:
    """A type's own description in the document (a field's description, when it has one, wins)."""

    def __init__(self, description: str):
        self.description = description

    def __get_pydantic_json_schema__(self, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {**handler(core_schema), "description": self.description}


def decimal_number(places: int, description: str) -> Any:
    """A quantity kept exactly as a Decimal and answered as a JSON number rounded to `places`
    decimals (JSON encoders would write a Decimal as a string: "12.5")."""
    quantum = Decimal(1).scaleb(-places)

    def as_number(value: Decimal) -> float:
        # The float of a Decimal with a few places prints back as those places: 12.5, not 12.499….
        return float(value.quantize(quantum, rounding=ROUND_HALF_UP))

    return Annotated[Decimal, PlainSerializer(as_number, return_type=float), _Described(description)]


# Learning hours in an answer: a JSON number with one decimal place (12.5).
Hours = decimal_number(1, "Hours: a number with one decimal place")

# Learning hours in a request, as text: 0 to 999, at most one decimal place, nothing else.
HOURS_TEXT_PATTERN = r"^((0|[1-9][0-9]?|[1-8][0-9]{2}|9[0-8][0-9]|99[0-8])(\.[0-9])?|999(\.0)?)$"


def _hours_text(value: Any) -> Any:
    # A number goes to the Decimal checks below; text must look like one such number, so the
    # document can say exactly what is taken ("1e2" or " 1.5" would otherwise pass).
    if isinstance(value, str) and not re.fullmatch(HOURS_TEXT_PATTERN, value):
        raise ValueError(_("Give hours as a number from 0 to 999 with at most one decimal place, such as 1.5."))
    return value


class _HoursInSchema:
    def __get_pydantic_json_schema__(self, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        schema = handler(core_schema)
        for branch in schema.get("anyOf", []):
            if branch.get("type") == "number":
                branch["multipleOf"] = 0.1
            elif branch.get("type") == "string":
                branch["pattern"] = HOURS_TEXT_PATTERN
        schema["description"] = 'Hours: 0 to 999 with at most one decimal place; a number (text such as "1.5" too)'
        return schema


HoursIn = Annotated[Decimal, Field(ge=0, le=999, decimal_places=1), BeforeValidator(_hours_text), _HoursInSchema()]


class ProblemOut(Schema):
    loc: list[str] = Field(description='Where: "body", "query" or "path", then the field\'s name')
    msg: str


class ErrorOut(Schema):
    """Every refusal: `detail` for people (in the request's language), `code` for programs."""

    detail: str
    code: str = Field(description="Stable: a program may rely on it")
    field: str | None = Field(None, description="The field the refusal is about, when it is about one")
    errors: list[ProblemOut] | None = Field(None, description="422 `invalid`: every problem found in the request")


class IdOut(Schema):
    id: int


class StatusOut(Schema):
    """What a workflow step answers: the object and the status it is in now."""

    id: int
    status: str


class PersonRef(Schema):
    """A person named in an answer: their id and name, nothing more."""

    id: int
    name: str


class PageQuery(CleanText):
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(20, ge=1)


def paginate(queryset: QuerySet, query: PageQuery, *, max_size: int | None = None) -> dict[str, Any]:
    """`{"items", "count"}` for one page; a `page_size` above the maximum is clamped."""
    size = min(query.page_size, max_size or settings.API_PAGE_SIZE_MAX)
    start = (query.page - 1) * size
    return {"items": list(queryset[start : start + size]), "count": queryset.count()}


def error_response(api: NinjaAPI, request: HttpRequest, status: int, detail: str, code: str, **extra) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "code": code, **extra}, status=status)


def install_error_handlers(api: NinjaAPI) -> None:
    """Every refusal is `{"detail", "code"}` with a 4xx status; never an HTML page or a 500."""

    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        extra = {"field": exc.field} if exc.field else {}
        return error_response(api, request, exc.status, exc.detail, exc.code, **extra)

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        problems = [
            {"loc": [str(part) for part in error.get("loc", ())], "msg": str(error.get("msg", ""))}
            for error in exc.errors
        ]
        first = problems[0] if problems else {"loc": [], "msg": ""}
        detail = f"{'.'.join(first['loc'][1:]) or 'request'}: {first['msg']}"
        # Like a service's refusal, name the field: a body's top-level field (its loc is
        # ["body", <the view's body argument>, field, ...]) or the parameter.
        names = first["loc"][2:] if first["loc"][:1] == ["body"] else first["loc"][1:]
        extra = {"field": names[0]} if names else {}
        return error_response(api, request, 422, detail, "invalid", errors=problems, **extra)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        # django-ninja words its own refusals in fixed English ("Unauthorized", "Cannot parse
        # request body"); they are said here in the request's language like every other error.
        if "parse request body" in exc.message:
            return error_response(api, request, 400, _("The request body is not valid JSON."), "invalid_json")
        if isinstance(exc, AuthenticationError):
            return error_response(api, request, 401, str(NotAuthenticated.default_detail), NotAuthenticated.code)
        if isinstance(exc, AuthorizationError):
            return error_response(api, request, 403, str(Forbidden.default_detail), Forbidden.code)
        code = HTTP_ERROR_CODES.get(exc.status_code, "error")
        return error_response(api, request, exc.status_code, exc.message, code)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return error_response(api, request, 404, str(NotFound.default_detail), "not_found")

    @api.exception_handler(OperationalError)
    def database_busy(request, exc: OperationalError):
        # `short_lock_wait` already turns a lock not obtained in time into `Busy`; this catches
        # one met later in the same transaction (its lock wait limit lasts until the end).
        if is_lock_not_available(exc):
            return error_response(api, request, Busy.status, str(Busy.default_detail), Busy.code)
        raise exc
