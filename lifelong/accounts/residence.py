"""Village staff confirm where a relative lives.

A family member may add a relative without a phone (`services.managed_profile_create`) in any
village; that village is only their word. Until staff whose admin scope covers it confirm it,
activities for residents of a place do not accept the relative
(`lifelong.activities.services.eligibility_problem`, code `residence_unconfirmed`). Staff
confirm or decline with one button each; both are audited and the family member is told.
Which learners are asked about at all is `User.needs_residence_confirmation`.
"""

from django.db import transaction
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from lifelong.common.choices import AuditAction
from lifelong.common.errors import Conflict, NotFound
from lifelong.common.locking import short_lock_wait
from lifelong.common.services import audit_record
from lifelong.notifications.services import notify

from . import notices, policy
from .models import WITHOUT_PHONE, User
from .selectors import learner_list


def relatives_to_confirm(*, actor: User) -> QuerySet[User]:
    """Relatives whose home lies in the actor's admin scope and whose residence nobody has
    confirmed yet: those awaiting a decision first (oldest first), then those declined (a
    decision staff may still reverse). Each comes with the family member who added them."""
    return (
        learner_list(actor=actor)
        .filter(WITHOUT_PHONE, managed_by__isnull=False, is_active=True, residence_confirmed_at__isnull=True)
        .select_related("managed_by")
        .order_by(F("residence_declined_at").asc(nulls_first=True), "date_joined", "id")
    )


@transaction.atomic
@short_lock_wait()
def residence_decide(*, actor: User, learner_id: int, confirm: bool, request: HttpRequest | None = None) -> User:
    """Confirm (or decline) that a relative lives in their home village. Only staff whose
    admin scope covers that village find the relative (anyone else: 404). A learner who is
    not a family's relative answers 409 `not_a_relative`; the same decision twice 409
    `already_decided`. Confirming a declined relative, or declining a confirmed one, is a new
    decision. Audited; the family member is told after the commit."""
    current = policy.restrict(
        actor, policy.Action.VIEW, User.objects.select_for_update(of=("self",)).filter(pk=learner_id, is_active=True)
    ).first()
    if current is None:
        raise NotFound()
    if not current.needs_residence_confirmation:
        raise Conflict(
            _("Only a relative added by their family, without a phone of their own, needs their home confirmed."),
            code="not_a_relative",
        )
    if current.residence_status == ("confirmed" if confirm else "declined"):
        raise Conflict(_("This has already been decided."), code="already_decided")
    now = timezone.now()
    if confirm:
        current.residence_confirmed_at, current.residence_confirmed_by, current.residence_declined_at = now, actor, None
    else:
        current.residence_confirmed_at, current.residence_confirmed_by, current.residence_declined_at = None, None, now
    current.save(update_fields=["residence_confirmed_at", "residence_confirmed_by", "residence_declined_at"])
    decision = "confirmed" if confirm else "declined"
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=current,
        summary=f"residence {decision}",
        changes={"home_region": current.home_region.code if current.home_region else None},
        request=request,
    )
    _tell_family(current, confirm=confirm, when=now)
    return current


def _tell_family(relative: User, *, confirm: bool, when) -> None:
    kind = notices.RESIDENCE_CONFIRMED if confirm else notices.RESIDENCE_DECLINED
    notify(
        kind,
        activity_id=None,
        subject_ids=[relative.pk],  # a relative without a phone is told through their family member
        event=f"{kind}:{relative.pk}:{when.isoformat()}",
        region_id=relative.home_region_id,
    )
