from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lifelong.community.choices import Level

from .choices import SCORE_MAX, SCORE_MIN, RecipientKind
from .models import YEARS


class RollFilterForm(forms.Form):
    """The honour roll's filters; anything unreadable is simply ignored."""

    level = forms.ChoiceField(label=_("Level"), choices=[("", _("All levels")), *Level.choices], required=False)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    kind = forms.ChoiceField(
        label=_("Recipient"), choices=[("", _("All recipients")), *RecipientKind.choices], required=False
    )

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years")), *((year, str(year)) for year in years)]


def _date(label):
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}))


class CallForm(forms.Form):
    """A new call for nominations in one of the actor's county or town regions."""

    region = forms.ModelChoiceField(label=_("County or town"), queryset=None, to_field_name="code")
    title = forms.CharField(label=_("Title of the honour"), max_length=200)
    title_en = forms.CharField(label=_("English title"), max_length=240, required=False)
    year = forms.IntegerField(label=_("Year"), validators=YEARS)
    awarding_body = forms.CharField(label=_("Awarded by"), max_length=200)
    awarding_body_en = forms.CharField(label=_("Awarded by (English)"), max_length=240, required=False)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )
    description_en = forms.CharField(
        label=_("Description in English"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )
    opens_on = _date(_("Nominations open"))
    closes_on = _date(_("Nominations close"))
    accepts = forms.MultipleChoiceField(
        label=_("Accepts nominations of"),
        choices=RecipientKind.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[RecipientKind.LEARNER],
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["opens_on"].initial = today

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("Nominations close on or after the day they open."))
        return data


class RecipientChoiceField(forms.ChoiceField):
    """One recipient from grouped choices; values are "<kind>:<id>" ("region:<code>")."""


def recipient_choices(groups: list[tuple[str, list]]) -> list:
    """[(kind, [objects])] → grouped choices for a <select> with one group per kind."""
    labels = dict(RecipientKind.choices)
    choices: list = [("", "---------")]
    for kind, objects in groups:
        if not objects:
            continue
        options = []
        for obj in objects:
            key = obj.code if kind == RecipientKind.REGION else obj.pk
            options.append((f"{kind}:{key}", _recipient_label(kind, obj)))
        choices.append((labels[kind], options))
    return choices


def _recipient_label(kind: str, obj) -> str:
    if kind == RecipientKind.LEARNER:
        home = obj.home_region
        return f"{obj.name} · {home.display_name}" if home else obj.name
    if kind == RecipientKind.REGION:
        return obj.display_name
    place = obj.town if kind == RecipientKind.PROGRAMME else obj.region
    return f"{obj.display_name} · {place.display_name}"


def split_recipient(value: str) -> tuple[str, str]:
    kind, _sep, key = (value or "").partition(":")
    return kind, key


class NominationForm(forms.Form):
    recipient = RecipientChoiceField(label=_("Nominee"))
    statement = forms.CharField(
        label=_("Statement"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_("Why the nominee deserves the honour: what they did, for whom, with what result."),
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].choices = choices


class ReviewForm(forms.Form):
    score = forms.IntegerField(
        label=_("Score (1–100)"),
        validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)],
        min_value=SCORE_MIN,
        max_value=SCORE_MAX,
    )
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )


class HonourRecordForm(forms.Form):
    """An honour received before or outside the platform."""

    recipient = RecipientChoiceField(label=_("Recipient"))
    title = forms.CharField(label=_("Title of the honour"), max_length=200)
    title_en = forms.CharField(label=_("English title"), max_length=240, required=False)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    year = forms.IntegerField(label=_("Year"), validators=YEARS)
    awarding_body = forms.CharField(label=_("Awarded by"), max_length=200)
    awarding_body_en = forms.CharField(label=_("Awarded by (English)"), max_length=240, required=False)
    citation = forms.CharField(
        label=_("Citation"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )
    citation_en = forms.CharField(
        label=_("Citation in English"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].choices = choices
