"""Mainland China mobile numbers: the one place that reads and checks them."""

import phonenumbers
from django.utils.translation import gettext_lazy as _

from lifelong.common.errors import InvalidInput


def normalize_phone(raw: str) -> str:
    """Return the 11-digit national form of a mainland mobile number.

    Accepts `+86`, `0086` or `86` prefixes, spaces, dashes and dots; raises `InvalidInput`
    (code `invalid_phone`) for anything that is not a mainland mobile number.
    """
    text = "".join(ch for ch in str(raw or "") if ch not in " -.()\u00a0\t")
    if text.startswith("0086"):
        text = "+86" + text[4:]
    elif text.startswith("86") and len(text) == 13:
        text = "+" + text
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        number = None
    if (
        number is None
        or number.country_code != 86
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in (phonenumbers.PhoneNumberType.MOBILE,)
    ):
        raise InvalidInput(_("Enter a valid mainland China mobile number."), code="invalid_phone", field="phone")
    return str(number.national_number)
