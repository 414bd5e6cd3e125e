from django import forms

from .models import Institution, Venue
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
