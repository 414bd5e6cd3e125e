import html
import re
from datetime import date

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.html import linebreaks
from django.utils.translation import gettext_lazy as _

from lifelong.campaigns.selectors import campaigns_open_for_proposals
from lifelong.common.picture_forms import COVER_FIELDS, CoverFields
from lifelong.community.models import Programme, Team

from .choices import Audience, Category
from .selectors import WHEN_COMING, WHEN_PAST

# Days far outside the county's calendar are refused (and then ignored) rather than overflowing.
CATALOGUE_DAYS = [MinValueValidator(date(2000, 1, 1)), MaxValueValidator(date(2100, 12, 31))]


class CatalogueFilterForm(forms.Form):
    """The catalogue's search and filters. A value that cannot be read is left out (its field
    shows why) and the rest still apply; nothing here is ever an error page."""

    q = forms.CharField(
        label=_("Search"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. tai chi, calligraphy, smartphone")}),
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("All categories")), *Category.choices], required=False
    )
    audience = forms.ChoiceField(label=_("For"), choices=[("", _("Everyone")), *Audience.choices], required=False)
    region = forms.ModelChoiceField(
        label=_("Town"), queryset=None, required=False, to_field_name="code", empty_label=_("The whole county")
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=CATALOGUE_DAYS,
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=CATALOGUE_DAYS,
    )
    available = forms.BooleanField(label=_("Only ones I can still register for"), required=False)
    # Which list: still to come (the default) or the past ones; kept when searching.
    when = forms.ChoiceField(
        choices=[(WHEN_COMING, _("Upcoming")), (WHEN_PAST, _("Past"))], required=False, widget=forms.HiddenInput
    )

    # The fields behind the 筛选 / Filters button (the search box and the tabs stay outside).
    FILTERS = ("category", "audience", "region", "date_from", "date_to", "available")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")  # the labels stand above their fields, no colon needed
        super().__init__(*args, **kwargs)
        from lifelong.regions.models import Region

        self.fields["region"].queryset = Region.objects.filter(level="town").order_by("code")

    def values(self) -> dict:
        """The readable values (an empty dict for an empty query string)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data

    def active_filter_count(self) -> int:
        values = self.values()
        return sum(1 for name in self.FILTERS if values.get(name))

    def filter_fields(self):
        return [self[name] for name in self.FILTERS]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _datetime_field(label):
    return forms.DateTimeField(label=label, widget=DateTimeLocalInput(), input_formats=["%Y-%m-%dT%H:%M"])


def typed_text_as_html(value: str) -> str:
    """A text area without an editor: text without markup keeps its paragraphs and line
    breaks (escaped, so a stray "<" stays a character). Markup goes to the service's cleaner."""
    return linebreaks(value, autoescape=True) if value and "<" not in value else value


_PARAGRAPHS_ONLY = re.compile(r"(?:<p>|</p>|<br>|[^<&]|&(?:amp|quot|#x27|#39);)*")


def html_as_typed_text(value: str) -> str:
    """The reverse, to edit a description that holds nothing but paragraphs and line breaks
    as plain text again; anything richer (an escaped "<" included) is shown as its HTML."""
    if not value or not _PARAGRAPHS_ONLY.fullmatch(value):
        return value
    text = value.replace("</p>\n\n<p>", "\n\n").replace("</p><p>", "\n\n").replace("<br>", "\n")
    return html.unescape(text.removeprefix("<p>").removesuffix("</p>"))


# The words first, then the picture, as a learner reads the page.
CONTENT_FIELD_ORDER = ("summary", "description", "description_en", "contact_phone", *COVER_FIELDS)


class ActivityContentFields(CoverFields):
    """What an activity says about itself, on the create form and on its own edit page. The
    description is a plain text area (typed paragraphs are kept; HTML pasted from elsewhere is
    cleaned by the service)."""

    field_order = [*CONTENT_FIELD_ORDER]

    summary = forms.CharField(
        label=_("Summary"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One or two sentences shown in lists."),
    )
    description = forms.CharField(
        label=_("About the activity"),
        max_length=20_000,
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What learners will do, what to bring, who it suits. Leave an empty line between paragraphs."),
    )
    description_en = forms.CharField(
        label=_("About the activity, in English"),
        max_length=20_000,
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text=_("Mobile or landline (0573-…); when empty, learners see the organizer's number."),
    )

    def clean_description(self) -> str:
        return typed_text_as_html(self.cleaned_data["description"])

    def clean_description_en(self) -> str:
        return typed_text_as_html(self.cleaned_data["description_en"])


class ActivityContentForm(ActivityContentFields):
    """An existing activity's words, contact and cover (its console edit page)."""

    def __init__(self, *args, activity, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial = {
                "summary": activity.summary,
                "description": html_as_typed_text(activity.description),
                "description_en": html_as_typed_text(activity.description_en),
                "contact_phone": activity.contact_phone,
            }
        self.cover_setup(activity.cover)


class ActivityForm(ActivityContentFields):
    """A new activity and its first sessions (more rows than needed may stay empty)."""

    institution = forms.ModelChoiceField(label=_("Organizer"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=120)
    title_en = forms.CharField(label=_("English title"), max_length=160, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    audiences = forms.MultipleChoiceField(
        label=_("For"), choices=Audience.choices, widget=forms.CheckboxSelectMultiple, initial=[Audience.ALL]
    )
    venue = forms.ModelChoiceField(label=_("Venue"), queryset=None, required=False)
    capacity = forms.IntegerField(label=_("Seats"), min_value=1, max_value=100_000)
    reserved_offline = forms.IntegerField(
        label=_("Seats kept for offline registration"), min_value=0, max_value=100_000, initial=0
    )
    registration_opens = _datetime_field(_("Registration opens"))
    registration_closes = _datetime_field(_("Registration closes"))
    requires_approval = forms.BooleanField(label=_("Registrations need approval"), required=False)
    waitlist = forms.BooleanField(label=_("Waitlist when full"), required=False, initial=True)
    offer_hours = forms.IntegerField(
        label=_("Hours to accept a freed seat (0: give it at once)"), min_value=0, max_value=168, initial=24
    )
    hours = forms.DecimalField(
        label=_("Learning hours per session (0: the session's length)"),
        min_value=0,
        max_value=999,
        decimal_places=1,
        initial=0,
    )
    certificate = forms.BooleanField(label=_("Certificate on completion"), required=False)
    completion_share = forms.IntegerField(
        label=_("Share of sessions to attend for completion (%)"), min_value=1, max_value=100, initial=80
    )
    min_age = forms.IntegerField(label=_("Minimum age"), min_value=0, max_value=120, required=False)
    max_age = forms.IntegerField(label=_("Maximum age"), min_value=0, max_value=120, required=False)
    campaign = forms.ModelChoiceField(
        label=_("Propose for a campaign"),
        queryset=None,
        required=False,
        help_text=_("The campaign's admins decide whether it joins the campaign programme."),
    )
    programme = forms.ModelChoiceField(
        label=_("Brand programme"),
        queryset=None,
        required=False,
        help_text=_("One of the organizer's town, or one the organizer runs."),
    )
    team = forms.ModelChoiceField(
        label=_("Learning team"),
        queryset=None,
        required=False,
        help_text=_("A team in the organizer's area, or one you lead."),
    )

    def __init__(self, *args, institutions, venues, programmes=None, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions
        if len(institutions) == 1:  # most organizers work for one institution
            self.fields["institution"].initial = institutions[0].pk
        self.fields["venue"].queryset = venues
        self.fields["campaign"].queryset = campaigns_open_for_proposals()
        self.fields["programme"].queryset = programmes if programmes is not None else Programme.objects.none()
        self.fields["team"].queryset = teams if teams is not None else Team.objects.none()
        self.cover_setup(None)
        self.order_fields(["institution", "title", "title_en", *CONTENT_FIELD_ORDER])


class SessionForm(forms.Form):
    starts_at = _datetime_field(_("Starts"))
    ends_at = _datetime_field(_("Ends"))
    venue = forms.ModelChoiceField(label=_("Venue (if not the activity's)"), queryset=None, required=False)

    def __init__(self, *args, venues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = venues


SessionFormSet = forms.formset_factory(
    SessionForm, extra=3, min_num=1, validate_min=True, max_num=30, validate_max=True, absolute_max=30
)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class LearnerLookupForm(forms.Form):
    """Find a learner to register or check in: by name or by mobile number."""

    q = forms.CharField(label=_("Name or mobile number"), max_length=50)
