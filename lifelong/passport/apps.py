from django.apps import AppConfig


class PassportConfig(AppConfig):
    name = "lifelong.passport"
    label = "passport"

    def ready(self) -> None:
        # The scope rules of this app's models (lifelong.accounts.policy.restrict/can).
        from lifelong.accounts.policy import register_scope

        from . import policy
        from .models import Certificate, LearningRecord, RecordImport

        register_scope(LearningRecord, policy.learning_record_scope)
        register_scope(Certificate, policy.certificate_scope)
        register_scope(RecordImport, policy.record_import_scope)

        # Its part in merging two records of one person (lifelong.accounts.merging): the
        # ledger, last, as it keeps the reversals of whatever entries the other steps keep.
        from lifelong.accounts.merging import register_merge_step

        from .merging import LedgerMergeStep

        register_merge_step("passport.ledger", LedgerMergeStep(), order=40)

        # The learning hours of each check-in, written in the check-in's own transaction.
        from lifelong.activities.signals import attendance_recorded

        from .receivers import credit_attendance

        attendance_recorded.connect(credit_attendance, dispatch_uid="passport.credit_attendance")

        # What a brand programme's page shows it achieved (lifelong.community.records).
        from lifelong.community.records import register_programme_figures

        from .selectors import programme_figures

        register_programme_figures(programme_figures)

        # This app's kinds of notice (lifelong.notifications.registry).
        from . import notices  # noqa: F401 - registers them
