from datetime import datetime
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import AfterValidator, Field, GetJsonSchemaHandler, field_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from lifelong.common.api import ErrorOut, IdOut, InputSchema, PageQuery, paginate
from lifelong.common.errors import Forbidden, InvalidInput, NotFound
from lifelong.common.masking import mask_phone
from lifelong.regions.schemas import RegionRef
from lifelong.regions.selectors import region_get_by_code

from . import policy, residence, selectors, self_service, services
from .auth import BearerToken
from .forms import latest_birth_year

router = Router(tags=["accounts"])
bearer = BearerToken()


class _BirthYearRange:
    """The document gives a birth year in a request its range, 1900 to this year (read when the
    document is made, as `latest_birth_year` is when a year is checked): what the server takes."""

    def __get_pydantic_json_schema__(self, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        schema = handler(core_schema)
        schema.update(minimum=1900, maximum=latest_birth_year())
        return schema


BirthYear = Annotated[int, _BirthYearRange()]


def _not_in_the_future(year: int) -> int:
    if year > latest_birth_year():
        raise ValueError(_("A birth year cannot lie in the future."))
    return year


# A birth year the schema itself refuses out of range (422 `invalid` on the field). Sign-up keeps
# the plain BirthYear: its service answers its own code, `invalid_birth_year`.
CheckedBirthYear = Annotated[BirthYear, Field(ge=1900), AfterValidator(_not_in_the_future)]


class TokenIn(InputSchema):
    phone: str = Field(max_length=32)
    password: str = Field(max_length=256)
    otp: str | None = Field(None, max_length=8, description="TOTP code; required for staff accounts")


class TokenOut(Schema):
    token: str
    expires_at: datetime


@router.post(
    "/auth/token",
    response={200: TokenOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Exchange phone and password (and a TOTP code for staff) for a bearer token",
    description="The API acts only for a bearer token's owner, never for a browser session. Wrong phone or "
    "password: 401 `invalid_credentials`; staff without or with a wrong `otp`: 401 `otp_required` or "
    "`invalid_otp`; an account whose password staff set and that has not replaced it yet: 403 "
    "`password_change_required`; too many failures: 429 `locked` (even with the right password) for a while.",
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
    birth_year: CheckedBirthYear
    phone: str | None = Field(None, max_length=32)
    password: str | None = Field(None, max_length=256)


class LearnerOut(Schema):
    id: int
    name: str
    phone: str = Field(description="Masked")
    home_region: RegionRef | None
    birth_year: int | None
    managed_profile: bool
    residence: str = Field(
        description="not_needed, or for a relative a family member added: awaiting, confirmed or declined by "
        "village staff (activities for residents accept them once confirmed)"
    )

    @staticmethod
    def resolve_phone(user) -> str:
        return mask_phone(user.phone)

    @staticmethod
    def resolve_managed_profile(user) -> bool:
        return user.is_managed_profile

    @staticmethod
    def resolve_residence(user) -> str:
        return user.residence_status


class LearnerPage(Schema):
    items: list[LearnerOut]
    count: int


class LearnerSearchIn(InputSchema, PageQuery):
    """A search for people goes in the body, never in the URL (DESIGN §4): a URL ends up in
    access logs, proxies and browser history."""

    q: str = Field(min_length=1, max_length=50, description="Part of a name, or a whole mobile number")

    @field_validator("q")
    @classmethod
    def not_blank(cls, q: str) -> str:
        if not q.strip():
            raise ValueError(_("Enter part of a name or a whole mobile number."))
        return q.strip()


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


@router.get(
    "/learners",
    auth=bearer,
    response={200: LearnerPage, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Learners whose home is in the actor's scope",
    description="Every learner in scope, a page at a time. A name or number never goes in a URL: `q` here "
    "answers 422 `q_not_allowed`; search with `POST /api/v1/learners/search`.",
)
def learner_list(request, query: Query[PageQuery]):
    _require_staff(request)
    if "q" in request.GET:
        raise InvalidInput(
            _("Search for learners with POST /api/v1/learners/search: names and numbers never go in a URL."),
            code="q_not_allowed",
            field="q",
        )
    return paginate(selectors.learner_list(actor=request.user), query)


@router.post(
    "/learners/search",
    auth=bearer,
    response={200: LearnerPage, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Find learners in the actor's scope by name or mobile number",
    description="`{q, page, page_size}` in the body: learners whose name contains `q`, or whose number it is "
    "when `q` is a whole mobile number (spaces and +86 allowed), only in the actor's scope. The same page as "
    "`GET /api/v1/learners`, numbers masked.",
)
def learner_search(request, body: LearnerSearchIn):
    _require_staff(request)
    return paginate(selectors.learner_list(actor=request.user, query=body.q), body)


@router.get("/learners/{learner_id}", auth=bearer, response=LearnerOut)
def learner_detail(request, learner_id: int):
    learner = selectors.learner_get(actor=request.user, learner_id=learner_id)
    if learner is None:
        raise NotFound()
    return learner


# --- Where a family's relative lives (lifelong.accounts.residence) --------------------------------


class RelativeAwaitingOut(LearnerOut):
    family_member: str = Field(description="Name of the family member who added the relative")

    @staticmethod
    def resolve_family_member(user) -> str:
        return user.managed_by.name if user.managed_by_id else ""


class RelativeAwaitingPage(Schema):
    items: list[RelativeAwaitingOut]
    count: int


@router.get(
    "/residence-confirmations",
    auth=bearer,
    response={200: RelativeAwaitingPage, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Relatives in the actor's scope whose home village awaits confirmation",
    description="Relatives a family member added, without a phone of their own, living in the actor's admin "
    "scope, whose home nobody has confirmed: those awaiting a decision first, then those declined.",
)
def residence_queue(request, query: Query[PageQuery]):
    _require_staff(request)
    return paginate(residence.relatives_to_confirm(actor=request.user), query)


class ResidenceDecisionIn(InputSchema):
    decision: Literal["confirm", "decline"]


@router.post(
    "/learners/{learner_id}/residence-confirmation",
    auth=bearer,
    response={200: LearnerOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Staff confirm (or decline) that a family's relative lives in their home village",
    description="Staff whose admin scope covers the relative's village; anyone else's answer is 404. 409 "
    "`not_a_relative` for a learner whose home needs no confirmation, 409 `already_decided` for the same "
    "decision twice. The family member is told either way; audited.",
)
def residence_decision(request, learner_id: int, body: ResidenceDecisionIn):
    _require_staff(request)
    return residence.residence_decide(
        actor=request.user, learner_id=learner_id, confirm=body.decision == "confirm", request=request
    )


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


class RelativeOut(Schema):
    id: int
    name: str
    birth_year: int | None
    home_region: RegionRef | None
    own_account: bool = Field(description="The relative has since made the profile their own account")
    residence: str = Field(description="awaiting, confirmed or declined by village staff; not_needed once their own")

    @staticmethod
    def resolve_own_account(user) -> bool:
        return not user.is_managed_profile

    @staticmethod
    def resolve_residence(user) -> str:
        return user.residence_status


class RelativePage(Schema):
    items: list[RelativeOut]
    count: int


class RelativeIn(InputSchema):
    name: str = Field(min_length=1, max_length=50)
    birth_year: CheckedBirthYear
    home_region: str = Field(max_length=12, description="Code of the relative's village or community")


@router.get("/me/family", auth=bearer, response=RelativePage, summary="The relatives the signed-in learner manages")
def family_list(request, query: Query[PageQuery]):
    return paginate(selectors.managed_profiles(actor=request.user), query)


@router.post(
    "/me/family",
    auth=bearer,
    response={201: IdOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Add a relative without a phone, whom the signed-in learner then registers",
    description="At most `MANAGED_PROFILES_MAX` (5) relatives without a phone per learner: one more answers 422 "
    "`too_many_relatives`. 422 `invalid_region` when the code is not a village's; 404 for an unknown code. The "
    "relative's village awaits confirmation by its village staff before activities for residents accept them.",
)
def family_add(request, body: RelativeIn):
    home_region = region_get_by_code(body.home_region)
    if home_region is None:
        raise NotFound(field="home_region")
    relative = services.managed_profile_create(
        actor=request.user, name=body.name, birth_year=body.birth_year, home_region=home_region
    )
    return Status(201, {"id": relative.pk})


# --- Self-service: sign-up and password reset (DESIGN §5) ---------------------------------------


class PhoneIn(InputSchema):
    phone: str = Field(max_length=32)


class AcceptedOut(Schema):
    detail: str


class SignUpIn(InputSchema):
    phone: str = Field(max_length=32)
    code: str = Field(max_length=8, description="The 6-digit code sent by SMS")
    name: str = Field(min_length=1, max_length=50)
    birth_year: BirthYear = Field(description="1900 to this year; another answers 422 invalid_birth_year")
    home_region: str = Field(max_length=12, description="Code of the citizen's village or community")
    password: str = Field(max_length=256)


class PasswordResetConfirmIn(InputSchema):
    phone: str = Field(max_length=32)
    code: str = Field(max_length=8, description="The 6-digit code sent by SMS")
    new_password: str = Field(max_length=256)


@router.post(
    "/auth/signup/code",
    response={202: AcceptedOut, 422: ErrorOut, 429: ErrorOut, 503: ErrorOut},
    summary="Text a sign-up code to a mobile number",
    description=(
        "202 for every valid number: a number nobody uses gets a 6-digit code (valid 10 minutes), a "
        "registered one an SMS saying it already has an account. At most one SMS a minute and 5 a day per "
        "number, counted alike for both, and at most `SMS_CODES_PER_HOUR_ADDRESS` (30) an hour from one "
        "client address and `SMS_CODES_PER_DAY_SITE` (2000) a day for the whole site: 429 `too_many_codes`. "
        "503 `sms_unavailable` when the SMS gateway refused the message or did not answer (nothing is "
        "counted unless the message may have gone; ask again in a few minutes). 422 `invalid_phone`."
    ),
)
def signup_code(request, body: PhoneIn):
    self_service.signup_code_send(phone=body.phone, request=request)
    return Status(202, {"detail": _("If this number can be used, a code has been sent.")})


@router.post(
    "/auth/signup",
    response={201: IdOut, 400: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Create a citizen's own account with the sign-up code",
    description=(
        "400 `invalid_code` (wrong, expired, used, or locked after 5 wrong tries); 409 `phone_taken`; 422 "
        "`invalid_phone`, `invalid_name`, `invalid_birth_year`, `invalid_region` (a village's code is needed) "
        "or `weak_password`. A refused request creates nothing. Sign in afterwards with `POST /auth/token`."
    ),
)
def signup(request, body: SignUpIn):
    home_region = region_get_by_code(body.home_region)
    citizen = self_service.citizen_sign_up(
        phone=body.phone,
        code=body.code,
        name=body.name,
        birth_year=body.birth_year,
        home_region=home_region,
        password=body.password,
        request=request,
    )
    return Status(201, {"id": citizen.pk})


@router.post(
    "/auth/password-reset",
    response={202: AcceptedOut, 422: ErrorOut},
    summary="Text a password-reset code to a registered number",
    description=(
        "Always 202 with the same body, whether or not the number is registered, whether or not its "
        "limits (one SMS a minute and 5 a day per number, 30 an hour per client address, the site's daily "
        "total) allowed a message, and whether or not the SMS gateway then took it: the code is made and "
        "sent in the background. A registered number gets a 6-digit code, valid 10 minutes; a new code "
        "replaces the last. 422 `invalid_phone` for something that is not a mainland mobile number."
    ),
)
def password_reset(request, body: PhoneIn):
    self_service.password_reset_request(phone=body.phone, request=request)
    return Status(202, {"detail": _("If this number has an account, a code has been sent.")})


@router.post(
    "/auth/password-reset/confirm",
    response={200: AcceptedOut, 400: ErrorOut, 422: ErrorOut},
    summary="Set a new password with the reset code",
    description=(
        "200: the password is changed, and every API token and web session of the account ends. 400 "
        "`invalid_code` (wrong, expired, used, or locked after 5 wrong tries); 422 `weak_password` or "
        "`invalid_phone`; a refused request changes nothing."
    ),
)
def password_reset_confirm(request, body: PasswordResetConfirmIn):
    self_service.password_reset_confirm(
        phone=body.phone, code=body.code, new_password=body.new_password, request=request
    )
    return Status(200, {"detail": _("Your password has been changed; sign in with the new one.")})
