from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from lifelong.accounts.choices import Role
from lifelong.common.forms import DateTimeLocalInput
from lifelong.common.picture_forms import CoverFields
from lifelong.regions.models import Region

from .models import Institution, Venue
from .selectors import HALL_KINDS
from .services import INSTITUTION_FIELDS, VENUE_FIELDS


class InstitutionForm(forms.ModelForm):
    """Region choices are limited to the actor's scope by the view; the service checks scope
    again and is the authority on every rule."""

    class Meta:
        model = Institution
        fields = list(INSTITUTION_FIELDS)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


def _coordinate_field(label, limit: int, help_text) -> forms.DecimalField:
    # No decimal-places limit here: a number copied from a map app (often 8 or more places)
    # is rounded to the stored 6 (about 10 cm) instead of being refused.
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=-limit,
        max_value=limit,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=help_text,
    )


class VenueForm(CoverFields, forms.ModelForm):
    latitude = _coordinate_field(_("Latitude"), 90, _("Decimal degrees north, e.g. 30.5262."))
    longitude = _coordinate_field(_("Longitude"), 180, _("Decimal degrees east, e.g. 120.9421."))

    class Meta:
        model = Venue
        fields = [name for name in VENUE_FIELDS if name != "cover"]
        widgets = {
            "transport_notes": forms.Textarea(attrs={"rows": 2}),
            "transport_notes_en": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions
        self.fields["transport_notes"].help_text = _("Bus lines and stops, parking, the entrance to use.")
        self.cover_setup(self.instance.cover if self.instance.pk else None)
        for name in ("latitude", "longitude"):  # 30.530000 reads as 30.53
            if not self.is_bound and getattr(self.instance, name) is not None:
                self.initial[name] = f"{getattr(self.instance, name).normalize():f}"

    def _rounded(self, name: str) -> Decimal | None:
        value = self.cleaned_data.get(name)
        return None if value is None else value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)

    def clean_latitude(self) -> Decimal | None:
        return self._rounded("latitude")

    def clean_longitude(self) -> Decimal | None:
        return self._rounded("longitude")

    def clean(self):
        data = super().clean()
        if ("latitude" in data and "longitude" in data) and (data["latitude"] is None) != (data["longitude"] is None):
            missing = "latitude" if data["latitude"] is None else "longitude"
            self.add_error(missing, _("Give both the latitude and the longitude, or neither."))
        return data


class HallFilterForm(forms.Form):
    """The /venues/ filters; anything unreadable is simply ignored (no error page)."""

    town = forms.ModelChoiceField(
        label=_("Town"), queryset=None, required=False, to_field_name="code", empty_label=_("The whole county")
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("All halls")), *[(k.value, k.label) for k in HALL_KINDS]],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = Region.objects.filter(level="town").order_by("code")


class BookingForm(forms.Form):
    """A booking made by hand in the console; the service decides every rule (length, clashes)."""

    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=DateTimeLocalInput(), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), widget=DateTimeLocalInput(), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=160)


class RoleGrantForm(forms.Form):
    """A staff role for the person registered with `phone`: at one of `regions` (admins,
    editors, reviewers) or at one of `institutions` (organizers, instructors), both limited to
    the actor's scope by the view."""

    phone = forms.CharField(label=_("Mobile number of the person"), max_length=20)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    region = forms.ModelChoiceField(
        label=_("Region (admins, editors, reviewers)"), required=False, queryset=Region.objects.none()
    )
    institution = forms.ModelChoiceField(
        label=_("Institution (organizers, instructors)"), required=False, queryset=Institution.objects.none()
    )

    def __init__(self, *args, regions, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["institution"].queryset = institutions
