from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "lifelong.activities"
    label = "activities"

    def ready(self) -> None:
        # The scope rules of this app's models (lifelong.accounts.policy.restrict/can).
        from lifelong.accounts.policy import register_scope

        from . import policy
        from .models import Activity

        register_scope(Activity, policy.activity_scope)

        # Its part in merging two records of one person (lifelong.accounts.merging).
        from lifelong.accounts.merging import register_merge_step

        from .merging import RegistrationsMergeStep

        register_merge_step("activities.registrations", RegistrationsMergeStep(), order=10)

        # What programme and team pages list of their activities (lifelong.community.records).
        from lifelong.community.records import register_activity_lists

        from .programmes import activity_lists

        register_activity_lists(activity_lists)

        # This app's kinds of notice (lifelong.notifications.registry).
        from . import notices  # noqa: F401 - registers them
