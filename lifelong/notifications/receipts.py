"""Delivery receipts from the SMS provider: the service that records them and the address
the provider posts them to.

Alibaba Cloud pushes its SmsReport receipts ("HTTP batch push") as a POST of a JSON array,
each element `{"phone_number", "send_time", "report_time", "success", "err_code", "err_msg",
"sms_size", "biz_id", "out_id"}`, and expects `{"code": 0, "msg": ...}` with HTTP 200; any other
status makes it push again (after 1, 5 and 10 minutes). It does not promise to send a receipt
only once. https://help.aliyun.com/document_detail/101867.html

The provider cannot sign its pushes or send a header we choose, so the address carries a secret
(SMS_RECEIPT_TOKEN, compared in constant time); without it, or with a wrong one, the address
answers 404 like any unknown page. The view and its one service share this module because
nothing else uses either.
"""

import json
import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponseNotAllowed, JsonResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from lifelong.common.errors import InvalidInput

from .models import SmsMessage, SmsStatus

logger = logging.getLogger(__name__)

# The provider writes its times as Beijing wall-clock time ("2017-01-01 00:00:00").
PROVIDER_TIME_ZONE = ZoneInfo("Asia/Shanghai")
MAX_REPORTS = 1000


def sms_receipts_record(*, reports: object, provider: str = "aliyun") -> tuple[int, int]:
    """Record a batch of delivery receipts: each found message becomes `delivered` or `failed`
    (with the receipt's error code). Messages are found by the provider's BizId, or by our OutId
    when the send itself timed out and left no BizId. A receipt older than the one already
    recorded changes nothing, so repeated or reordered pushes are harmless; receipts for
    messages this site did not send are counted and ignored.

    Raises `InvalidInput` (`invalid_receipt`) if the batch is not a list of receipts, and then
    records none of it. Returns (recorded, unknown)."""
    if not isinstance(reports, list) or not reports or len(reports) > MAX_REPORTS:
        raise InvalidInput(_("Expected a list of delivery receipts."), code="invalid_receipt")
    parsed = [_parse(report) for report in reports]
    recorded = unknown = 0
    with transaction.atomic():
        for biz_id, out_id, delivered, error_code, reported_at in parsed:
            # Never match on an empty value: every message still waiting has an empty BizId.
            keys = [Q(**{field: value}) for field, value in (("biz_id", biz_id), ("out_id", out_id)) if value]
            match = keys[0] if len(keys) == 1 else keys[0] | keys[1]
            message = SmsMessage.objects.select_for_update().filter(match, provider=provider).first()
            if message is None:
                unknown += 1
                continue
            recorded += 1
            if message.reported_at and message.reported_at > reported_at:
                continue
            message.status = SmsStatus.DELIVERED if delivered else SmsStatus.FAILED
            message.error_code = "" if delivered else error_code
            message.reported_at = reported_at
            message.biz_id = message.biz_id or biz_id
            message.save(update_fields=["status", "error_code", "reported_at", "biz_id"])
    if unknown:
        logger.info("%s SMS receipt(s) matched no message sent from this site", unknown)
    return recorded, unknown


def _parse(report: object) -> tuple[str, str, bool, str, datetime]:
    if not isinstance(report, dict) or not isinstance(report.get("success"), bool):
        raise InvalidInput(_("Each delivery receipt needs a true or false 'success'."), code="invalid_receipt")
    biz_id, out_id = report.get("biz_id") or "", report.get("out_id") or ""
    if not isinstance(biz_id, str) or not isinstance(out_id, str) or not (biz_id or out_id):
        raise InvalidInput(_("Each delivery receipt needs a 'biz_id' or an 'out_id'."), code="invalid_receipt")
    error_code = report.get("err_code") or ""
    return biz_id[:64], out_id[:32], report["success"], str(error_code)[:64], _provider_time(report.get("report_time"))


def _provider_time(value: object) -> datetime:
    """The receipt's time, or now when it is missing or unreadable: a receipt with an odd
    time still says whether the message arrived."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return timezone.now()
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=PROVIDER_TIME_ZONE)


@csrf_exempt  # posted by the provider's servers, who hold no session; the secret address guards it
def sms_receipts(request: HttpRequest, token: str):
    expected = settings.SMS_RECEIPT_TOKEN
    if not expected or not constant_time_compare(token, expected):
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        reports = json.loads(request.body)
    except ValueError:  # also a body that is not UTF-8
        return JsonResponse({"detail": _("The body is not valid JSON."), "code": "invalid_json"}, status=400)
    try:
        sms_receipts_record(reports=reports)
    except InvalidInput as error:
        return JsonResponse({"detail": error.detail, "code": error.code}, status=400)
    # The answer the provider expects; it checks only that `code` is a number.
    return JsonResponse({"code": 0, "msg": "接收成功"}, json_dumps_params={"ensure_ascii": False})
