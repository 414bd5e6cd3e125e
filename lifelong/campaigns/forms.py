from django import forms
from django.utils.translation import gettext_lazy as _

from lifelong.common.picture_forms import CoverFields

from .models import Campaign
from .selectors import campaigns_open_for_proposals
from .services import CAMPAIGN_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"


class CampaignForm(CoverFields, forms.ModelForm):
    """Host-region choices are limited to the actor's towns and county by the view; the
    service checks scope again and is the authority on every rule."""

    class Meta:
        model = Campaign
        fields = list(CAMPAIGN_FIELDS)
        widgets = {"starts_on": DateInput(), "ends_on": DateInput(), "opening_event": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_region"].queryset = regions
        self.cover_setup(self.instance.cover if self.instance.pk else None)


class ProposalDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])


class ProposalForm(forms.Form):
    campaign = forms.ModelChoiceField(label=_("Propose for a campaign"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns_open_for_proposals()
