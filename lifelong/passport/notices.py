"""The notices about certificates: their kinds, words and links, rendered in the recipient's
language when the notice is made. Registered with lifelong.notifications when this module is
imported (PassportConfig.ready()); the codes are stored in notices, so they never change."""

from django.urls import reverse
from django.utils.translation import gettext_lazy

from lifelong.activities.notices import load_activity
from lifelong.notifications.registry import NoticeContext, register

WORDS = {
    "certificate": gettext_lazy(
        "Well done: you completed “%(title)s”. Your certificate %(serial)s is in your learning passport."
    ),
    "cert_revoked": gettext_lazy("Your certificate %(serial)s for “%(title)s” has been revoked. Reason: %(reason)s"),
}


def _certificate_notice(context: NoticeContext) -> tuple[str, str]:
    """A certificate of the activity's (`params`: its `serial`, a revocation's `reason`); it
    links to the passport it is in, a relative's own when a family member is told."""
    values = {
        "title": context.about.display_title,
        "serial": context.params.get("serial", ""),
        "reason": context.params.get("reason", ""),
    }
    if context.relative_id:
        link = reverse("passport:family_mine", args=[context.relative_id])
    else:
        link = reverse("passport:mine")
    return context.addressed(str(WORDS[context.kind]) % values), link


CERTIFICATE_ISSUED = register(
    "certificate",
    label=gettext_lazy("Certificate issued"),
    render=_certificate_notice,
    load=load_activity,
    icon="award",
)
CERTIFICATE_REVOKED = register(
    "cert_revoked",
    label=gettext_lazy("Certificate revoked"),
    render=_certificate_notice,
    load=load_activity,
    icon="circle-x",
)
