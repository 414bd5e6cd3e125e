"""Forms of the audit viewer: the filters (GET: no personal data in them) and the search for
an actor by name or phone (POST: a name or number never goes into a URL, DESIGN §4)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lifelong.common.choices import AuditAction
from lifelong.common.forms import posted_id

from .selectors import AuditFilters, audited_object_types


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=pgettext_lazy("audit log", "Action"), required=False)
    object_type = forms.ChoiceField(label=_("Kind of object"), required=False)
    object_id = forms.RegexField(
        label=_("Object number"),
        required=False,
        regex=r"^[A-Za-z0-9_-]{1,64}$",
        max_length=64,
        error_messages={"invalid": _("Enter the number shown for the object.")},
    )
    since = forms.DateField(label=_("First day"), required=False, widget=DateInput())
    until = forms.DateField(label=_("Last day"), required=False, widget=DateInput())
    actor = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None):
        super().__init__(data)
        self.fields["action"].choices = [("", _("All")), *AuditAction.choices]
        self.fields["object_type"].choices = [("", _("All")), *audited_object_types()]
        self.fields["object_id"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean_actor(self) -> int | None:
        raw = self.cleaned_data.get("actor") or ""
        if not raw:
            return None
        number = posted_id(raw)
        if not number:
            raise forms.ValidationError(_("This person is not known."))
        return number

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date comes before the start date."))
        return cleaned

    def filters(self) -> AuditFilters:
        """The filters the form holds; an invalid form filters by nothing it could not read."""
        self.is_valid()  # fills cleaned_data with the fields that could be read
        data = {key: value for key, value in self.cleaned_data.items() if key not in self.errors}
        return AuditFilters(
            actor_id=data.get("actor"),
            action=data.get("action") or "",
            object_type=data.get("object_type") or "",
            object_id=data.get("object_id") or "",
            since=data.get("since"),
            until=data.get("until"),
        )


class ActorSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or mobile number"), max_length=50)
