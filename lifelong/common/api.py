"""Shared pieces of the JSON API: the error contract, paging and base schemas."""

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from pydantic import ConfigDict, Field, field_validator

from .errors import DomainError, Forbidden, NotAuthenticated, NotFound

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


class CleanText(Schema):
    """Refuses text no person types and the database cannot store: NUL characters and lone
    surrogates (Django's own form fields refuse these too)."""

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
        return error_response(api, request, 422, detail, "invalid", errors=problems)

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
