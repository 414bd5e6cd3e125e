"""Mainland China phone numbers, the one place that reads and checks them: mobile numbers that
people sign in with, and the numbers an activity gives to call."""

import phonenumbers
from django.utils.translation import gettext_lazy as _

from lifelong.common.errors import InvalidInput


def normalize_phone(raw: str) -> str:
    """Return the 11-digit national form of a mainland mobile number.

    Accepts `+86`, `0086` or `86` prefixes, spaces, dashes and dots; raises `InvalidInput`
    (code `invalid_phone`) for anything that is not a mainland mobile number.
    """
    text = _digits(raw)
    if text.startswith("0086"):
        text = "+86" + text[4:]
    elif text.startswith("86") and len(text) == 13:
        text = "+" + text
    number = _mainland_number(text, MOBILE)
    if number is None:
        raise InvalidInput(_("Enter a valid mainland China mobile number."), code="invalid_phone", field="phone")
    return str(number.national_number)


# A fixed-line number typed without its area code is a Haiyan (Jiaxing) one.
HOME_AREA_CODE = "0573"
MOBILE = {phonenumbers.PhoneNumberType.MOBILE}
CONTACT = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def normalize_contact_phone(raw: str) -> str:
    """A number to call about an activity: a mainland mobile number as 11 digits, or a
    fixed-line number as area code, dash and number (`0573-86121234`); empty stays empty.
    Raises `InvalidInput` (code `invalid_phone`, field `contact_phone`)."""
    text = _digits(raw)
    if not text:
        return ""
    if text.isdigit() and 7 <= len(text) <= 8 and text[0] not in "01":
        text = HOME_AREA_CODE + text
    number = _mainland_number(text, CONTACT)
    if number is None:
        raise InvalidInput(
            _("Enter a mainland mobile number or a landline with its area code, such as 0573-86121234."),
            code="invalid_phone",
            field="contact_phone",
        )
    national = str(number.national_number)
    area = phonenumbers.length_of_geographical_area_code(number)
    if area and number.national_number // 10**10 != 1:  # a landline: 0 + area code, dash, number
        return f"0{national[:area]}-{national[area:]}"
    return national


def _digits(raw: str) -> str:
    return "".join(ch for ch in str(raw or "") if ch not in " -.()\u00a0\t")


def _mainland_number(text: str, types: set) -> phonenumbers.PhoneNumber | None:
    """The parsed number when `text` is a valid mainland number of one of `types`, else None."""
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        return None
    return number if phonenumbers.number_type(number) in types else None
