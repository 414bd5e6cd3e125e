import copy
import html
import re
from datetime import date

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.utils.html import linebreaks
from django.utils.text import normalize_newlines
from django.utils.translation import gettext_lazy as _

from lifelong.common.forms import DateTimeLocalInput
from lifelong.common.picture_forms import COVER_FIELDS, CoverFields
from lifelong.community.models import Programme, Team
from lifelong.regions.models import Region

from .campaign_rules import campaigns_open_for_proposals
from .choices import Audience, Category
from .selectors import WHEN_COMING, WHEN_PAST
from .services import ACTIVITY_FIELDS

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

    # The activity being edited (None on the create form).
    stored = None

    def _clean_text(self, name: str) -> str:
        """The description as typed, in HTML. Sent back as the page showed it (a browser sends
        a text area's lines with CR LF, and may add or drop an edge's blank line), it is the
        stored value itself, so an unchanged description is no change (no audit, no "Saved.")."""
        posted = self.cleaned_data[name]
        if self.stored is not None:
            before = getattr(self.stored, name)
            if _same_text(posted, html_as_typed_text(before)):
                return before
        return typed_text_as_html(posted)

    def clean_description(self) -> str:
        return self._clean_text("description")

    def clean_description_en(self) -> str:
        return self._clean_text("description_en")


def _same_text(posted: str, shown: str) -> bool:
    return normalize_newlines(posted or "").strip() == normalize_newlines(shown or "").strip()


class ActivityContentForm(ActivityContentFields):
    """An existing activity's words, contact and cover (its console edit page)."""

    def __init__(self, *args, activity, **kwargs):
        super().__init__(*args, **kwargs)
        self.stored = activity
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
    residents_of = forms.ModelChoiceField(
        label=_("Only for residents of"),
        queryset=None,
        required=False,
        empty_label=_("Anyone may register"),
        help_text=_("A town takes in its villages and communities."),
    )
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
    # Shown only to an admin over the organizer: the service refuses it from anyone else.
    over_venue_capacity = forms.BooleanField(
        label=_("Allow more seats than the venue has (admins)"),
        required=False,
        help_text=_(
            "An activity may not take more people than its venue has seats. An admin over the organizer may "
            "allow more, only when the organizer has made room, for example with extra chairs; the log records it."
        ),
    )

    def __init__(self, *args, institutions, venues, may_override: bool = False, programmes=None, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_override:
            del self.fields["over_venue_capacity"]
        self.fields["institution"].queryset = institutions
        if len(institutions) == 1:  # most organizers work for one institution
            self.fields["institution"].initial = institutions[0].pk
        self.fields["venue"].queryset = venues
        self.fields["residents_of"].queryset = Region.objects.order_by("path")
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


# The service's fields that the edit page does not show as they are stored: the audiences as a
# list, the descriptions as typed text, the cover through its own fields.
SHOWN_OTHERWISE = ("audiences", "description", "description_en", "cover")


class ActivityEditForm(ActivityForm):
    """Everything an organizer set at creation, on the activity's edit page (the organizer
    institution stays). The current campaign, programme, team and venue stay choosable even
    when they would no longer be offered to a new activity. Admins over the organizer may allow
    more seats than the venue has."""

    def __init__(self, *args, activity, venues, may_override: bool, programmes=None, teams=None, **kwargs):
        own = type(activity.institution).objects.filter(pk=activity.institution_id)
        super().__init__(
            *args,
            institutions=own,
            venues=venues,
            may_override=may_override,
            programmes=programmes,
            teams=teams,
            **kwargs,
        )
        del self.fields["institution"]
        self.stored = activity
        for name, current in (
            ("venue", activity.venue_id),
            ("campaign", activity.campaign_id),
            ("programme", activity.programme_id),
            ("team", activity.team_id),
        ):
            field = self.fields[name]
            if current is not None:
                offered = field.queryset
                field.queryset = offered.model.objects.filter(Q(pk__in=offered.values("pk")) | Q(pk=current))
        self.activity = activity
        if not self.is_bound:
            # Every field the service takes, as stored; those shown otherwise are set below.
            self.initial = {name: getattr(activity, name) for name in ACTIVITY_FIELDS if name not in SHOWN_OTHERWISE}
            self.initial["audiences"] = activity.audience_list
            self.initial["description"] = html_as_typed_text(activity.description)
            self.initial["description_en"] = html_as_typed_text(activity.description_en)
        # The create form has no cover to remove; this one may.
        self.fields["cover_clear"] = copy.deepcopy(self.base_fields["cover_clear"])
        self.cover_setup(activity.cover)
        self.order_fields(["title", "title_en", *CONTENT_FIELD_ORDER])

    def _clean_window(self, name: str):
        # The page shows minutes: a time shown and sent back unchanged stays what it was.
        return same_minute(self.cleaned_data[name], getattr(self.activity, name))

    def clean_registration_opens(self):
        return self._clean_window("registration_opens")

    def clean_registration_closes(self):
        return self._clean_window("registration_closes")


def same_minute(posted, stored):
    """`stored` when `posted` is it as the page shows it (to the minute), else `posted`."""
    if posted is not None and stored is not None and posted == stored.replace(second=0, microsecond=0):
        return stored
    return posted


# The edit page's choice for a session whose place is not known yet (a session without a venue).
TO_BE_ANNOUNCED = "tba"


class _VenueChoices(ModelChoiceIterator):
    def __iter__(self):
        choices = super().__iter__()
        if self.field.empty_label is not None:
            yield next(choices)
        yield (TO_BE_ANNOUNCED, _("To be announced"))
        yield from choices

    def __len__(self):
        return super().__len__() + 1


class SessionVenueField(forms.ModelChoiceField):
    """A venue, "where the activity is held" (empty) or "to be announced" (`TO_BE_ANNOUNCED`):
    the last two differ, a session to be announced has no venue while the activity has one."""

    iterator = _VenueChoices

    def to_python(self, value):
        if value == TO_BE_ANNOUNCED:
            return TO_BE_ANNOUNCED
        return super().to_python(value)


class SessionEditForm(SessionForm):
    """One session on the edit page: a stored one carries its id (and may be removed), an empty
    row adds one when filled in."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    venue = SessionVenueField(
        label=_("Venue (if not the activity's)"),
        queryset=None,
        required=False,
        empty_label=_("Where the activity is held"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].help_text = _(
            "“Where the activity is held” follows the activity's venue; “To be announced” until the place is known."
        )
        self.fields["starts_at"].required = self.fields["ends_at"].required = False

    def clean(self):
        data = super().clean()
        filled = data.get("starts_at") and data.get("ends_at")
        if (data.get("id") or data.get("starts_at") or data.get("ends_at")) and not filled and not data.get("DELETE"):
            raise forms.ValidationError(_("Give the session's start and end."))
        if filled and data["ends_at"] <= data["starts_at"]:
            raise forms.ValidationError(_("A session ends after it starts."))
        return data


SessionEditFormSet = forms.formset_factory(
    SessionEditForm, extra=2, can_delete=True, max_num=200, validate_max=True, absolute_max=200
)


def sessions_shown(formset) -> set[int]:
    """The stored sessions the page showed (its rows' ids): `activity_update` removes only
    these when left out, so a session someone else added after the page was loaded stays."""
    return {row["id"] for row in formset.cleaned_data if row and row.get("id")}


def session_specs(formset, *, activity, activity_venue) -> list[dict]:
    """The edit page's session rows as `activity_update` takes them: stored sessions by id
    (a ticked "remove" leaves one out), filled new rows added, empty rows ignored. An empty
    venue is left out, so a session keeps its place (or follows the activity's venue), except
    for a session shown elsewhere: "where the activity is held" then sets `activity_venue` (the
    venue the page saves for the activity); "to be announced" is no venue. Times sent back as
    shown (to the minute) keep their stored seconds, so they are no change."""
    stored = {s.pk: s for s in activity.sessions.all()}
    specs = []
    for row in formset.cleaned_data:
        if not row or row.get("DELETE") or not (row.get("starts_at") and row.get("ends_at")):
            continue
        before = stored.get(row.get("id"))
        spec = {
            "id": row.get("id"),
            "starts_at": same_minute(row["starts_at"], before.starts_at if before else None),
            "ends_at": same_minute(row["ends_at"], before.ends_at if before else None),
        }
        if row.get("venue") == TO_BE_ANNOUNCED:
            spec["venue"] = None
        elif row.get("venue") is not None:
            spec["venue"] = row["venue"]
        elif before is not None and before.venue_id != activity.venue_id:
            spec["venue"] = activity_venue  # brought back to where the activity is held
        specs.append(spec)
    return specs


def session_initial(activity) -> list[dict]:
    """The stored sessions as the edit page's rows; a session held where the activity is shows
    an empty venue ("where the activity is held"), one without a venue while the activity has
    one "to be announced"."""

    def shown(session) -> int | str | None:
        if session.venue_id == activity.venue_id:
            return None
        return TO_BE_ANNOUNCED if session.venue_id is None else session.venue_id

    return [
        {"id": session.pk, "starts_at": session.starts_at, "ends_at": session.ends_at, "venue": shown(session)}
        for session in activity.sessions.order_by("starts_at", "id")
    ]


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class LearnerLookupForm(forms.Form):
    """Find a learner to register or check in: by name or by mobile number."""

    q = forms.CharField(label=_("Name or mobile number"), max_length=50)
