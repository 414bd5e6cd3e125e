from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "lifelong.activities"
    label = "activities"

    def ready(self) -> None:
        # Its part in merging two records of one person (lifelong.accounts.merging).
        from lifelong.accounts.merging import register_merge_step

        from .merging import RegistrationsMergeStep

        register_merge_step("activities.registrations", RegistrationsMergeStep(), order=10)
