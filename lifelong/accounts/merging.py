"""Staff merge two records of one person (correcting one learner's details is in `learner_details`).

A merge moves everything that points at the record being removed to the record being kept.
The rows are found from Django's model registry (every foreign key and one-to-one field to the
user model, in every app), not from a hand-written list, so a model added later moves too. A
few links are treated apart, each for a stated reason (see `LINK_RULES`), and rows whose move
would break a unique rule are settled without losing any record:

- registrations: the stronger of two active ones stays active (confirmed > offered >
  waitlisted > pending); the other is cancelled (its seat freed and offered to the waitlist)
  and moves too, so the history of both is kept;
- team memberships: the stronger stays (member > asked to join); the other is ended and moves;
- anything else that would clash (two check-ins at one session, one resource studied twice,
  one notice delivered twice, a completion or honour held twice) stays with the removed
  record, together with the ledger entries it earned: nothing is lost and nothing counts twice.

The ledger is append-only (the ORM and database triggers refuse changes). Moving an entry to
its owner's other record changes no hours, points or dates, so the merge lifts the trigger
inside its own transaction for that one UPDATE; other connections never see it lifted (see
`_ledger_open_for_merge`).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from lifelong.common.choices import AuditAction
from lifelong.common.errors import Forbidden, InvalidInput, NotFound
from lifelong.common.services import audit_record
from lifelong.common.sms import mask_phone

from . import policy
from .learner_details import require_plain_learner
from .models import User

# How each link to the user model is treated in a merge, by "app_label.model.field". Every
# link not named here moves to the kept record (rows that would clash stay, see above).
HISTORY = "history"  # stays: who did what stays true in the logs
CREDENTIAL = "credential"  # deleted: a key to the removed account must not open the kept one
REFUSED = "refused"  # a merge is refused while such rows exist (checked before anything moves)
BALANCE = "balance"  # the ledger's running totals: moved by the amounts of the moved entries
LINK_RULES: dict[str, str] = {
    "common.auditevent.actor": HISTORY,
    "admin.logentry.user": HISTORY,
    "accounts.apitoken.user": CREDENTIAL,
    "accounts.phonecode.user": CREDENTIAL,  # an SMS code for the removed record's number
    "otp_totp.totpdevice.user": CREDENTIAL,
    # The secret address of a calendar feed: the kept record has (or makes) its own.
    "activities.calendarfeed.user": CREDENTIAL,
    "accounts.rolegrant.user": REFUSED,
    "passport.passportbalance.learner": BALANCE,
}
LEDGER_MODEL = "passport.learningrecord"

# Stronger registrations win a clash; a waitlisted one nearer the front beats one further back.
REGISTRATION_STRENGTH = {"confirmed": 4, "offered": 3, "waitlisted": 2, "pending": 1}
MEMBERSHIP_STRENGTH = {"member": 2, "requested": 1}


def link_key(model: type[models.Model], field: models.Field) -> str:
    return f"{model._meta.label_lower}.{field.name}"


def user_links() -> list[tuple[type[models.Model], models.Field]]:
    """Every (model, field) whose foreign key or one-to-one points at the user model, across
    all installed apps, many-to-many tables included."""
    links = []
    for model in apps.get_models(include_auto_created=True):
        for model_field in model._meta.get_fields():
            if (
                getattr(model_field, "concrete", False)
                and model_field.is_relation
                and (model_field.many_to_one or model_field.one_to_one)
                and model_field.related_model is User
            ):
                links.append((model, model_field))
    return links


def unique_sets(model: type[models.Model], model_field: models.Field) -> list[tuple[list[str], Q]]:
    """The unique rules of `model` that include `model_field`: (the other fields, condition)."""
    name = model_field.name
    rules: list[tuple[list[str], Q]] = []
    if model_field.unique or model_field.primary_key:
        rules.append(([], Q()))
    for together in model._meta.unique_together:
        if name in together:
            rules.append(([f for f in together if f != name], Q()))
    for constraint in model._meta.total_unique_constraints + [
        c for c in model._meta.constraints if isinstance(c, models.UniqueConstraint) and c.condition is not None
    ]:
        if constraint.expressions:
            raise TypeError(f"{model._meta.label}: a unique rule on expressions cannot be checked for a merge")
        if name in constraint.fields:
            rules.append(([f for f in constraint.fields if f != name], constraint.condition or Q()))
    return rules


def _clashing_ids(model: type[models.Model], model_field: models.Field, keep_id: int, remove_id: int) -> set:
    """Rows of `remove` whose move to `keep` would break one of the model's unique rules."""
    manager = model._base_manager
    clashing: set = set()
    for others, condition in unique_sets(model, model_field):
        theirs = manager.filter(condition, **{model_field.attname: remove_id})
        ours = manager.filter(condition, **{model_field.attname: keep_id})
        if others:
            theirs = theirs.filter(Exists(ours.filter(**{o: OuterRef(o) for o in others})))
        elif not ours.exists():
            continue
        clashing.update(theirs.values_list("pk", flat=True))
    return clashing


@contextmanager
def _ledger_open_for_merge() -> Iterator[None]:
    """Lift the ledger's append-only trigger for the rest of this transaction's merge step.

    PostgreSQL: ALTER TABLE … DISABLE TRIGGER is transactional and takes an exclusive lock on
    the table, so other connections wait and never see the trigger off; it is on again before
    commit. SQLite: the trigger is dropped and created again from its own stored SQL, inside
    the same transaction. There is no `finally`: when the merge fails, the rollback restores
    the trigger (DDL is transactional on both), and running DDL in a failed PostgreSQL
    transaction would only hide the real error."""
    table = apps.get_model(LEDGER_MODEL)._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal AND tgenabled <> 'D'",
                [table],
            )
            names = [row[0] for row in cursor.fetchall()]
            # ALTER TABLE refuses while the transaction has foreign-key checks waiting for
            # commit (Django's are deferred): run them now, and keep them immediate until the
            # trigger is back on, so none are left pending in between.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for name in names:
                cursor.execute(
                    f"ALTER TABLE {connection.ops.quote_name(table)} DISABLE TRIGGER {connection.ops.quote_name(name)}"
                )
            yield
            for name in names:
                cursor.execute(
                    f"ALTER TABLE {connection.ops.quote_name(table)} ENABLE TRIGGER {connection.ops.quote_name(name)}"
                )
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")
            yield
            for _name, sql in triggers:
                cursor.execute(sql)
        else:  # pragma: no cover - the suite runs on the two databases above
            yield


# --- Merging two records of one person ---------------------------------------------------------


@dataclass
class MergeResult:
    """What a merge did, per link ("app.model.field"): rows moved, rows that stayed with the
    removed record because the kept one already had their twin, credentials deleted, and
    duplicates that were retired (cancelled or ended) before they moved."""

    keep: User
    remove: User
    moved: dict[str, int] = field(default_factory=dict)
    stayed: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)
    retired: dict[str, int] = field(default_factory=dict)
    filled: list[str] = field(default_factory=list)
    # (kind of record, how many rows moved), for the message staff see.
    summary: list[tuple[str, int]] = field(default_factory=list)


def _rows_linked_to(user_id: int) -> dict[type[models.Model], set]:
    """The rows of each model that point at the person through any link that moves."""
    found: dict[type[models.Model], set] = {}
    by_model: dict[type[models.Model], Q] = {}
    for model, model_field in user_links():
        if LINK_RULES.get(link_key(model, model_field)) in (HISTORY, CREDENTIAL, BALANCE, REFUSED):
            continue
        by_model[model] = by_model.get(model, Q(pk__in=[])) | Q(**{model_field.attname: user_id})
    for model, q in by_model.items():
        pks = set(model._base_manager.filter(q).values_list("pk", flat=True))
        if pks:
            found[model] = pks
    return found


def _people_counts(rows: dict[type[models.Model], set]) -> list[tuple[str, int]]:
    """(kind of record, how many) for people, largest first: a registration the learner made
    for themselves is one registration, though two of its links point at them."""
    counts = [
        (str(model._meta.verbose_name if len(pks) == 1 else model._meta.verbose_name_plural), len(pks))
        for model, pks in rows.items()
        if pks
    ]
    return sorted(counts, key=lambda item: (-item[1], item[0]))


def merge_preview(*, learner: User) -> list[tuple[str, int]]:
    """What would move if `learner` were merged into another record: (kind, how many)."""
    return _people_counts(_rows_linked_to(learner.pk))


def _is_stronger_registration(a, b) -> bool:
    rank_a, rank_b = REGISTRATION_STRENGTH.get(a.status, 0), REGISTRATION_STRENGTH.get(b.status, 0)
    if rank_a != rank_b:
        return rank_a > rank_b
    if a.waitlist_position is not None and b.waitlist_position is not None:
        return a.waitlist_position < b.waitlist_position
    return (a.created_at, a.pk) < (b.created_at, b.pk)


def _settle_registrations(keep: User, remove: User, now) -> int:
    """Where both records hold an active registration for one activity, cancel the weaker
    (freeing its seat for the waitlist, as a cancellation does) so both can sit on `keep`.
    The learner is not told: they keep the stronger one."""
    from lifelong.activities.choices import ACTIVE_STATUSES
    from lifelong.activities.models import Registration
    from lifelong.activities.services import registration_retire

    active = (
        Registration.objects.select_for_update(of=("self",))
        .filter(status__in=ACTIVE_STATUSES)
        .select_related("activity")
    )
    theirs = {r.activity_id: r for r in active.filter(learner=remove)}
    if not theirs:
        return 0
    retired = 0
    for ours in active.filter(learner=keep, activity_id__in=list(theirs)).order_by("activity_id"):
        other = theirs[ours.activity_id]
        registration_retire(registration=other if _is_stronger_registration(ours, other) else ours, now=now)
        retired += 1
    return retired


def _settle_memberships(keep: User, remove: User, now) -> int:
    """Where both records are in one team (or asked to join), end the weaker membership."""
    from lifelong.community.choices import ACTIVE_MEMBERSHIP_STATUSES, MembershipStatus
    from lifelong.community.models import TeamMembership

    active = TeamMembership.objects.select_for_update().filter(status__in=ACTIVE_MEMBERSHIP_STATUSES)
    theirs = {m.team_id: m for m in active.filter(user=remove)}
    retired = 0
    for ours in active.filter(user=keep, team_id__in=list(theirs)).order_by("team_id"):
        other = theirs[ours.team_id]
        if MEMBERSHIP_STRENGTH[ours.status] != MEMBERSHIP_STRENGTH[other.status]:
            loser = other if MEMBERSHIP_STRENGTH[ours.status] > MEMBERSHIP_STRENGTH[other.status] else ours
        else:
            loser = other if (ours.requested_at, ours.pk) <= (other.requested_at, other.pk) else ours
        loser.status = MembershipStatus.LEFT
        loser.decided_at = now
        loser.save(update_fields=["status", "decided_at"])
        retired += 1
    return retired


def _staying_ledger_ids(remove: User, stays: dict[str, set]) -> set[int]:
    """Ledger entries that stay with `remove` because the check-in or resource study that
    earned them stays there (its twin is already on the kept record): moving them would count
    the same learning twice. Their reversals stay with them."""
    ledger = apps.get_model(LEDGER_MODEL)._base_manager.filter(learner_id=remove.pk)
    attendances = stays.get("activities.attendance.learner", set())
    studied = stays.get("resources.resourcestudy.learner", set())
    q = Q(pk__in=[])
    if attendances:
        q |= Q(attendance_id__in=attendances)
    if studied:
        resources = apps.get_model("resources.ResourceStudy")._base_manager.filter(pk__in=studied).values("resource_id")
        q |= Q(source="resource", resource_id__in=resources)
    staying = set(ledger.filter(q).values_list("pk", flat=True))
    if staying:
        staying |= set(ledger.filter(reverses_id__in=staying).values_list("pk", flat=True))
    return staying


def _refusal(actor: User, keep: User, remove: User) -> None:
    if keep.pk == remove.pk:
        raise InvalidInput(_("Choose two different records."), code="same_learner", field="remove")
    for learner in (keep, remove):
        require_plain_learner(learner)
    refused = [key for key, rule in LINK_RULES.items() if rule == REFUSED]
    for model, model_field in user_links():
        pair = {f"{model_field.attname}__in": [keep.pk, remove.pk]}
        if link_key(model, model_field) in refused and model._base_manager.filter(**pair).exists():
            raise Forbidden(
                _("This is a staff account. Staff accounts cannot be changed or merged here."),
                code="staff_account",
            )


def _balances_recount(learner_ids: list[int]) -> None:
    """Set the passport totals of both records to the sums of their entries. Called while the
    ledger is held for the merge (an exclusive table lock on PostgreSQL, the one writer on
    SQLite), so no entry can be written between the sum and the write."""
    from lifelong.passport.models import LearningRecord, PassportBalance

    for learner_id in learner_ids:
        sums = LearningRecord._base_manager.filter(learner_id=learner_id).aggregate(
            hours=Sum("hours"), points=Sum("points"), entries=Count("pk")
        )
        PassportBalance.objects.update_or_create(
            learner_id=learner_id,
            defaults={"hours": sums["hours"] or Decimal(0), "points": sums["points"] or 0, "entries": sums["entries"]},
        )


FILLED_FROM_REMOVED = ("birth_year", "home_region", "email", "preferred_language", "managed_by")


@transaction.atomic
def learner_merge(*, actor: User, keep: User, remove: User, request: HttpRequest | None = None) -> MergeResult:
    """Merge `remove` into `keep`: two records of one person, both in the actor's scope.

    Both user rows are locked (in id order, so two merges never deadlock). Every row that
    points at `remove` moves to `keep` (see the module docstring for clashes); empty details
    of `keep` are filled from `remove` (its phone and password too, when `keep` has no phone);
    `remove` is closed: inactive, no phone, no password, no tokens, so it can no longer sign
    in and its number can be used again. One audit event on `remove` names `keep` and counts
    what moved, per link."""
    ids = sorted({keep.pk, remove.pk})
    locked = {u.pk: u for u in User.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    scoped = set(
        policy.restrict(actor, policy.Action.VIEW, User.objects.filter(pk__in=ids)).values_list("pk", flat=True)
    )
    if keep.pk not in scoped:
        raise NotFound(field="keep")
    if remove.pk not in scoped:
        raise NotFound(field="remove")
    keep, remove = locked[keep.pk], locked[remove.pk]
    _refusal(actor, keep, remove)
    now = timezone.now()
    result = MergeResult(keep=keep, remove=remove)

    retired = _settle_registrations(keep, remove, now)
    if retired:
        result.retired["activities.registration.learner"] = retired
    retired = _settle_memberships(keep, remove, now)
    if retired:
        result.retired["community.teammembership.user"] = retired

    # First what stays (clashes), then the ledger, then everything else.
    linked_before = _rows_linked_to(remove.pk)
    links = user_links()
    stays: dict[str, set] = {}
    for model, model_field in links:
        key = link_key(model, model_field)
        if key in LINK_RULES:
            continue
        clashing = _clashing_ids(model, model_field, keep.pk, remove.pk)
        if clashing:
            stays[key] = clashing
    ledger = apps.get_model(LEDGER_MODEL)
    staying_entries = _staying_ledger_ids(remove, stays)
    if staying_entries:
        stays[f"{LEDGER_MODEL}.learner"] = staying_entries

    moved_entries = ledger._base_manager.filter(learner_id=remove.pk).exclude(pk__in=staying_entries)
    totals = moved_entries.aggregate(hours=Sum("hours"), points=Sum("points"), entries=Count("pk"))
    touches_ledger = any(
        ledger._base_manager.filter(**{f.attname: remove.pk}).exists() for m, f in links if m is ledger
    )

    def move_all() -> None:
        for model, model_field in links:
            key = link_key(model, model_field)
            rule = LINK_RULES.get(key)
            rows = model._base_manager.filter(**{model_field.attname: remove.pk})
            if rule in (HISTORY, BALANCE, REFUSED):
                continue
            if rule == CREDENTIAL:
                deleted, _per_model = rows.delete()
                if deleted:
                    result.deleted[key] = deleted
                continue
            staying = stays.get(key, set())
            if staying:
                result.stayed[key] = len(staying)
                rows = rows.exclude(pk__in=staying)
            # The base manager's plain QuerySet: the ledger's own manager refuses UPDATE, and
            # this is the one UPDATE it may take (see the module docstring).
            count = models.QuerySet.update(rows, **{model_field.attname: keep.pk})
            if count:
                result.moved[key] = count

    if touches_ledger:
        with _ledger_open_for_merge():
            move_all()
            _balances_recount([keep.pk, remove.pk])
    else:
        move_all()

    still_linked = _rows_linked_to(remove.pk)  # what stayed (clashes)
    result.summary = _people_counts(
        {model: pks - still_linked.get(model, set()) for model, pks in linked_before.items()}
    )

    # Fill what the kept record lacks, then close the removed one.
    keep.refresh_from_db()
    remove.refresh_from_db()
    keep_fields: list[str] = []
    if keep.managed_by_id == keep.pk:  # it was managed by the record now merged into it
        keep.managed_by = None
        keep_fields.append("managed_by")
    for name in FILLED_FROM_REMOVED:
        if (
            not getattr(keep, name)
            and getattr(remove, name)
            and not (name == "managed_by" and remove.managed_by_id == keep.pk)
        ):
            setattr(keep, name, getattr(remove, name))
            keep_fields.append(name)
    released_phone, removed_password = remove.phone, remove.password
    remove.is_active = False
    remove.phone = None
    remove.set_unusable_password()
    remove.save(update_fields=["is_active", "phone", "password"])
    if released_phone and not keep.phone:
        # The person goes on signing in with the number (and password) of the removed record.
        keep.phone = released_phone
        keep_fields.append("phone")
        if not keep.has_usable_password():
            keep.password = removed_password
            keep.must_change_password = remove.must_change_password
            keep_fields += ["password", "must_change_password"]
    if keep_fields:
        keep.save(update_fields=sorted(set(keep_fields)))
    result.filled = sorted(set(keep_fields))

    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=remove,
        summary="learner merged",
        request=request,
        changes={
            "merged_into": keep.pk,
            "moved": result.moved,
            "stayed": result.stayed,
            "retired": result.retired,
            "deleted": result.deleted,
            "filled": result.filled,
            "ledger": {
                "entries": totals["entries"],
                "hours": str(totals["hours"] or 0),
                "points": totals["points"] or 0,
            },
            "released_phone": mask_phone(released_phone) if released_phone else "",
        },
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=keep,
        summary="learner merged in",
        request=request,
        changes={"merged_from": remove.pk, "filled": result.filled},
    )
    return result
