from django import forms

from .models import Institution, Venue


class InstitutionForm(forms.ModelForm):
    """Region choices are limited to the actor's scope by the view (and checked again by the service)."""

    class Meta:
        model = Institution
        fields = ["kind", "name", "name_en", "region", "address", "contact_phone", "description", "is_active"]

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions

    def validate_unique(self):
        """Uniqueness is checked by the service, which reports it as a field error."""


class VenueForm(forms.ModelForm):
    class Meta:
        model = Venue
        fields = [
            "institution",
            "name",
            "name_en",
            "capacity",
            "address",
            "accessibility_notes",
            "accessibility_notes_en",
            "is_active",
        ]

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions

    def validate_unique(self):
        """Uniqueness is checked by the service, which reports it as a field error."""
