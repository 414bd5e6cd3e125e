"""The cover picture's inputs, shared by every console form that takes a cover (activities,
programmes, campaigns, venues). They only parse: lifelong.common.pictures checks the bytes
and is the authority."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Picture

PICTURE_TYPES = "image/jpeg,image/png,image/webp"
COVER_FIELDS = ("cover_upload", "cover_alt", "cover_clear")


class CoverInput(forms.FileInput):
    """A file input that shows the current cover above it, so an editor sees what they replace."""

    template_name = "common/components/cover_input.html"
    current: Picture | None = None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["current_cover"] = self.current
        return context


class CoverFields(forms.Form):
    """Mix into a form (plain or model form) and call `cover_setup(current)` in `__init__`."""

    cover_upload = forms.FileField(
        label=_("Cover picture"),
        required=False,
        # Not Django's clearable input (a link to the stored file): the current cover is shown
        # above the input and removed by the checkbox below.
        widget=CoverInput(attrs={"accept": PICTURE_TYPES}),
        help_text=_("A photo or picture (JPEG, PNG or WebP); it is resized for phones."),
    )
    cover_alt = forms.CharField(
        label=_("What the picture shows"),
        max_length=200,
        required=False,
        help_text=_("Read aloud to people who cannot see it, e.g. “Learners practising tai chi in the square”."),
    )
    cover_clear = forms.BooleanField(label=_("Remove the cover picture"), required=False)

    def cover_setup(self, current: Picture | None) -> None:
        if current is None:
            del self.fields["cover_clear"]
            return
        self.fields["cover_upload"].label = _("Replace the cover picture")
        self.fields["cover_upload"].widget.current = current
        if not self.is_bound:
            self.initial["cover_alt"] = current.alt

    def clean(self):
        data = super().clean()
        if data.get("cover_clear") and data.get("cover_upload"):
            self.add_error("cover_clear", _("Either remove the cover or upload a new one, not both."))
        return data
