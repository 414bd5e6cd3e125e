"""Building blocks for tests about notices and SMS."""

import os

from lifelong.common.masking import mask_phone
from lifelong.notifications.models import SmsMessage, SmsStatus
from lifelong.notifications.sms import phone_digest


def sms_message(phone: str, status: SmsStatus, *, template: str, error_code: str = "") -> SmsMessage:
    """An SMS the provider took, stored as the gateway stores it (the number only as a digest
    and masked), with the status its receipt gave."""
    return SmsMessage.objects.create(
        provider="aliyun",
        template=template,
        phone_digest=phone_digest(phone),
        phone_masked=mask_phone(phone),
        out_id=os.urandom(8).hex(),
        status=status,
        error_code=error_code,
    )
