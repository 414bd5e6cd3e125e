import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from lifelong.accounts.models import User


def codes(password: str, user=None) -> set[str]:
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short7!", "password_too_short"),
        ("password123", "password_too_common"),
        ("woaini1314", "password_breached"),
        ("qq5201314", "password_breached"),
        ("zhang19500101", "password_breached"),
        ("2024010199", "password_entirely_numeric"),
        ("x" * 129, "password_too_long"),
    ],
)
def test_weak_passwords_are_refused(password, code):
    assert code in codes(password)


@pytest.mark.parametrize(
    "password",
    ["lifelong-demo", "eight8ch", "tea by the canal at dawn " * 2, "桂花开了去读书" + "!" * 2, "x" * 128],
)
def test_good_passwords_and_long_passphrases_are_accepted(password):
    assert codes(password) == set()


def test_a_password_containing_the_phone_number_is_refused():
    user = User(phone="13912345678", name="林")
    assert "password_breached" in codes("a13912345678", user)
