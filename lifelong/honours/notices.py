"""The notices about honours: their kinds, words and links, rendered in the recipient's language
when the notice is made (`params` carry the `nomination_id`). Registered with
lifelong.notifications when this module is imported (HonoursConfig.ready()); the codes are
stored in notices, so they never change."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy

from lifelong.notifications.registry import NoticeContext, name_of, register

from .models import Nomination
from .selectors import RECIPIENT_JOINS

WORDS = {
    "honour_awarded": gettext_lazy(
        "Congratulations: you have been awarded “%(title)s” (%(year)s). It is on the honour roll and in your "
        "learning passport."
    ),
    "nom_awarded": gettext_lazy(
        "Your nomination of %(recipient)s in “%(call)s” was successful: the honour has been awarded."
    ),
    "nom_not_awarded": gettext_lazy(
        "“%(call)s” has been decided: your nomination of %(recipient)s was not chosen this time."
    ),
}


def _load_nomination(*, activity_id: int | None, params: dict[str, Any]) -> Nomination | None:
    return Nomination.objects.select_related("call", *RECIPIENT_JOINS).filter(pk=params.get("nomination_id")).first()


def _call_title(nomination: Nomination) -> str:
    """An SMS names the honour call."""
    return name_of(nomination.call)


def _honour_notice(context: NoticeContext) -> tuple[str, str]:
    """The call and the recipient in the recipient's language; the honoured person's notice links
    to their passport (a relative's own), the nominator's to the call in the console."""
    nomination = context.about
    call = nomination.call
    text = str(WORDS[context.kind]) % {
        "title": call.display_title,
        "year": call.year,
        "call": call.display_title,
        "recipient": nomination.recipient_name,
    }
    if context.kind == HONOUR_AWARDED.code:
        if context.relative_id:
            link = reverse("passport:family_mine", args=[context.relative_id])
        else:
            link = reverse("passport:mine")
    else:
        link = reverse("console:honour_call", args=[call.pk])
    return context.addressed(text), link


def _honour_kind(code: str, label, *, icon: str):
    return register(code, label=label, render=_honour_notice, load=_load_nomination, title=_call_title, icon=icon)


HONOUR_AWARDED = _honour_kind("honour_awarded", gettext_lazy("Honour awarded"), icon="award")
NOMINATION_AWARDED = _honour_kind("nom_awarded", gettext_lazy("Nomination successful"), icon="award")
NOMINATION_NOT_AWARDED = _honour_kind("nom_not_awarded", gettext_lazy("Nomination not chosen"), icon="circle-x")
