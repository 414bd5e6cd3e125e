"""Who may join an activity: age range, residence, and a campaign's cap on registrations."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lifelong.accounts.models import User
from lifelong.common.errors import Conflict, InvalidInput
from lifelong.regions.models import Region

from ..choices import ACTIVE_STATUSES, CampaignStatus
from ..models import Activity, Registration


def _age_in(year: int, learner: User) -> int | None:
    return None if learner.birth_year is None else year - learner.birth_year


def eligibility_problem(activity: Activity, learner: User) -> InvalidInput | None:
    """Why `learner` may not join `activity` (age range, residence), or None."""
    if activity.min_age is not None or activity.max_age is not None:
        first = activity.sessions.order_by("starts_at").values_list("starts_at", flat=True).first()
        age = _age_in((first or timezone.now()).year, learner)
        if age is None:
            return InvalidInput(
                _("This activity has an age limit; the learner's birth year is missing."), code="birth_year_unknown"
            )
        if (activity.min_age is not None and age < activity.min_age) or (
            activity.max_age is not None and age > activity.max_age
        ):
            return InvalidInput(_("The learner's age is outside this activity's age range."), code="ineligible_age")
    if activity.residents_of_id is not None:
        home: Region | None = learner.home_region
        if home is None or not activity.residents_of.contains(home):
            return InvalidInput(
                _("This activity is only for residents of %(region)s.")
                % {"region": activity.residents_of.display_name},
                code="ineligible_residence",
            )
        return _residence_unconfirmed(learner, home)
    return None


def _residence_unconfirmed(learner: User, home: Region) -> InvalidInput | None:
    """A relative a family member added counts as a resident once village staff confirmed
    their home (lifelong.accounts.residence); the words tell the family whom to ask."""
    status = learner.residence_status
    if status in ("not_needed", "confirmed"):
        return None
    values = {"name": learner.name, "village": home.display_name}
    if status == "declined":
        text = _(
            "Village staff could not confirm that %(name)s lives in %(village)s, so activities for its residents "
            "do not accept them. If they do live there, please ask the teaching point of %(village)s (village staff) "
            "to confirm it."
        )
    else:
        text = _(
            "Village staff have not yet confirmed that %(name)s lives in %(village)s. Please ask the teaching point "
            "of %(village)s (village staff) to confirm it, then register again."
        )
    return InvalidInput(text % values, code="residence_unconfirmed")


def _check_campaign_cap(activity: Activity, learner: User, *, family_member: User | None = None) -> None:
    """At most `registration_cap` active registrations in a campaign's programme (proposals
    not yet accepted are outside it).

    Counted per learner, except when `family_member` registers a relative they manage: then
    the family's registrations are counted together, the family member's own and those of
    every relative they manage (whoever made them), and that total must stay under the cap.
    A family member may add relatives of their own making, so counting each relative alone
    would let one person hold the cap once per invented relative; counted together, what one
    account can hold through its relatives is one cap's worth. The family member's own
    registration is counted like anyone's (their own registrations only): what staff or the
    relatives themselves register does not stop them learning, and staff registering a
    relative count that relative's registrations only, as for any villager.

    The rows counted over are locked first (the learner's; for a family, the family member's
    and the relative's, in id order so that no two requests wait on each other in a circle),
    so parallel requests for one learner or one family are counted one after the other, while
    other learners are not held up."""
    in_programme = activity.campaign_id and activity.campaign_status == CampaignStatus.ACCEPTED
    cap = activity.campaign.registration_cap if in_programme else None
    if cap is None:
        return
    locked = [learner.pk] if family_member is None else sorted({family_member.pk, learner.pk})
    list(User.objects.select_for_update().filter(pk__in=locked).order_by("pk").values_list("pk", flat=True))
    if family_member is None:
        whose = Q(learner=learner)
    else:
        whose = Q(learner=family_member) | Q(learner__managed_by=family_member)
    held = Registration.objects.filter(
        whose,
        activity__campaign_id=activity.campaign_id,
        activity__campaign_status=CampaignStatus.ACCEPTED,
        status__in=ACTIVE_STATUSES,
    ).count()
    if held >= cap:
        if family_member is not None:
            raise Conflict(
                _(
                    "Your family already holds %(n)d registrations in this campaign (yours and your relatives'), "
                    "the most allowed."
                )
                % {"n": cap},
                code="campaign_cap",
            )
        raise Conflict(
            _("The learner already holds %(n)d registrations in this campaign, the most allowed.") % {"n": cap},
            code="campaign_cap",
        )
