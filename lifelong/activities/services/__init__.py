"""Writes for activities, one module per topic:

- `access`: the refusal of anyone who does not manage the activity (`policy.may_manage_activities_of`);
- `activities`: creating an activity and changing its content;
- `copying`: copy as a new draft;
- `workflow`: submit, publish, reject, cancel;
- `reminders`: session reminders and low-enrolment alerts, run by the task worker;
- `seats`: the seat rules (DESIGN §4): taking and freeing seats without overbooking;
- `eligibility`: age, residence and a campaign's registration cap;
- `registration`: registering, cancelling, accepting an offer, approving, rejecting;
- `waitlist`: a freed seat passed down the waitlist, an offer that lapses.

Callers import the services from here (`from lifelong.activities import services`).
"""

from typing import Any

from .access import _require_manager
from .activities import (
    ACTIVITY_FIELDS,
    CONTENT_FIELDS,
    KEEP_VENUE,
    _check_programme_and_team,
    _check_venue,
    _content_values,
    activity_content_update,
    activity_create,
    venue_capacity_check,
)
from .copying import activity_copy, copy_offset
from .eligibility import eligibility_problem
from .registration import (
    registration_approve,
    registration_cancel,
    registration_create,
    registration_offer_accept,
    registration_reject,
    registration_retire,
)
from .reminders import (
    LOW_ENROLMENT_LEAD,
    LOW_ENROLMENT_SHARE,
    REMINDER_LEAD,
    _schedule_reminder,
    low_enrolment_alert,
    session_remind,
)
from .seats import RaceWindowForTests
from .waitlist import PROMOTION_SCAN, _promote_from_waitlist, waitlist_offer_lapse
from .workflow import activity_cancel, activity_publish, activity_reject, activity_submit

__all__ = [
    "ACTIVITY_FIELDS",
    "CONTENT_FIELDS",
    "KEEP_VENUE",
    "LOW_ENROLMENT_LEAD",
    "LOW_ENROLMENT_SHARE",
    "PROMOTION_SCAN",
    "REMINDER_LEAD",
    "RaceWindowForTests",
    "_check_programme_and_team",
    "_check_venue",
    "_content_values",
    "_promote_from_waitlist",
    "_require_manager",
    "_schedule_reminder",
    "activity_cancel",
    "activity_copy",
    "activity_content_update",
    "activity_create",
    "activity_publish",
    "activity_reject",
    "activity_submit",
    "copy_offset",
    "eligibility_problem",
    "low_enrolment_alert",
    "registration_approve",
    "registration_cancel",
    "registration_create",
    "registration_offer_accept",
    "registration_reject",
    "registration_retire",
    "session_remind",
    "venue_capacity_check",
    "waitlist_offer_lapse",
]

# Edits after creation live in their own module (lifelong.activities.editing). They are part of
# the same service layer, so callers keep reaching them here; looked up on use, because `editing`
# builds on this package and either may be imported first.
EDITING_SERVICES = ("activity_update", "session_update")


def __getattr__(name: str) -> Any:
    if name in EDITING_SERVICES:
        from .. import editing

        return getattr(editing, name)
    raise AttributeError(name)
