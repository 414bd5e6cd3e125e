from django import forms
from django.utils.translation import gettext_lazy as _

from lifelong.activities.forms import DateTimeLocalInput
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


class VenueForm(forms.ModelForm):
    class Meta:
        model = Venue
        fields = list(VENUE_FIELDS)

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions


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
