"""Resources' part in merging two records of one person (see `lifelong.accounts.merging`)."""

from lifelong.accounts.merging import Merge, MergeStep
from lifelong.passport.choices import RecordSource
from lifelong.passport.merging import LEDGER_LINK
from lifelong.passport.models import LearningRecord

from .models import ResourceStudy


class StudiesMergeStep(MergeStep):
    def staying(self, merge: Merge) -> dict[str, set]:
        """A resource studied on both records stays studied on the removed one (a learner
        studies a resource once), and so does the ledger entry the study wrote there: moving it
        would count the same learning twice."""
        studied = merge.stays.get("resources.resourcestudy.learner", set())
        if not studied:
            return {}
        resources = ResourceStudy._base_manager.filter(pk__in=studied).values("resource_id")
        entries = LearningRecord._base_manager.filter(
            learner_id=merge.remove.pk, source=RecordSource.RESOURCE, resource_id__in=resources
        )
        return {LEDGER_LINK: set(entries.values_list("pk", flat=True))}
