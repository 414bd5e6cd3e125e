"""The activities API (DESIGN §5): catalogue, workflow, registrations and rosters.

One router (`lifelong.activities.api.router`, mounted by config.api), its endpoints in topic
modules: `activities`, `registrations`, `sessions`; `schemas` holds what the activity endpoints
read and answer, `base` what they all share.
"""

# Imported in this order, the routes are registered, and so listed in the document, in the order
# clients have always seen.
from . import activities, registrations, sessions
from .base import router

__all__ = ["activities", "registrations", "router", "sessions"]


def _keep_operation_ids() -> None:
    """Each operation keeps the id it had when this API was one module (django-ninja names an
    operation after its function's module): clients are generated from these ids."""
    for path_view in router.path_operations.values():
        for operation in path_view.operations:
            operation.operation_id = operation.operation_id or f"lifelong_activities_api_{operation.view_func.__name__}"


_keep_operation_ids()
