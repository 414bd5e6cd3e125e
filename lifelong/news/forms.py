"""The console's publishing forms. They parse input and offer scoped choices; every rule of
the workflow (who may, in which status, what a body may hold) is the services' to check."""

from zoneinfo import ZoneInfo

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import linebreaks
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lifelong.campaigns.models import Campaign
from lifelong.regions.models import Region

from .choices import Channel

# Release times are typed in county time, whatever the browser's own zone.
COUNTY_TIME = ZoneInfo("Asia/Shanghai")
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class RegionChoiceField(forms.ModelChoiceField):
    """Regions by name, villages with their town (two villages may share a name)."""

    def label_from_instance(self, obj: Region) -> str:
        if obj.level == "village" and obj.parent_id:
            return f"{obj.parent.display_name} · {obj.display_name}"
        return obj.display_name


class ArticleForm(forms.Form):
    """An article's words and where it belongs. `body` and `body_en` arrive as the editor's
    HTML (or typed text without JavaScript); the service cleans them before storing."""

    region = RegionChoiceField(label=_("For"), queryset=Region.objects.none(), to_field_name="code")
    # "Channel" alone is also a registration channel (online, proxy, on site).
    channel = forms.ChoiceField(label=pgettext_lazy("news", "Channel"), choices=Channel.choices, initial=Channel.NEWS)
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.none(), required=False, empty_label=_("None")
    )
    title = forms.CharField(label=_("Title"), max_length=160)
    title_en = forms.CharField(label=_("English title"), max_length=200, required=False)
    summary = forms.CharField(
        label=_("Summary"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    summary_en = forms.CharField(
        label=_("Summary in English"), max_length=700, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    source = forms.CharField(
        label=_("Source"), max_length=120, help_text=_("Who reports it, as printed under the title.")
    )
    source_en = forms.CharField(label=_("Source in English"), max_length=160, required=False)
    body = forms.CharField(
        label=_("Text"), max_length=200_000, strip=False, widget=forms.Textarea(attrs={"rows": 12, "data-richtext": ""})
    )
    body_en = forms.CharField(
        label=_("Text in English"),
        max_length=200_000,
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "data-richtext": ""}),
    )

    def __init__(self, *args, regions: QuerySet[Region], campaigns: QuerySet[Campaign], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["campaign"].queryset = campaigns
        if len(regions) == 1:  # most editors write for one town
            self.fields["region"].initial = regions[0].code

    @staticmethod
    def _typed_text_as_html(value: str) -> str:
        """Without JavaScript the body is a plain text area: text without any markup keeps its
        paragraphs and line breaks (escaped, so a stray "<" stays a character)."""
        return linebreaks(value, autoescape=True) if value and "<" not in value else value

    def clean_body(self) -> str:
        return self._typed_text_as_html(self.cleaned_data["body"])

    def clean_body_en(self) -> str:
        return self._typed_text_as_html(self.cleaned_data["body_en"])


class ReturnForm(forms.Form):
    # Required by the service (its message is the one shown); the browser asks for it too.
    comment = forms.CharField(
        label=_("What should change"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "required": True}),
    )


class PublishForm(forms.Form):
    """Publish now (the `now` button), or at the release time given (in county time).
    `revision` is the version of the words the page showed: the service refuses to publish
    if they have changed since."""

    release_at = forms.DateTimeField(
        label=_("Release at (county time)"),
        required=False,
        input_formats=[DATETIME_LOCAL],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    revision = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, now: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now

    def clean_release_at(self):
        value = self.cleaned_data.get("release_at")
        if self.now:
            return None
        if value is None:
            raise forms.ValidationError(_("Give the release time, or publish now."), code="required")
        # Django made it aware in the active time zone; the county's clock is what was meant.
        return timezone.make_aware(timezone.make_naive(value), COUNTY_TIME)


class CorrectionApproveForm(forms.Form):
    """`version` is the version of the correction the page showed: the service refuses to
    approve it if it has changed since."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class CorrectionRejectForm(forms.Form):
    # Required by the service (its message is the one shown); the browser asks for it too.
    reason = forms.CharField(
        label=_("Why it is not approved"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "required": True}),
    )
