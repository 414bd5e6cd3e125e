from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "lifelong.resources"
    label = "resources"

    def ready(self) -> None:
        # The scope rules of this app's models (lifelong.accounts.policy.restrict/can).
        from lifelong.accounts.policy import register_scope

        from . import policy
        from .models import Resource

        register_scope(Resource, policy.resource_scope)

        # Its part in merging two records of one person (lifelong.accounts.merging): the
        # ledger entries of a resource studied on both records, before the ledger's step.
        from lifelong.accounts.merging import register_merge_step

        from .merging import StudiesMergeStep

        register_merge_step("resources.studies", StudiesMergeStep(), order=30)
