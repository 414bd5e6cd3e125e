"""Which region an audit event belongs to, so that each admin sees their subtree's events.

An event belongs to its target's region, found by following the target's relations to a
region: a registry names the way for models where the first guess would be wrong, and every
other model is read by the relation names the domain uses (`region`, `home_region`,
`institution`, `activity`, ...), so a model added later is placed without registering it.
When the target has no region (a picture, a failed sign-in with no account), the actor's
region stands in.

A person's region is where they work when they hold a role, else where they live: a county
admin's sign-ins belong to the county, not to the village they happen to live in, so their
subordinates do not read their superior's trail. Roles belong to the accounts app, so it
registers that resolver (`lifelong.accounts.audit_log.regions`, from its `AppConfig.ready()`):
this module imports no app.

Only ids are read at the last step (`institution.region_id`), so resolving costs at most one
small query per relation not already loaded.
"""

from collections.abc import Callable

from django.core.exceptions import ObjectDoesNotExist
from django.db import models

# Relation names tried in order on a model that is not in REGION_RESOLVERS. A relation to a
# region ends the walk; any other relation is followed (at most MAX_DEPTH steps).
REGION_RELATIONS = (
    "region",
    "home_region",
    "host_region",
    "town",
    "institution",
    "venue",
    "session",
    "activity",
    "campaign",
    "programme",
    "team",
    "call",
    "nomination",
    "article",
    "resource",
    "completion",
    "learner",
    "user",
)
MAX_DEPTH = 4


def _region_id_of_region(region: models.Model) -> int | None:
    return region.pk


# Models whose region is not found by REGION_RELATIONS (or not the way one would guess).
# Apps add theirs from their AppConfig.ready() (accounts: a person, by their roles).
REGION_RESOLVERS: dict[str, Callable[[models.Model], int | None]] = {
    "regions.region": _region_id_of_region,
}


def _walk(obj: models.Model, depth: int) -> int | None:
    resolver = REGION_RESOLVERS.get(obj._meta.label_lower)
    if resolver is not None:
        return resolver(obj)
    if depth >= MAX_DEPTH:
        return None
    fields = {field.name: field for field in obj._meta.concrete_fields}
    for name in REGION_RELATIONS:
        field = fields.get(name)
        if not isinstance(field, models.ForeignKey):
            continue
        if field.related_model._meta.label_lower == "regions.region":
            region_id = getattr(obj, field.attname)
        else:
            if getattr(obj, field.attname) is None:
                continue
            try:
                related = getattr(obj, name)
            except ObjectDoesNotExist:
                continue
            region_id = _walk(related, depth + 1)
        if region_id is not None:
            return region_id
    return None


def region_id_for(*, target: models.Model | None, actor: models.Model | None) -> int | None:
    """The region an audit event about `target` by `actor` belongs to (None: nowhere known)."""
    if target is not None and target.pk is not None:
        region_id = _walk(target, 0)
        if region_id is not None:
            return region_id
    if actor is not None and getattr(actor, "pk", None):
        return _walk(actor, 0)  # a person: their resolver (registered by accounts)
    return None
