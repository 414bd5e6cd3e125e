from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "lifelong.community"
    label = "community"

    def ready(self) -> None:
        # Its part in merging two records of one person (lifelong.accounts.merging).
        from lifelong.accounts.merging import register_merge_step

        from .merging import MembershipsMergeStep

        register_merge_step("community.memberships", MembershipsMergeStep(), order=20)
