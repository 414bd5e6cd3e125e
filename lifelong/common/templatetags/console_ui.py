"""Template helpers of the staff console: which badge colour a status word wears.

The console shows many kinds of status (activities, registrations, campaign proposals,
articles, certificates, imports, honour calls); one table maps each stored value to one of the
status badge kinds of the design system (common/components/status_badge.html), so the same
meaning looks the same on every page. A value missing here falls back to the neutral "info".
"""

from django import template

register = template.Library()

# Green: it is on and working. Blue: someone has to act. Amber: waiting in line.
# Red: stopped or refused. Grey: over, kept for the record.
STATUS_KINDS = {
    # open (green)
    "published": "open",
    "confirmed": "open",
    "accepted": "open",
    "valid": "open",
    "done": "open",
    "awarded": "open",
    "open": "open",
    "active": "open",
    # pending (blue): waiting for a decision
    "submitted": "pending",
    "pending": "pending",
    "in_review": "pending",
    "proposed": "pending",
    "queued": "pending",
    "running": "pending",
    # waitlist (amber)
    "waitlisted": "waitlist",
    "offered": "waitlist",
    # full (red): refused, stopped, taken back
    "rejected": "full",
    "cancelled": "full",
    "revoked": "full",
    "declined": "full",
    "failed": "full",
    "withdrawn": "full",
    "not_awarded": "full",
    "inactive": "full",
    # closed / past (grey)
    "completed": "past",
    "archived": "past",
    "closed": "pending",  # an honour call closed for nominations is under review
    "finished": "past",
    "draft": "closed",
}


@register.filter
def status_kind(value: object) -> str:
    """The badge kind for a stored status value: `{{ activity.status|status_kind }}`."""
    return STATUS_KINDS.get(str(value), "info")
