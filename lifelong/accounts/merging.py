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

What only an app above accounts knows (how its duplicates are settled, which of its rows stay,
what its rows need around the move) is that app's merge step (`MergeStep`), registered from
its `AppConfig.ready()` with `register_merge_step`: `activities.merging` (registrations),
`community.merging` (team memberships), `resources.merging` (the ledger entries of a resource
studied on both records) and `passport.merging` (the ledger). The ledger is append-only (the
ORM and database triggers refuse changes); moving an entry to its owner's other record changes
no hours, points or dates, so the ledger's step lifts the trigger inside the merge's own
transaction for that one UPDATE, and sets both records' passport totals after it.
"""

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from lifelong.common.choices import AuditAction
from lifelong.common.errors import Forbidden, InvalidInput, NotFound
from lifelong.common.locking import short_lock_wait
from lifelong.common.masking import mask_phone
from lifelong.common.services import audit_record

from . import policy
from .learner_details import require_plain_learner
from .models import User

# How each link to the user model is treated in a merge, by "app_label.model.field". Every
# link not named here moves to the kept record (rows that would clash stay, see above). Apps
# above accounts name their own links in their merge step's `link_rules`.
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
    "accounts.rolegrant.user": REFUSED,
}


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


@dataclass
class Merge:
    """One merge under way, as the merge steps see it: the two records (both rows locked),
    the time it happens, the rows that stay with the removed record (by link, filled in as
    the clashes and the steps decide), and what the steps add to the merge's audit event."""

    keep: User
    remove: User
    now: datetime
    stays: dict[str, set] = field(default_factory=dict)
    audit: dict[str, object] = field(default_factory=dict)


class MergeStep:
    """One app's part in a merge, for what accounts cannot know about that app's rows.

    An app above accounts registers its step from its `AppConfig.ready()` with
    `register_merge_step`. Every hook runs inside the merge's transaction, with both user rows
    locked, step after step in their `order`; a step overrides only the hooks it needs."""

    # How the app's own links to the user model are treated (see `LINK_RULES`).
    link_rules: dict[str, str] = {}

    def settle(self, merge: Merge) -> dict[str, int]:
        """Before anything moves: retire the duplicates that cannot both sit on the kept record
        (cancel, end), so they can move with the rest. Returns how many, by link, for the audit."""
        return {}

    def staying(self, merge: Merge) -> dict[str, set]:
        """Once the rows that would clash are known (`merge.stays`): more rows that stay with
        the removed record because of them, by link."""
        return {}

    @contextmanager
    def moving(self, merge: Merge) -> Iterator[None]:
        """Around the move of every row to the kept record."""
        yield


_merge_steps: dict[str, tuple[int, MergeStep]] = {}


def register_merge_step(name: str, step: MergeStep, *, order: int) -> None:
    """Add an app's step to every merge; steps run by `order` (lowest first). Registering a
    name again replaces its step, so a second `ready()` (as in some test runners) is harmless."""
    for key, rule in step.link_rules.items():
        if LINK_RULES.get(key, rule) != rule:
            raise ValueError(f"{name}: {key} already has the merge rule {LINK_RULES[key]!r}")
        LINK_RULES[key] = rule
    _merge_steps[name] = (order, step)


def merge_steps() -> list[MergeStep]:
    """The registered steps in the order they run."""
    return [step for _order, step in sorted(_merge_steps.values(), key=lambda entry: entry[0])]


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


FILLED_FROM_REMOVED = ("birth_year", "home_region", "email", "preferred_language", "managed_by")


@transaction.atomic
@short_lock_wait()
def learner_merge(*, actor: User, keep: User, remove: User, request: HttpRequest | None = None) -> MergeResult:
    """Merge `remove` into `keep`: two records of one person, both in the actor's scope.

    Both user rows are locked (in id order, so two merges never deadlock). Every row that
    points at `remove` moves to `keep` (see the module docstring for clashes); empty details
    of `keep` are filled from `remove` (its phone and password too, when `keep` has no phone);
    `remove` is closed: inactive, no phone, no password, no tokens, so it can no longer sign
    in and its number can be used again. One audit event on `remove` names `keep` and counts
    what moved, per link."""
    keep, remove = _locked_pair(actor, keep, remove)
    result = MergeResult(keep=keep, remove=remove)
    merge = Merge(keep=keep, remove=remove, now=timezone.now())
    steps = merge_steps()

    for step in steps:
        result.retired.update({key: count for key, count in step.settle(merge).items() if count})

    # First what stays (clashes, and what the steps keep with them), then everything moves.
    linked_before = _rows_linked_to(remove.pk)
    links = user_links()
    _mark_staying(merge, steps, links)
    _move_links(merge, steps, links, result)

    still_linked = _rows_linked_to(remove.pk)  # what stayed (clashes)
    result.summary = _people_counts(
        {model: pks - still_linked.get(model, set()) for model, pks in linked_before.items()}
    )

    # Fill what the kept record lacks, then close the removed one.
    keep.refresh_from_db()
    remove.refresh_from_db()
    result.filled, released_phone = _fill_and_close(keep, remove)
    _audit_merge(actor, merge, result, released_phone=released_phone, request=request)
    return result


def _locked_pair(actor: User, keep: User, remove: User) -> tuple[User, User]:
    """Both user rows, locked in id order (two merges never deadlock); 404 for one outside the
    actor's scope, and the merge's refusals (`_refusal`)."""
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
    return keep, remove


def _mark_staying(merge: Merge, steps: list[MergeStep], links: list[tuple[type[models.Model], models.Field]]) -> None:
    """The rows that stay with the removed record: clashes, and what the steps keep with them."""
    for model, model_field in links:
        key = link_key(model, model_field)
        if key in LINK_RULES:
            continue
        clashing = _clashing_ids(model, model_field, merge.keep.pk, merge.remove.pk)
        if clashing:
            merge.stays[key] = clashing
    for step in steps:
        for key, staying in step.staying(merge).items():
            if staying:
                merge.stays.setdefault(key, set()).update(staying)


def _move_links(
    merge: Merge, steps: list[MergeStep], links: list[tuple[type[models.Model], models.Field]], result: MergeResult
) -> None:
    """Every other row pointing at the removed record moves to the kept one (credentials go),
    inside each step's `moving` context."""
    keep, remove = merge.keep, merge.remove
    with ExitStack() as around:
        for step in steps:
            around.enter_context(step.moving(merge))
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
            staying = merge.stays.get(key, set())
            if staying:
                result.stayed[key] = len(staying)
                rows = rows.exclude(pk__in=staying)
            # The base manager's plain QuerySet: the ledger's own manager refuses UPDATE, and
            # this is the one UPDATE it may take (see the module docstring).
            count = models.QuerySet.update(rows, **{model_field.attname: keep.pk})
            if count:
                result.moved[key] = count


def _fill_and_close(keep: User, remove: User) -> tuple[list[str], str | None]:
    """Fill the kept record's empty details from the removed one, then close the removed one;
    (the kept record's fields filled, the phone number the removed one gave up)."""
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
    return sorted(set(keep_fields)), released_phone


def _audit_merge(
    actor: User, merge: Merge, result: MergeResult, *, released_phone: str | None, request: HttpRequest | None
) -> None:
    """One event on the removed record naming the kept one and counting what moved, per link;
    one on the kept record."""
    keep, remove = merge.keep, merge.remove
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
            **merge.audit,  # the ledger's step: what the moved entries counted
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
