"""Password rules beyond Django's built-in validators (ASVS 6.2)."""

import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

MAX_PASSWORD_LENGTH = 128


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's own rule, said in words its Chinese catalogue has. Django 5.2 words the error
    with `%d` while its zh_Hans catalogue still holds the `%(min_length)d` wording, so a short
    password was refused in English on Chinese pages."""

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


class MaximumLengthValidator:
    """Allows long passphrases (ASVS asks for ≥ 64) while capping hashing cost."""

    def validate(self, password: str, user=None) -> None:
        if len(password) > MAX_PASSWORD_LENGTH:
            raise ValidationError(
                _("The password may have at most %(max)d characters.") % {"max": MAX_PASSWORD_LENGTH},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return _("At most %(max)d characters; a long passphrase is welcome.") % {"max": MAX_PASSWORD_LENGTH}


# Passwords that top the lists from breaches of Chinese sites and are not already refused by
# Django's CommonPasswordValidator (world-wide list) or NumericPasswordValidator (all digits).
CHINESE_BREACH_FAVOURITES = frozenset(
    [
        "woaini1314",
        "woaini520",
        "woaini123",
        "woaini521",
        "iloveyou1314",
        "aini1314",
        "aini520",
        "wo5201314",
        "woaini",
        "qq123456",
        "qq5201314",
        "qq666666",
        "qwe123456",
        "qaz123456",
        "asd123456",
        "zxc123456",
        "aa123456",
        "abc123456",
        "a123456789",
        "a12345678",
        "a1234567",
        "abc12345678",
        "abcd1234",
        "a5201314",
        "z123456789",
        "q1w2e3r4",
        "1q2w3e4r",
        "1qaz2wsx",
        "1qaz2wsx3edc",
        "qazwsx123",
        "qwertyuiop",
        "asdfghjkl",
        "zxcvbnm123",
        "wangyut2",
        "dearbook",
        "zhangwei123",
        "wangjing123",
        "liuyang123",
        "lilei123",
        "woshishui",
        "nihao123",
        "nihaoma",
        "zhongguo",
        "zhongguo123",
        "china123",
        "beijing123",
        "shanghai123",
        "haiyan123",
        "haiyan2019",
        "jiaxing123",
        "zhejiang123",
        "tiantian",
        "tiantian123",
        "xiaoxiao123",
        "huanghe123",
        "aaaaaaaa88",
        "password1314",
        "admin123456",
        "admin888",
        "admin8888",
        "caonima123",
        "hello1314",
        "love1314",
        "love5201314",
        "lovelove520",
        "iloveyou520",
    ]
)
# A letter prefix followed by a birth date or year (`zhang19500101`, `wang1950`).
NAME_AND_DATE = re.compile(r"^[a-z]{1,12}(19|20)\d{2}((0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01]))?$")


class BreachedPasswordValidator:
    """Refuses passwords that recur in breaches of Chinese sites, and the account's own phone.

    Checked offline (county intranets often have no internet) against the favourites above
    and the name-plus-birth-date pattern those breaches are full of.
    """

    def validate(self, password: str, user=None) -> None:
        candidate = password.strip().lower()
        phone = getattr(user, "phone", None) or ""
        if candidate in CHINESE_BREACH_FAVOURITES or NAME_AND_DATE.match(candidate) or (phone and phone in candidate):
            raise ValidationError(
                _("This password is known from breaches or too easy to guess. Choose another."),
                code="password_breached",
            )

    def get_help_text(self) -> str:
        return _("It must not be a password known from breaches, nor contain your phone number.")
