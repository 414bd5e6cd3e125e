from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lifelong.regions.models import Region

from .choices import ImportKind


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), min_length=2, max_length=300)


class AdjustmentForm(forms.Form):
    hours = forms.DecimalField(label=_("Hours (negative to take hours away)"), max_digits=5, decimal_places=1)
    learned_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("What the hours are for"), max_length=200)
    reason = forms.CharField(label=_("Reason"), min_length=2, max_length=300)


class ImportForm(forms.Form):
    # Missing means learning records: what this form imported before residents could be.
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices, required=False)
    file = forms.FileField(label=_("File (CSV or XLSX)"))
    issuer = forms.CharField(
        label=_("Issued by"),
        max_length=120,
        required=False,
        help_text=_("Learning records only: the institution or credit bank they come from."),
    )

    def clean_kind(self) -> str:
        return self.cleaned_data.get("kind") or ImportKind.RECORDS

    def clean(self):
        data = super().clean()
        if data.get("kind") == ImportKind.RECORDS and not (data.get("issuer") or "").strip():
            self.add_error("issuer", _("Say who issued these records."))
        return data


class StarsForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), to_field_name="code")
    date_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        today = timezone.localdate()
        self.fields["date_from"].initial = today.replace(month=1, day=1)
        self.fields["date_to"].initial = today

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date comes before the start date."))
        return data
