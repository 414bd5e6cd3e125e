"""Staff correct a learner's details: name, birth year, home village and mobile number.

Staff accounts are not corrected here (nor merged, see `merging`): `require_plain_learner`
is the one rule for both.
"""

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from lifelong.common.choices import AuditAction
from lifelong.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from lifelong.common.locking import short_lock_wait
from lifelong.common.masking import mask_phone
from lifelong.common.services import audit_record, full_clean_or_raise
from lifelong.regions.models import Region

from . import codes, policy
from .forms import latest_birth_year
from .models import User
from .phone import normalize_phone

EDITABLE_FIELDS = ("name", "birth_year", "home_region", "phone")


def require_plain_learner(learner: User) -> None:
    """Staff accounts are not corrected or merged here: changing a staff member's phone would
    hand their sign-in (and their role) to someone else."""
    if learner.is_superuser or learner.is_staff or learner.role_grants.exists():
        raise Forbidden(
            _("This is a staff account. Staff accounts cannot be changed or merged here."), code="staff_account"
        )
    if not learner.is_active:
        raise Conflict(_("This record was closed (merged into another one)."), code="inactive")


def _learner_in_scope(actor: User, learner_id: int, *, field_name: str | None = None) -> User:
    """The learner, locked, when the actor's admin scope covers their home village; else 404."""
    found = policy.restrict(
        actor, policy.Action.VIEW, User.objects.select_for_update(of=("self",)).filter(pk=learner_id)
    ).first()
    if found is None:
        raise NotFound(field=field_name)
    return found


def learner_update(*, actor: User, learner: User, request: HttpRequest | None = None, **fields: Any) -> User:
    """Staff whose scope covers the learner correct name, birth year, home village (one in
    their scope) and mobile number. Unknown fields, bad values and a number someone else uses
    are refused before anything changes; the change is audited with masked numbers. A new
    home village clears the confirmation of the old one (a family's relative is asked about
    again).

    Refusing a number someone else uses (409 `phone_taken`) tells whether it is registered
    anywhere, so a new number counts against the actor's allowance of number lookups
    (`codes.number_lookup_count`, 429 `throttled`), before the check and outside the
    transaction, so that a refused change still counts. Keeping the learner's own number
    counts nothing."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(_("These details cannot be changed here."), code="unknown_field", field=sorted(unknown)[0])
    if "phone" in fields:
        raw = str(fields["phone"] or "").strip()
        phone = normalize_phone(raw) if raw else None
        in_scope = policy.restrict(actor, policy.Action.VIEW, User.objects.filter(pk=learner.pk))
        if phone and not in_scope.filter(phone=phone).exists() and in_scope.exists():
            codes.number_lookup_count(actor=actor)
    return _learner_update(actor=actor, learner=learner, request=request, **fields)


@transaction.atomic
@short_lock_wait()
def _learner_update(*, actor: User, learner: User, request: HttpRequest | None = None, **fields: Any) -> User:
    current = _learner_in_scope(actor, learner.pk)
    require_plain_learner(current)
    before = {name: getattr(current, name) for name in ("name", "birth_year", "home_region_id", "phone")}
    if "name" in fields:
        name = str(fields["name"] or "").strip()
        if not name:
            raise InvalidInput(_("Enter the learner's name."), code="invalid", field="name")
        current.name = name
    if "birth_year" in fields:
        year = fields["birth_year"]
        if year is not None and (not isinstance(year, int) or not 1900 <= year <= latest_birth_year()):
            raise InvalidInput(_("Enter a plausible birth year."), code="invalid", field="birth_year")
        current.birth_year = year
    if "home_region" in fields:
        region = fields["home_region"]
        if not isinstance(region, Region) or not policy.covers(actor, region):
            raise NotFound(field="home_region")
        if region.level != "village":
            raise InvalidInput(
                _("A learner's home region is a village or community."), code="invalid_region", field="home_region"
            )
        current.home_region = region
    if "phone" in fields:
        raw = str(fields["phone"] or "").strip()
        phone = normalize_phone(raw) if raw else None
        if phone and User.objects.filter(phone=phone).exclude(pk=current.pk).exists():
            raise Conflict(_("Someone already uses this phone number."), code="phone_taken", field="phone")
        current.phone = phone
    after = {name: getattr(current, name) for name in before}
    changed = [name for name in before if before[name] != after[name]]
    if not changed:
        return current
    full_clean_or_raise(current)
    saved = [name.removesuffix("_id") for name in changed]
    if "home_region_id" in changed:
        # A confirmed (or declined) home was that village's; the new one is asked about afresh
        # (lifelong.accounts.residence). For learners never asked about it changes nothing.
        current.residence_confirmed_at = current.residence_confirmed_by = current.residence_declined_at = None
        saved += ["residence_confirmed_at", "residence_confirmed_by", "residence_declined_at"]
    current.save(update_fields=saved)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=current,
        summary="learner details",
        changes=_details_changes(before, after, changed),
        request=request,
    )
    return current


def _details_changes(before: dict[str, Any], after: dict[str, Any], changed: list[str]) -> dict[str, Any]:
    """What the audit records of a change of details: the fields, a phone masked, a home region
    by its code."""
    changes: dict[str, Any] = {"fields": [name.removesuffix("_id") for name in changed]}
    if "phone" in changed:  # masked: the audit log is a log too (DESIGN §4)
        changes["phone"] = [mask_phone(before["phone"]), mask_phone(after["phone"])]
    if "home_region_id" in changed:
        region_codes = dict(
            Region.objects.filter(pk__in=[before["home_region_id"], after["home_region_id"]]).values_list("pk", "code")
        )
        changes["home_region"] = [
            region_codes.get(before["home_region_id"]),
            region_codes.get(after["home_region_id"]),
        ]
    return changes
