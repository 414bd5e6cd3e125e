"""The one SMS verification-code mechanism (accounts/codes.py): random 6 digits kept only as a
keyed hash, 10 minutes, one live code per number and purpose, one SMS a minute and 5 a day
per number, 5 wrong tries lock the code."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from lifelong.accounts import codes
from lifelong.accounts.choices import CodePurpose
from lifelong.accounts.models import PhoneCode, PhoneCodeQuota

PHONE = "13712345678"
RESET = CodePurpose.PASSWORD_RESET


def sent_code(outbox, phone: str = PHONE) -> str:
    return re.search(r"\b(\d{6})\b", [text for to, text in outbox if to == phone][-1]).group(1)


def send(phone: str = PHONE, purpose=RESET) -> None:
    codes.code_send(phone=phone, purpose=purpose, text=lambda code: f"code {code}")


def a_minute_passes(phone: str = PHONE) -> None:
    PhoneCodeQuota.objects.filter(phone=phone).update(last_sent_at=timezone.now() - timedelta(seconds=61))


def wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_a_code_is_six_random_digits_stored_only_as_a_keyed_hash(db, sms_outbox):
    send()
    code = sent_code(sms_outbox)
    assert re.fullmatch(r"\d{6}", code)
    row = PhoneCode.objects.get()
    assert code not in row.digest and len(row.digest) == 64
    assert row.expires_at - row.created_at == timedelta(minutes=10)
    # Nothing else holds it in clear either: the sent parameters go to the gateway only.
    assert all(code not in str(value) for value in PhoneCode.objects.values().get().values() if value)
    # The hash is keyed: the same code for another number or purpose hashes differently.
    assert codes._digest(PHONE, RESET, code) != codes._digest("13712345679", RESET, code)
    assert codes._digest(PHONE, RESET, code) != codes._digest(PHONE, CodePurpose.SIGN_UP, code)


def test_the_right_code_passes_once(db, sms_outbox):
    send()
    row = codes.code_check(phone=PHONE, purpose=RESET, code=sent_code(sms_outbox))
    codes.code_use(row=row)
    with pytest.raises(codes.InvalidCode):
        codes.code_check(phone=PHONE, purpose=RESET, code=sent_code(sms_outbox))


def test_a_code_expires_after_ten_minutes(db, sms_outbox):
    send()
    PhoneCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(codes.InvalidCode) as error:
        codes.code_check(phone=PHONE, purpose=RESET, code=sent_code(sms_outbox))
    assert error.value.status == 400 and error.value.code == "invalid_code"


def test_a_new_code_replaces_the_old_one(db, sms_outbox):
    send()
    first = sent_code(sms_outbox)
    a_minute_passes()
    send()
    second = sent_code(sms_outbox)
    assert PhoneCode.objects.count() == 1
    if first != second:  # one chance in a million they are equal
        with pytest.raises(codes.InvalidCode):
            codes.code_check(phone=PHONE, purpose=RESET, code=first)
    assert codes.code_check(phone=PHONE, purpose=RESET, code=second)


def test_codes_for_other_purposes_live_side_by_side_and_do_not_cross(db, sms_outbox):
    send(purpose=RESET)
    reset_code = sent_code(sms_outbox)
    a_minute_passes()
    send(purpose=CodePurpose.SIGN_UP)
    with pytest.raises(codes.InvalidCode):
        codes.code_check(phone=PHONE, purpose=CodePurpose.CLAIM, code=reset_code)
    assert codes.code_check(phone=PHONE, purpose=RESET, code=reset_code)


def test_five_wrong_tries_lock_the_code_even_for_the_right_one(db, sms_outbox):
    send()
    code = sent_code(sms_outbox)
    for _ in range(4):
        with pytest.raises(codes.InvalidCode):
            codes.code_check(phone=PHONE, purpose=RESET, code=wrong(code))
    # A right try does not count against the code: only wrong ones do.
    assert codes.code_check(phone=PHONE, purpose=RESET, code=code)
    assert PhoneCode.objects.get().attempts == 4
    with pytest.raises(codes.InvalidCode):
        codes.code_check(phone=PHONE, purpose=RESET, code=wrong(code))
    with pytest.raises(codes.InvalidCode):
        codes.code_check(phone=PHONE, purpose=RESET, code=code)
    assert codes.code_live(phone=PHONE, purpose=RESET) is None
    # A new code works again.
    a_minute_passes()
    send()
    assert codes.code_check(phone=PHONE, purpose=RESET, code=sent_code(sms_outbox))


def test_at_most_one_sms_a_minute_per_number(db, sms_outbox):
    send()
    with pytest.raises(codes.TooManyCodes) as error:
        send(purpose=CodePurpose.SIGN_UP)  # another purpose counts too: the limit is the number's
    assert error.value.status == 429 and error.value.code == "too_many_codes"
    assert "一分钟" in error.value.detail  # says when to try again (in Chinese, the default)
    assert len(sms_outbox) == 1
    send(phone="13712345679")  # another number is not held up
    a_minute_passes()
    send()
    assert len(sms_outbox) == 3


def test_at_most_five_sms_a_day_per_number_and_a_new_day_starts_afresh(db, sms_outbox):
    for _ in range(5):
        send()
        a_minute_passes()
    with pytest.raises(codes.TooManyCodes) as error:
        send()
    assert "明天" in error.value.detail
    with pytest.raises(codes.TooManyCodes):
        codes.message_send(phone=PHONE, text="a notice counts as well", template="account_exists", params={})
    assert len(sms_outbox) == 5
    PhoneCodeQuota.objects.update(day=timezone.localdate() - timedelta(days=1))
    send()
    assert len(sms_outbox) == 6
    assert PhoneCodeQuota.objects.get().sent_on_day == 1


def test_a_refused_send_keeps_the_live_code(db, sms_outbox):
    send()
    code = sent_code(sms_outbox)
    with pytest.raises(codes.TooManyCodes):
        send()
    assert codes.code_check(phone=PHONE, purpose=RESET, code=code)


def test_the_sms_names_the_code_template_and_its_parameter(db, monkeypatch):
    calls = []
    monkeypatch.setattr(codes, "send_sms", lambda phone, text, **kw: calls.append((phone, text, kw)))
    send()
    (phone, text, kw) = calls[0]
    assert kw["template"] == "code" and kw["params"]["code"] in text and phone == PHONE
