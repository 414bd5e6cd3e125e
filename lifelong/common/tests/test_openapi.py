"""The OpenAPI document at /api/v1/openapi.json says exactly what the API accepts and answers:
a client or fuzzer generated from it sends requests the server takes and reads its answers."""

import enum
import json
import types
import typing

import pytest
from django.test import Client
from ninja.responses import NinjaJSONEncoder
from pydantic import BaseModel

from config.api import api


def _operations():
    for router in api._get_bound_routers():
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                if operation.include_in_schema:
                    yield path, operation


def _named_types(annotation, found: set) -> None:
    """Every model and enum reachable from a field's annotation: what becomes a component."""
    if annotation is None:
        return
    if typing.get_origin(annotation) is not None or isinstance(annotation, types.UnionType):
        for argument in typing.get_args(annotation):
            _named_types(argument, found)
        return
    if not isinstance(annotation, type) or annotation in found:
        return
    if issubclass(annotation, enum.Enum):
        found.add(annotation)
    elif issubclass(annotation, BaseModel):
        found.add(annotation)
        for field in annotation.model_fields.values():
            _named_types(field.annotation, found)


def _route_types() -> set:
    """The models and enums of every route's parameters, body and responses (django-ninja's own
    wrappers, which never become components, are looked through)."""
    found: set = set()
    for _path, operation in _operations():
        wrappers = [*operation.models, *(m for m in operation.response_models.values() if m is not None)]
        for wrapper in wrappers:
            for field in wrapper.model_fields.values():
                _named_types(field.annotation, found)
    return found


@pytest.fixture(scope="module")
def generated():
    return api.get_openapi_schema(path_prefix="/api/v1/")


@pytest.fixture(scope="module")
def document(generated) -> dict:
    """The document as JSON, as clients read it."""
    return json.loads(json.dumps(generated, cls=NinjaJSONEncoder))


def test_no_two_classes_share_a_component_name():
    """The document keeps one schema per name: a second class of that name silently replaces the
    first everywhere (the news channels once stood for the registration channels)."""
    by_name: dict[str, set] = {}
    for cls in _route_types():
        by_name.setdefault(cls.__name__, set()).add(f"{cls.__module__}.{cls.__qualname__}")
    shared = {name: sorted(classes) for name, classes in by_name.items() if len(classes) > 1}
    assert shared == {}


def test_every_component_is_the_one_its_routes_use(generated):
    """Whatever the classes are called, no component holds a schema other than the one a route
    generated under that name (also catches one class rendered differently for input and output)."""
    assert generated.conflicts == {}


def _resolve(document: dict, schema: dict) -> dict:
    """The schema a `$ref` (or ninja's `allOf` of one `$ref`, used to give it a default) names."""
    while "$ref" in schema or len(schema.get("allOf", [])) == 1:
        schema = schema["allOf"][0] if "allOf" in schema else schema
        if "$ref" in schema:
            schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _enum_of(document: dict, schema: dict) -> list:
    schema = _resolve(document, schema)
    for option in schema.get("anyOf", []):
        option = _resolve(document, option)
        if "enum" in option:
            return option["enum"]
    return schema["enum"]


def test_the_registration_channel_lists_registration_channels(document):
    body = document["paths"]["/api/v1/activities/{activity_id}/registrations"]["post"]["requestBody"]
    registration = _resolve(document, body["content"]["application/json"]["schema"])
    assert sorted(_enum_of(document, registration["properties"]["channel"])) == ["online", "onsite", "proxy"]
    article = document["paths"]["/api/v1/articles"]["post"]["requestBody"]
    news = _resolve(document, article["content"]["application/json"]["schema"])
    assert "news" in _enum_of(document, news["properties"]["channel"])


def test_a_programmes_figures_are_its_own(document):
    detail = document["paths"]["/api/v1/programmes/{slug}"]["get"]["responses"]["200"]
    programme = _resolve(document, detail["content"]["application/json"]["schema"])
    figures = _resolve(document, programme["properties"]["figures"])
    assert set(figures["properties"]) == {"activities", "people_served", "attendance", "hours"}


def test_the_served_document_is_the_generated_one(db):
    served = Client().get("/api/v1/openapi.json")
    assert served.status_code == 200
    assert (
        served.json()["components"]["schemas"].keys()
        == api.get_openapi_schema(path_prefix="/api/v1/")["components"]["schemas"].keys()
    )


def _operations_in(document: dict):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}


def test_every_operation_documents_the_refusals_of_its_kind(document):
    """400 where a JSON body is read, 422 where a body or parameter is checked, 401 where a token
    is read, 404 where the path names something: each in the error contract."""
    missing, not_the_contract = {}, []
    for name, operation in _operations_in(document):
        parameters = operation.get("parameters", [])
        expected = set()
        if "requestBody" in operation:
            expected |= {"400", "422"}
        if parameters:
            expected.add("422")
        if any(parameter["in"] == "path" for parameter in parameters):
            expected.add("404")
        if operation.get("security"):
            expected.add("401")
        if gaps := expected - set(operation["responses"]):
            missing[name] = sorted(gaps)
        for status, answer in operation["responses"].items():
            if int(status) >= 400 and answer["content"]["application/json"]["schema"] != ERROR_REF:
                not_the_contract.append(f"{name} {status}")
    assert missing == {}
    assert not_the_contract == []


def test_refusals_say_what_they_mean(document):
    create = document["paths"]["/api/v1/activities"]["post"]["responses"]
    assert "invalid_json" in create["400"]["description"]
    assert "not_authenticated" in create["401"]["description"]
    assert "errors" in create["422"]["description"]
    assert set(create) == {"201", "400", "401", "403", "404", "409", "422"}
    # Declared by the route itself: the 429 of too many sign-ins.
    assert "429" in document["paths"]["/api/v1/auth/token"]["post"]["responses"]
    # Nothing to refuse: no body, no parameter, no token.
    assert set(document["paths"]["/api/v1/certificate-keys"]["get"]["responses"]) == {"200"}
    error = document["components"]["schemas"]["ErrorOut"]
    assert set(error["required"]) == {"detail", "code"}
    assert {"detail", "code", "field", "errors"} <= set(error["properties"])


@pytest.mark.django_db
def test_the_documented_refusals_are_the_ones_served(document):
    """A body that is not JSON answers 400 `invalid_json`, a wrong field 422 with `errors`, no
    token 401: what the document says, in the shape ErrorOut describes."""
    client = Client()
    not_json = client.post("/api/v1/activities", "{", content_type="application/json")
    assert not_json.status_code == 401  # the token is read before the body
    signed_out = client.get("/api/v1/me/registrations")
    assert signed_out.status_code == 401 and signed_out.json()["code"] == "not_authenticated"
    wrong = client.get("/api/v1/activities", {"page": "x"})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["loc"] == ["query", "page"]
    assert wrong.json()["field"] == "page"  # a wrong field is named as a service's refusal names it
    bad_body = client.post("/api/v1/auth/token", "{", content_type="application/json")
    assert bad_body.status_code == 400 and bad_body.json()["code"] == "invalid_json"
    for answer in (signed_out, wrong, bad_body):
        assert set(answer.json()) <= set(document["components"]["schemas"]["ErrorOut"]["properties"])


OPTIONAL_TOKEN = [
    ("get", "/api/v1/activities/{activity_id}"),
    ("get", "/api/v1/resources"),
    ("get", "/api/v1/resources/{resource_id}"),
    ("get", "/api/v1/teams/{team_id}"),
]


def test_an_optional_token_is_documented_as_optional(document):
    """Public endpoints that show more to a signed-in caller may be called without a token."""
    for method, path in OPTIONAL_TOKEN:
        assert document["paths"][path][method]["security"] == [{}, {"BearerToken": []}], path
    assert document["paths"]["/api/v1/activities"]["post"]["security"] == [{"BearerToken": []}]
    assert "security" not in document["paths"]["/api/v1/activities"]["get"]
    assert set(document["components"]["securitySchemes"]) == {"BearerToken"}


def test_every_optional_token_operation_is_documented_so(document):
    from lifelong.accounts.auth import OptionalBearerToken

    optional = {
        (method.lower(), "/api/v1/" + path.lstrip("/"))
        for path, operation in _operations()
        if any(isinstance(auth, OptionalBearerToken) for auth in operation.auth_callbacks)
        for method in operation.methods
    }
    assert optional == set(OPTIONAL_TOKEN)


# --- What requests may hold ------------------------------------------------------------------


def _input_texts(document: dict):
    """(where, schema) for every string a request body or query parameter may hold, through
    references, nullable forms, lists and nested objects."""
    seen: set[str] = set()

    def walk(where: str, schema: dict):
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name in seen:
                return
            seen.add(name)
            yield from walk(f"{where}>{name}", document["components"]["schemas"][name])
            return
        for key in ("anyOf", "allOf", "oneOf"):
            for branch in schema.get(key, []):
                yield from walk(where, branch)
        if isinstance(schema.get("items"), dict):
            yield from walk(f"{where}[]", schema["items"])
        for name, field in schema.get("properties", {}).items():
            yield from walk(f"{where}.{name}", field)
        if schema.get("type") == "string" and "enum" not in schema:
            yield where, schema

    for name, operation in _operations_in(document):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query":
                seen.clear()
                yield from walk(f"{name} ?{parameter['name']}", parameter["schema"])
        if "requestBody" in operation:
            seen.clear()
            yield from walk(f"{name} body", operation["requestBody"]["content"]["application/json"]["schema"])


def test_every_date_and_time_in_a_request_is_iso_text_in_range(document):
    from lifelong.common.api import COUNTY_DATE_TIME_PATTERN, ISO_DATE_PATTERN, ISO_DATE_TIME_PATTERN

    expected = {"date": ISO_DATE_PATTERN, "date-time": ISO_DATE_TIME_PATTERN}
    texts = list(_input_texts(document))
    dated = [(where, schema) for where, schema in texts if schema.get("format") in expected]
    assert len(dated) >= 9  # catalogue and bookings, campaigns, honour calls, stars, release
    wrong = [where for where, schema in dated if schema.get("pattern") != expected[schema["format"]]]
    assert wrong == []
    assert all(schema["formatMinimum"].startswith("2000-01-01") for _where, schema in dated)
    # County times (sessions, registration windows, bookings) say their own shape in the pattern.
    county_times = [where for where, schema in texts if schema.get("pattern") == COUNTY_DATE_TIME_PATTERN]
    county = sorted({where.rsplit(".", 1)[-1] for where in county_times})
    assert county == ["ends_at", "first_starts_at", "registration_closes", "registration_opens", "starts_at"]
    # Nothing else in a request is a date or time without saying so.
    assert not [where for where, schema in texts if "date" in schema.get("format", "") and not schema.get("pattern")]


def test_every_text_in_a_request_says_it_holds_no_nul(document):
    import re

    texts = list(_input_texts(document))
    assert len(texts) > 50
    refused = [where for where, schema in texts if "pattern" not in schema or re.search(schema["pattern"], "a\x00b")]
    assert refused == []
    # Text with a shape of its own (a dashboard's period) has its own pattern, not the NUL one.
    from lifelong.common.api import COUNTY_DATE_TIME_PATTERN, HOURS_TEXT_PATTERN
    from lifelong.dashboards.api import PERIOD_PARAMETER_PATTERN

    shaped = {PERIOD_PARAMETER_PATTERN, COUNTY_DATE_TIME_PATTERN, HOURS_TEXT_PATTERN}
    free_text = [schema["pattern"] for _where, schema in texts if "format" not in schema]
    free_text = [pattern for pattern in free_text if pattern not in shaped]
    assert all(re.search(pattern, "读书 ok") or pattern.startswith("^[-a") for pattern in free_text)


def test_every_request_schema_refuses_what_its_document_refuses():
    """The NUL pattern is true only for schemas that refuse NUL: every body and query model is
    CleanText (or InputSchema)."""
    from lifelong.common.api import CleanText

    loose = set()
    for path, operation in _operations():
        for wrapper in operation.models:
            if wrapper.__ninja_param_source__ == "path":
                continue
            for field in wrapper.model_fields.values():
                model = field.annotation
                for candidate in typing.get_args(model) or (model,):
                    is_model = isinstance(candidate, type) and issubclass(candidate, BaseModel)
                    if is_model and not issubclass(candidate, CleanText):
                        loose.add(f"{path}: {candidate.__name__}")
    assert loose == set()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path, body",
    [
        ("/campaigns", {"starts_on": 0}),
        ("/campaigns", {"starts_on": "86400"}),
        ("/activities", {"registration_opens": 1700000000}),
        ("/activities", {"registration_opens": "2026-05-01"}),
        ("/activities", {"registration_closes": "9999-12-31T00:00:00Z"}),
        ("/honor-calls", {"opens_on": 86400}),
        ("/venues/1/bookings", {"starts_at": 1.5}),
    ],
)
def test_a_number_is_not_a_date(demo, path, body):
    """Pydantic's lax mode read numbers as seconds since 1970; a date is ISO 8601 text only."""
    from lifelong.testkit.api import ApiClient

    answer = ApiClient(demo.county_admin).post(path, body)
    assert answer.status_code == 422
    field = next(iter(body))
    assert any(problem["loc"] == ["body", "body", field] for problem in answer.json()["errors"]), answer.json()


@pytest.mark.django_db
def test_a_date_out_of_range_or_a_number_in_a_query_is_refused(demo):
    from lifelong.testkit.api import ApiClient

    client = ApiClient(demo.county_admin)
    for query in ({"date_from": "1999-12-31"}, {"date_to": "2101-01-01"}, {"date_from": "1700000000"}):
        answer = client.get("/activities", **query)
        assert answer.status_code == 422 and answer.json()["errors"][0]["loc"] == ["query", next(iter(query))]
    assert client.get("/learning-stars", region="330424", date_from="0").status_code == 422
    assert client.get("/activities", date_from="2026-05-01").status_code == 200


@pytest.mark.django_db
def test_a_release_time_is_text(demo):
    """A number used to be read as a moment in 1970 or 2023 and published the article."""
    from lifelong.testkit.api import ApiClient

    answer = ApiClient(demo.county_admin).post("/articles/1/publish", {"release_at": 1700000000})
    assert answer.status_code == 422 and answer.json()["errors"][0]["loc"] == ["body", "body", "release_at"]
    assert answer.json()["field"] == "release_at"


# --- What answers hold --------------------------------------------------------------------------

# Free-form objects an answer may hold: the certificate's signed document, exactly as signed.
FREE_FORM = {"CertificateOut.document"}


def _response_models() -> set:
    found: set = set()
    for _path, operation in _operations():
        for wrapper in operation.response_models.values():
            if wrapper is not None:
                for field in wrapper.model_fields.values():
                    _named_types(field.annotation, found)
    return {cls for cls in found if isinstance(cls, type) and issubclass(cls, BaseModel)}


def _holds(annotation, kinds: tuple) -> bool:
    if typing.get_origin(annotation) is typing.Annotated:
        return _holds(typing.get_args(annotation)[0], kinds)
    if typing.get_origin(annotation) is not None or isinstance(annotation, types.UnionType):
        return any(_holds(argument, kinds) for argument in typing.get_args(annotation))
    return annotation in kinds or (isinstance(annotation, type) and issubclass(annotation, kinds))


def _types_of(schema: dict) -> set:
    found = {schema["type"]} if "type" in schema else set()
    for branch in schema.get("anyOf", []):
        found |= _types_of(branch)
    return found


def test_no_quantity_in_an_answer_is_a_string():
    """Every Decimal in a response schema is a JSON number in the document (and so in the JSON:
    the document is generated from the same serializer)."""
    from decimal import Decimal

    as_text = []
    for model in _response_models():
        properties = model.model_json_schema(mode="serialization")["properties"]
        for name, field in model.model_fields.items():
            if _holds(field.annotation, (Decimal,)):
                schema = properties[field.serialization_alias or name]
                if "string" in _types_of(schema) or "number" not in _types_of(schema):
                    as_text.append(f"{model.__name__}.{name}")
    assert as_text == []


def test_every_answer_is_typed_all_the_way_down():
    """A bare dict says nothing of what it holds (the campaign report's figures were strings)."""
    from typing import Any

    def says_nothing(annotation) -> bool:
        if annotation is Any or annotation is dict:
            return True
        arguments = typing.get_args(annotation)
        if typing.get_origin(annotation) is dict:
            return arguments[-1] is Any
        return any(says_nothing(argument) for argument in arguments)

    untyped = [
        f"{model.__name__}.{name}"
        for model in _response_models()
        for name, field in model.model_fields.items()
        if says_nothing(field.annotation)
    ]
    assert sorted(untyped) == sorted(FREE_FORM)


def test_the_document_states_hours_with_one_decimal(document):
    schemas = document["components"]["schemas"]
    hours = schemas["HoursOut"]["properties"]["value"]
    assert hours["type"] == "number" and "one decimal" in hours["description"]
    figures = schemas["FiguresOut"]["properties"]
    assert figures["learning_hours"]["type"] == "number"
    assert {branch.get("type") for branch in figures["hours_per_head"]["anyOf"]} == {"number", "null"}


DATE_TIME_SAMPLES = [
    "2026-05-01T09:00:00+08:00",
    "2026-05-01T01:00:00Z",
    "2026-05-01t01:00:00z",
    "2026-05-01T09:00:00.5+08:00",
    "2026-05-01T09:00:00.123456789-05:30",
    "2026-05-01T09:00",
    "2026-05-01T09:00:00",
    "2026-05-01 09:00:00+08:00",
    "2026-05-01 09:00",
    "2026-05-01T09:00+08:00",
    "2026-05-01T09:00:00+0800",
    "2026-05-01T09:00Z",
    "2026-05-01T24:00:00Z",
    "2026-05-01T23:59:60Z",
    "2026-02-30T09:00:00Z",
    "2028-02-29T09:00:00Z",
    "2100-02-29T09:00:00Z",
    "2026-04-31T09:00",
    "1999-12-31T23:00:00Z",
    "2101-01-01T00:00:00Z",
    "2026-05-01",
    "1700000000",
    1700000000,
    1.5,
]


@pytest.mark.parametrize(
    "kind, samples",
    [
        (
            "IsoDate",
            [
                "2026-05-01",
                "2028-02-29",
                "2100-02-29",
                "2026-04-31",
                "2000-01-01",
                "2100-12-31",
                "2028-02-29",
                "2026-02-29",
                "2026-02-30",
                "1999-12-31",
                "2101-01-01",
                "2026-5-1",
                "20260501",
                " 2026-05-01",
                "2026-05-01T00:00:00Z",
                "0",
                0,
                20260501,
                None,
            ],
        ),
        (
            "IsoDateTime",
            DATE_TIME_SAMPLES,
        ),
        ("CountyDateTime", DATE_TIME_SAMPLES),
        (
            "HoursIn",
            [
                0,
                1,
                1.5,
                0.3,
                998.9,
                999,
                999.0,
                999.5,
                1000,
                -1,
                407.73,
                0.30000000000000004,
                "1.5",
                "0",
                "999",
                "999.0",
                "999.5",
                "1.50",
                "1e2",
                " 1.5",
                "01.5",
                "-1",
                True,
                None,
            ],
        ),
    ],
)
def test_the_server_takes_exactly_what_the_document_allows(kind, samples):
    """For each shared request type, a value the documented schema allows is taken and one it
    refuses is refused: the two never disagree, in either direction (a fuzzer checks both)."""
    import jsonschema_rs
    from pydantic import TypeAdapter, ValidationError

    from lifelong.common import api as common

    adapter = TypeAdapter(getattr(common, kind))
    validator = jsonschema_rs.validator_for(adapter.json_schema(), validate_formats=True)
    disagree = []
    for sample in samples:
        try:
            adapter.validate_python(sample)
            taken = True
        except ValidationError:
            taken = False
        if taken != validator.is_valid(sample):
            disagree.append((sample, "taken" if taken else "refused"))
    assert disagree == []
