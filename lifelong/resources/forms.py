from django import forms
from django.utils.translation import gettext_lazy as _

from lifelong.activities.choices import Audience, Category

from .choices import ResourceKind, Visibility


class LibraryFilterForm(forms.Form):
    """The library's filters; anything unreadable is simply ignored (no error page)."""

    q = forms.CharField(label=_("Search"), max_length=50, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds")), *ResourceKind.choices], required=False)
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("All categories")), *Category.choices], required=False
    )
    audience = forms.ChoiceField(label=_("For"), choices=[("", _("Everyone")), *Audience.choices], required=False)
    region = forms.ModelChoiceField(
        label=_("Town"), queryset=None, required=False, to_field_name="code", empty_label=_("The whole county")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from lifelong.regions.models import Region

        self.fields["region"].queryset = Region.objects.filter(level="town").order_by("code")


class ResourceForm(forms.Form):
    """A resource's description; on a new one also its kind and its file or address. The file
    is checked by the service (content, kind, extension, size), not here."""

    institution = forms.ModelChoiceField(label=_("Publisher"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=ResourceKind.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    title_en = forms.CharField(label=_("English title"), max_length=160, required=False)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    audiences = forms.MultipleChoiceField(
        label=_("For"), choices=Audience.choices, widget=forms.CheckboxSelectMultiple, initial=[Audience.ALL]
    )
    hours = forms.DecimalField(
        label=_("Learning hours a learner gets for studying it (0: none)"),
        min_value=0,
        max_value=999,
        decimal_places=1,
        initial=0,
    )
    visibility = forms.ChoiceField(label=_("Who may see it"), choices=Visibility.choices, initial=Visibility.PUBLIC)
    url = forms.URLField(label=_("Address (links only)"), max_length=500, required=False, assume_scheme="https")
    file = forms.FileField(
        label=_("File (PDF, MP4/WebM video, MP3/M4A/OGG audio, PNG/JPEG image)"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.mp4,.m4v,.webm,.mp3,.m4a,.ogg,.oga,.opus,.png,.jpg,.jpeg"}
        ),
    )

    def __init__(self, *args, institutions, resource=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions
        if resource is None and len(institutions) == 1:  # most organizers work for one institution
            self.fields["institution"].initial = institutions[0].pk
        if resource is not None:
            # The kind is fixed once the resource exists: a new file must be of the same kind.
            del self.fields["kind"]
            if resource.is_file:
                del self.fields["url"]
                self.fields["file"].label = _("Replace the file (optional)")
                self.fields["file"].widget = forms.FileInput(attrs=self.fields["file"].widget.attrs)
            else:
                del self.fields["file"]
                self.fields["url"].required = True
                self.fields["url"].label = _("Address")

    def clean_url(self):
        url = self.cleaned_data.get("url") or ""
        if url and not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError(_("Only http:// and https:// addresses."))
        return url
