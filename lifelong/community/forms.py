from django import forms
from django.utils.translation import gettext_lazy as _

from lifelong.accounts.models import User
from lifelong.accounts.phone import normalize_phone
from lifelong.common.errors import InvalidInput
from lifelong.common.picture_forms import CoverFields
from lifelong.regions.models import Region

from .choices import Level, TeamKind
from .models import Programme, Team
from .services import PROGRAMME_FIELDS, TEAM_FIELDS


class ProgrammeFilterForm(forms.Form):
    """The programme list's filters; anything unreadable is ignored."""

    region = forms.ModelChoiceField(
        label=_("Town"), queryset=None, required=False, to_field_name="code", empty_label=_("The whole county")
    )
    level = forms.ChoiceField(label=_("Level"), choices=[("", _("Every level")), *Level.choices], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(level="town").order_by("code")


class TeamFilterForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("Town"), queryset=None, required=False, to_field_name="code", empty_label=_("The whole county")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Every kind")), *TeamKind.choices], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(level="town").order_by("code")


class ProgrammeForm(CoverFields, forms.ModelForm):
    """Town and institution choices are limited to the actor's scope by the view; the service
    checks scope again and is the authority on every rule."""

    class Meta:
        model = Programme
        fields = list(PROGRAMME_FIELDS)
        widgets = {"story": forms.Textarea(attrs={"rows": 5}), "story_en": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, towns, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = towns
        self.fields["institution"].queryset = institutions
        self.cover_setup(self.instance.cover if self.instance.pk else None)


class TeamForm(forms.ModelForm):
    """The leader is named by their full mobile number (staff never browse a list of people)."""

    leader_phone = forms.CharField(label=_("Leader's mobile number"), max_length=20)

    class Meta:
        model = Team
        fields = [f for f in TEAM_FIELDS if f != "leader"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, regions, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["institution"].queryset = institutions
        if self.instance.pk:
            self.fields["leader_phone"].initial = self.instance.leader.phone
        # Order: the leader right after the place.
        order = ["kind", "name", "name_en", "region", "institution", "leader_phone"]
        self.order_fields(order)

    def clean_leader_phone(self) -> User:
        try:
            phone = normalize_phone(self.cleaned_data["leader_phone"])
        except InvalidInput as error:
            raise forms.ValidationError(error.detail) from None
        leader = User.objects.filter(phone=phone, is_active=True).first()
        if leader is None:
            raise forms.ValidationError(_("No active account has this mobile number."))
        return leader
