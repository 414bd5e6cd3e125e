from collections.abc import Callable
from http import HTTPStatus

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponse, JsonResponse

from .api import HTTP_ERROR_CODES
from .services import audit_origin_reset, audit_origin_set, request_origin


class ApiErrorContractMiddleware:
    """Every 4xx/5xx under /api/ is `{"detail", "code"}` JSON, including the ones Django makes
    before or around the API itself (405 from the router, 400 for an oversized body)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path_info.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            status = response.status_code
            json_response = JsonResponse(
                {"detail": HTTPStatus(status).phrase, "code": HTTP_ERROR_CODES.get(status, "error")}, status=status
            )
            if response.has_header("Allow"):
                json_response["Allow"] = response["Allow"]
            return json_response
        return response


class AuditOriginMiddleware:
    """Every audit event written while a request is handled records that request's client
    address and user agent, also when the service that wrote it was never given the request:
    the origin is set in a context variable before the view runs and reset once the response
    is made (an exception included), so nothing carries over to the next request on the same
    thread. Works in sync and async stacks (a context variable follows the coroutine)."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest):
        if iscoroutinefunction(self):
            return self.__acall__(request)
        token = audit_origin_set(request_origin(request))
        try:
            return self.get_response(request)
        finally:
            audit_origin_reset(token)

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        token = audit_origin_set(request_origin(request))
        try:
            return await self.get_response(request)
        finally:
            audit_origin_reset(token)
