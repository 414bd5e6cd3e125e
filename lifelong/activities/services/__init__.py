"""Writes for activities, one module per topic:

- `access`: the refusal of anyone who does not manage the activity (`policy.may_manage_activities_of`);
- `activities`: creating an activity and changing its content;
- `editing`: changing an activity after it was created (`session_plan`: its sessions);
- `copying`: copy as a new draft;
- `workflow`: submit, publish, reject, cancel;
- `eligibility`: age, residence and a campaign's registration cap;
- `registration`: registering, cancelling, accepting an offer, approving, rejecting.

Below them, and run by the task worker too (these services queue it through
lifelong.activities.tasks), so outside this package: the seat rules (`lifelong.activities.seats`,
DESIGN §4), the waitlist (`lifelong.activities.waitlist`: a freed seat passed down the waitlist,
an offer that lapses) and the reminders (`lifelong.activities.reminders`: session reminders and
low-enrolment alerts).

Callers import the services from here (`from lifelong.activities import services`).
"""

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
from .editing import activity_update, session_update
from .eligibility import eligibility_problem
from .registration import (
    registration_approve,
    registration_cancel,
    registration_create,
    registration_offer_accept,
    registration_reject,
    registration_retire,
)
from .workflow import activity_cancel, activity_publish, activity_reject, activity_submit

__all__ = [
    "ACTIVITY_FIELDS",
    "CONTENT_FIELDS",
    "KEEP_VENUE",
    "_check_programme_and_team",
    "_check_venue",
    "_content_values",
    "_require_manager",
    "activity_cancel",
    "activity_copy",
    "activity_content_update",
    "activity_create",
    "activity_publish",
    "activity_reject",
    "activity_submit",
    "activity_update",
    "copy_offset",
    "eligibility_problem",
    "registration_approve",
    "registration_cancel",
    "registration_create",
    "registration_offer_accept",
    "registration_reject",
    "registration_retire",
    "session_update",
    "venue_capacity_check",
]
