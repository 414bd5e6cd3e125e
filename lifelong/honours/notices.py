"""The words and links of honour notices (rendered by the notifications app in the
recipient's language; `params` carry the `nomination_id`)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from lifelong.notifications.choices import NoticeKind
from lifelong.notifications.messages import TEMPLATES

from .models import Nomination
from .selectors import RECIPIENT_JOINS


def honour_notice(
    kind: str, params: dict[str, Any], *, for_name: str = "", relative_id: int | None = None
) -> tuple[str, str]:
    nomination = Nomination.objects.select_related("call", *RECIPIENT_JOINS).get(pk=params["nomination_id"])
    call = nomination.call
    text = str(TEMPLATES[kind]) % {
        "title": call.display_title,
        "year": call.year,
        "call": call.display_title,
        "recipient": nomination.recipient_name,
    }
    if for_name:
        text = _("For %(name)s: %(text)s") % {"name": for_name, "text": text}
    if kind == NoticeKind.HONOUR_AWARDED:
        link = reverse("passport:family_mine", args=[relative_id]) if relative_id else reverse("passport:mine")
    else:
        link = reverse("console:honour_call", args=[call.pk])
    return text, link
