from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "lifelong.community"
    label = "community"

    def ready(self) -> None:
        # The scope rules of this app's models (lifelong.accounts.policy.restrict/can).
        from lifelong.accounts.policy import register_scope

        from . import policy
        from .models import Programme, Team

        register_scope(Programme, policy.programme_scope)
        register_scope(Team, policy.team_scope)

        # Its part in merging two records of one person (lifelong.accounts.merging).
        from lifelong.accounts.merging import register_merge_step

        from .merging import MembershipsMergeStep

        register_merge_step("community.memberships", MembershipsMergeStep(), order=20)

        # This app's kinds of notice (lifelong.notifications.registry).
        from . import notices  # noqa: F401 - registers them
