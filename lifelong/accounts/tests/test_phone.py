import pytest

from lifelong.accounts.phone import normalize_phone
from lifelong.common.errors import InvalidInput


@pytest.mark.parametrize(
    "raw",
    [
        "13900000005",
        "+86 139 0000 0005",
        "+8613900000005",
        "0086 13900000005",
        "8613900000005",
        "139-0000-0005",
        " 139 0000 0005 ",
    ],
)
def test_mainland_mobile_numbers_normalise_to_eleven_digits(raw):
    assert normalize_phone(raw) == "13900000005"


@pytest.mark.parametrize(
    "raw",
    ["", "1390000000", "139000000055", "12900000005", "0573-86123456", "+1 415 555 0100", "abc", "+86 10 12345678"],
)
def test_anything_but_a_mainland_mobile_number_is_refused(raw):
    with pytest.raises(InvalidInput) as error:
        normalize_phone(raw)
    assert error.value.code == "invalid_phone"
