"""The OpenAPI document of the JSON API, exact enough for a client or a fuzzer generated from it.

django-ninja documents what each route declares. Three things it cannot know are said here once
for every operation instead of in each route:

- the refusals every operation of a kind can answer, in the one error contract (`ErrorOut`):
  400 where a JSON body is read, 422 where a body or a parameter is checked, 401 where a token is
  read, 404 where the path names something; plus whatever the route declares itself (403, 409,
  429, 503);
- a token that is optional (`OptionalBearerToken`): the operation may be called without one;
- that a component name stands for one schema: ninja generates each route's models on their
  own and keeps the last schema of a name, so two classes of one name would silently share a
  component. Such a clash is recorded in `conflicts` (a test keeps it empty).
"""

import copy
from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.operation import Operation
from ninja.schema import NinjaGenerateJsonSchema

from .api import ErrorOut

BODY_SOURCES = {"body", "form", "file"}

# What each refusal means; an operation's own description names the codes only it answers.
ERROR_ANSWERS = {
    400: "`invalid_json`: the body is not JSON; `bad_request`: the body is too large",
    401: "`not_authenticated`: no token, or one that is wrong, expired or not yet confirmed by two-factor",
    403: "`forbidden`: the caller may not do this",
    404: "`not_found`: nothing by that id or code, or nothing the caller may see (the two are not told apart)",
    409: "A conflict with the current state; the code says which (see the description). "
    "`busy_try_again` where rows are locked: others held them too long, nothing changed; send it again in a moment",
    422: "`invalid`: a parameter or field is wrong (`errors` lists each problem), or a rule of the operation "
    "refuses the request (its code is in the description)",
    429: "Too many attempts for now; the code and `detail` say which and when to try again",
    503: "A service the operation relies on is unavailable; try again later",
}


class LifelongOpenAPISchema(OpenAPISchema):
    def __init__(self, api: NinjaAPI, path_prefix: str) -> None:
        self.conflicts: dict[str, list[dict]] = {}
        super().__init__(api, path_prefix)

    def responses(self, operation: Operation) -> dict[int, dict[str, Any]]:
        result = super().responses(operation)
        error_ref = self._error_schema_ref()
        for status in error_statuses(operation):
            answer = result.setdefault(status, {})
            if status in ERROR_ANSWERS:
                answer["description"] = ERROR_ANSWERS[status]
            answer.setdefault("content", {self.api.renderer.media_type: {"schema": error_ref}})
        return dict(sorted(result.items()))

    def operation_security(self, operation: Operation) -> list[dict[str, list]] | None:
        """Each scheme once under its own name; an optional token also allows no token (`{}`)."""
        result: list[dict[str, list]] = []
        for auth in operation.auth_callbacks:
            if not hasattr(auth, "openapi_security_schema"):
                continue
            name = getattr(auth, "openapi_scheme_name", type(auth).__name__)
            self.securitySchemes[name] = auth.openapi_security_schema
            if getattr(auth, "openapi_optional", False) and {} not in result:
                result.insert(0, {})
            result.append({name: []})
        return result or None

    def add_schema_definitions(self, definitions: dict) -> None:
        # ninja resolves query parameters in place in the definitions it was handed: keep copies.
        for name, schema in copy.deepcopy(definitions).items():
            known = self.schemas.get(name)
            if known is not None and known != schema:
                self.conflicts.setdefault(name, [known]).append(schema)
            self.schemas[name] = schema

    def _error_schema_ref(self) -> dict[str, str]:
        if "ErrorOut" not in self.schemas:
            schema = ErrorOut.model_json_schema(
                ref_template=REF_TEMPLATE, schema_generator=NinjaGenerateJsonSchema, mode="serialization"
            )
            self.add_schema_definitions({**schema.pop("$defs", {}), "ErrorOut": schema})
        return {"$ref": REF_TEMPLATE.format(model="ErrorOut")}


def error_statuses(operation: Operation) -> list[int]:
    """The refusals an operation can answer: those its kind implies and those it declares."""
    statuses = {status for status in operation.response_models if isinstance(status, int) and status >= 400}
    sources = {model.__ninja_param_source__ for model in operation.models}
    if sources & BODY_SOURCES:
        statuses.add(400)
    if sources:
        statuses.add(422)
    if "path" in sources:
        statuses.add(404)
    if operation.auth_callbacks:
        statuses.add(401)
    return sorted(statuses)


class LifelongAPI(NinjaAPI):
    """The NinjaAPI whose document says what every operation answers (see the module)."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return LifelongOpenAPISchema(self, path_prefix)
