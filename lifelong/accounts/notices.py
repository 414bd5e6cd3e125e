"""The notices about where a family's relative lives (lifelong.accounts.residence): their kinds,
words and links, rendered in the recipient's language when the notice is made (`params` carry
the relative's home, `region_id`). Registered with lifelong.notifications when this module is
imported (AccountsConfig.ready()); the codes are stored in notices, so they never change."""

from django.urls import reverse
from django.utils.translation import gettext_lazy

from lifelong.notifications.registry import NoticeContext, register
from lifelong.regions.models import Region

# To the family member of a relative they added.
WORDS = {
    "residence_ok": gettext_lazy(
        "Village staff have confirmed that %(name)s lives in %(village)s. Activities for residents there now "
        "accept them."
    ),
    "residence_no": gettext_lazy(
        "Village staff could not confirm that %(name)s lives in %(village)s, so activities for residents there do "
        "not accept them. If this is a mistake, please visit or call the teaching point of %(village)s."
    ),
}


def _residence_notice(context: NoticeContext) -> tuple[str, str]:
    """Village staff's decision on a relative's home, named in the recipient's language; it
    links to the family page, where the relative's state shows."""
    region = Region.objects.filter(pk=context.params.get("region_id")).first()
    values = {"name": context.for_name, "village": region.display_name if region else "—"}
    return str(WORDS[context.kind]) % values, reverse("me")


RESIDENCE_CONFIRMED = register("residence_ok", label=gettext_lazy("Home village confirmed"), render=_residence_notice)
RESIDENCE_DECLINED = register(
    "residence_no", label=gettext_lazy("Home village not confirmed"), render=_residence_notice
)
