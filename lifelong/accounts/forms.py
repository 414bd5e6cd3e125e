from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from lifelong.regions.models import Region


class SignInForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "tel"}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class OneTimeCodeForm(forms.Form):
    otp = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class TwoFactorEnrolForm(OneTimeCodeForm):
    sms_code = forms.CharField(
        label=_("6-digit code we sent to your phone by SMS"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    field_order = ["sms_code", "otp"]


class PasswordChangeForm(forms.Form):
    current_password = forms.CharField(
        label=_("Current password"),
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("New password"),
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    confirm_password = forms.CharField(
        label=_("New password again"),
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password") != data.get("confirm_password"):
            raise forms.ValidationError(_("The two passwords differ."))
        return data


def latest_birth_year() -> int:
    """This year, read when asked: a process running over New Year must not keep last year's."""
    return timezone.localdate().year


class BirthYearField(forms.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(label=_("Birth year"), min_value=1900, **kwargs)

    def validate(self, value):
        super().validate(value)
        if value is not None and value > latest_birth_year():
            raise forms.ValidationError(_("A birth year cannot lie in the future."), code="max_value")


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return f"{obj.parent.display_name} · {obj.display_name}" if obj.parent_id else obj.display_name


class LearnerRegisterForm(forms.Form):
    """Staff register a villager; `home_region` choices are the villages in the actor's scope."""

    name = forms.CharField(label=_("Name"), max_length=50)
    home_region = VillageChoiceField(label=_("Home village or community"), queryset=Region.objects.none())
    birth_year = BirthYearField()
    phone = forms.CharField(
        label=_("Mobile number (leave empty if the person has none)"), max_length=20, required=False
    )
    password = forms.CharField(
        label=_("Initial password (changed at first sign-in)"),
        max_length=200,
        required=False,
        strip=False,
        widget=forms.PasswordInput,
    )

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_region"].queryset = villages


class ManagedProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    birth_year = BirthYearField()
    home_region = VillageChoiceField(label=_("Home village or community"), queryset=Region.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_region"].queryset = Region.objects.filter(level="village").select_related("parent")


class ContactEmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Email for notices"),
        required=False,
        max_length=254,
        help_text=_("Optional. Notices also go by SMS to your mobile number."),
    )


class LearnerSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or mobile number"), max_length=50, required=False)


# --- Self-service: sign-up, password reset, own account for a family profile ------------------


def _code_field() -> forms.CharField:
    return forms.CharField(
        label=_("6-digit code from the SMS"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


PASSWORD_RULE = _("At least 8 characters; a long passphrase is welcome. Common or leaked passwords are refused.")
PASSWORD_RETYPE = _("Please type the password again: for your safety it is cleared when the page comes back.")


def _new_password_field(label, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )


class NewPasswordMixin:
    """Two password fields that must agree; the first is named by `password_field` and
    carries the password rule as its help text (read before typing, and tied to the box)."""

    password_field = "password"  # noqa: S105 - a field name, not a password

    def add_error(self, field, error):
        super().add_error(field, error)
        # Password boxes always come back empty. After any error (a wrong code too, added by
        # the view), say so beside them: otherwise the next try fails on a "required" the
        # person never saw coming.
        if self.password_field in self.fields:
            # The bound field copies its help text when first made (validation makes it).
            self[self.password_field].help_text = format_lazy("{} {}", PASSWORD_RETYPE, PASSWORD_RULE)

    def clean(self):
        data = super().clean()
        if data.get(self.password_field) != data.get("confirm_password"):
            self.add_error("confirm_password", _("The two passwords differ."))
        return data


class TownVillageChoiceField(forms.ModelChoiceField):
    """Villages of the town chosen just above: named alone, since "Tongyuan Town · Fengyi
    Village" is cut to "Tongyuan Town · Fengy" in a phone's select box."""

    def label_from_instance(self, obj: Region) -> str:
        return obj.display_name


class SignUpDetailsForm(NewPasswordMixin, forms.Form):
    """The sign-up's second step. The home village is picked in two selects, town first:
    the village select holds only the chosen town's villages (htmx swaps it when the town
    changes; without scripts a button reloads the form with them)."""

    code = _code_field()
    name = forms.CharField(label=_("Name"), max_length=50)
    birth_year = BirthYearField()
    town = forms.ModelChoiceField(
        label=_("Town or subdistrict"),
        queryset=Region.objects.filter(level="town").order_by("code"),
        to_field_name="code",
        empty_label=_("Choose your town"),
    )
    home_region = TownVillageChoiceField(
        label=_("Home village or community"),
        queryset=Region.objects.none(),
        to_field_name="code",
        empty_label=_("Choose your village or community"),
    )
    password = _new_password_field(_("Password"), PASSWORD_RULE)
    confirm_password = _new_password_field(_("Password again"))

    def __init__(self, *args, town: Region | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if town is None and self.is_bound:
            town = Region.objects.filter(level="town", code=self.data.get("town") or "").first()
        self.chosen_town = town
        # htmx swaps in the chosen town's villages; without scripts the page's own button does.
        self.fields["town"].widget.attrs.update(
            {
                "hx-get": reverse("accounts:signup_villages"),
                "hx-trigger": "change",
                "hx-target": "#village-field",
                "hx-swap": "outerHTML",
                "hx-include": "this",
            }
        )
        if town is not None:
            self.fields["home_region"].queryset = (
                Region.objects.filter(level="village", parent=town).select_related("parent").order_by("code")
            )
        else:
            self.fields["home_region"].help_text = _("Choose your town first.")


class PasswordResetConfirmForm(NewPasswordMixin, forms.Form):
    password_field = "new_password"  # noqa: S105 - a field name, not a password

    code = _code_field()
    new_password = _new_password_field(_("New password"), PASSWORD_RULE)
    confirm_password = _new_password_field(_("New password again"))


class ClaimCompleteForm(NewPasswordMixin, forms.Form):
    """The relative, on the family member's phone: the code and their own password."""

    code = _code_field()
    password = _new_password_field(_("Password for the relative"), PASSWORD_RULE)
    confirm_password = _new_password_field(_("Password again"))

    def __init__(self, *args, relative_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if relative_name:  # on the family member's own phone, "whose password?" must be plain
            self.fields["password"].label = _("New password for %(name)s") % {"name": relative_name}


class OwnAccountForm(NewPasswordMixin, forms.Form):
    """The relative, on their own phone: the number, the code and a password."""

    phone = PhoneForm.base_fields["phone"]
    code = _code_field()
    password = _new_password_field(_("Password"), PASSWORD_RULE)
    confirm_password = _new_password_field(_("Password again"))
