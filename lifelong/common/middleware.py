from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, JsonResponse

from .api import HTTP_ERROR_CODES


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
