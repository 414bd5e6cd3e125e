from datetime import datetime

from ninja import Query, Router, Schema, Status
from pydantic import Field, field_validator

from lifelong.common.api import ErrorOut, IdOut, InputSchema, PageQuery, paginate
from lifelong.common.errors import Forbidden, NotFound
from lifelong.common.sms import mask_phone
from lifelong.regions.api import RegionRef
from lifelong.regions.selectors import region_get_by_code

from . import policy, selectors, services
from .auth import BearerToken
from .forms import latest_birth_year

router = Router(tags=["accounts"])
bearer = BearerToken()


class TokenIn(InputSchema):
    phone: str = Field(max_length=32)
    password: str = Field(max_length=256)
    otp: str | None = Field(None, max_length=8, description="TOTP code; required for staff accounts")


class TokenOut(Schema):
    token: str
    expires_at: datetime


@router.post(
    "/auth/token",
    response={200: TokenOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Exchange phone and password (and a TOTP code for staff) for a bearer token",
)
def token(request, body: TokenIn):
    raw, expires_at = services.api_token_issue(request=request, phone=body.phone, password=body.password, otp=body.otp)
    return {"token": raw, "expires_at": expires_at}


@router.delete("/auth/token", auth=bearer, response={204: None}, summary="Revoke the token this request carries")
def token_revoke(request):
    services.api_token_revoke(user=request.user, raw_token=request.auth_token)
    return Status(204, None)


class LearnerIn(InputSchema):
    name: str = Field(min_length=1, max_length=50)
    home_region: str = Field(description="Code of the learner's village or community")
    birth_year: int = Field(ge=1900)
    phone: str | None = Field(None, max_length=32)
    password: str | None = Field(None, max_length=256)

    @field_validator("birth_year")
    @classmethod
    def not_in_the_future(cls, year: int) -> int:
        if year > latest_birth_year():
            raise ValueError("A birth year cannot lie in the future.")
        return year


class LearnerOut(Schema):
    id: int
    name: str
    phone: str = Field(description="Masked")
    home_region: RegionRef | None
    birth_year: int | None
    managed_profile: bool

    @staticmethod
    def resolve_phone(user) -> str:
        return mask_phone(user.phone)

    @staticmethod
    def resolve_managed_profile(user) -> bool:
        return user.is_managed_profile


class LearnerPage(Schema):
    items: list[LearnerOut]
    count: int


class LearnerQuery(PageQuery):
    q: str | None = Field(None, max_length=50)


def _require_staff(request) -> None:
    if not policy.is_staff_member(request.user):
        raise Forbidden(code="staff_only")


@router.post(
    "/learners",
    auth=bearer,
    response={201: IdOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Staff register a citizen whose home village is in their scope",
)
def learner_create(request, body: LearnerIn):
    _require_staff(request)
    home_region = region_get_by_code(body.home_region)
    if home_region is None:
        raise NotFound(field="home_region")
    learner = services.learner_register(
        actor=request.user,
        name=body.name,
        home_region=home_region,
        birth_year=body.birth_year,
        phone=body.phone,
        password=body.password,
        request=request,
    )
    return Status(201, {"id": learner.pk})


@router.get("/learners", auth=bearer, response=LearnerPage, summary="Learners whose home is in the actor's scope")
def learner_list(request, query: Query[LearnerQuery]):
    _require_staff(request)
    return paginate(selectors.learner_list(actor=request.user, query=query.q or ""), query)


@router.get("/learners/{learner_id}", auth=bearer, response=LearnerOut)
def learner_detail(request, learner_id: int):
    learner = selectors.learner_get(actor=request.user, learner_id=learner_id)
    if learner is None:
        raise NotFound()
    return learner


class RoleOut(Schema):
    role: str
    region: str | None
    institution: int | None

    @staticmethod
    def resolve_region(grant) -> str | None:
        return grant.scope_region.code

    @staticmethod
    def resolve_institution(grant) -> int | None:
        return grant.institution_id


class MeOut(Schema):
    id: int
    name: str
    phone: str
    home_region: RegionRef | None
    birth_year: int | None
    preferred_language: str
    elder_mode: bool
    roles: list[RoleOut]

    @staticmethod
    def resolve_phone(user) -> str:
        return user.phone or ""

    @staticmethod
    def resolve_roles(user) -> list:
        return policy.grants(user)


@router.get("/me", auth=bearer, response=MeOut, summary="The signed-in account")
def me(request):
    return request.user
