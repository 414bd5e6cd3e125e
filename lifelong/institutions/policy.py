"""Who may see and act on institutions, their venues and venue bookings (the scope rules
registered with `lifelong.accounts.policy` from this app's `AppConfig.ready()`)."""

from django.db.models import Q

from lifelong.accounts.models import User
from lifelong.accounts.policy import Action, organized_institution_ids, own_institution_ids, subtree_q


def institution_scope(actor: User | None, action: Action) -> Q:
    """Admins over its region; its own organizers and instructors also see it."""
    q = subtree_q(actor, "region__path")
    if action is Action.VIEW:
        q |= Q(pk__in=own_institution_ids(actor))
    return q


def venue_scope(actor: User | None, action: Action) -> Q:
    """Admins over its institution; its institution's staff see it, and its organizers book it."""
    q = subtree_q(actor, "institution__region__path")
    if action is Action.VIEW:
        q |= Q(institution_id__in=own_institution_ids(actor))
    elif action is Action.BOOK:
        q |= Q(institution_id__in=organized_institution_ids(actor))
    return q


def venue_booking_scope(actor: User | None, action: Action) -> Q:
    """Seen and cancelled by whoever may book the venue: admins over it, its organizers."""
    return subtree_q(actor, "venue__institution__region__path") | Q(
        venue__institution_id__in=organized_institution_ids(actor)
    )
