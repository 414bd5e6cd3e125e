from django import forms

from .models import Institution, Venue


class InstitutionForm(forms.ModelForm):
    """Region choices are limited to the actor's scope by the view; the service checks scope
    again and is the authority on every rule."""

    class Meta:
        model = Institution
        fields = ["kind", "name", "name_en", "region", "address", "contact_phone", "description", "is_active"]

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


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
