from django.apps import AppConfig


class PassportConfig(AppConfig):
    name = "lifelong.passport"
    label = "passport"

    def ready(self) -> None:
        # Its part in merging two records of one person (lifelong.accounts.merging): the
        # ledger, last, as it keeps the reversals of whatever entries the other steps keep.
        from lifelong.accounts.merging import register_merge_step

        from .merging import LedgerMergeStep

        register_merge_step("passport.ledger", LedgerMergeStep(), order=40)
