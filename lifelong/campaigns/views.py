"""The public campaign page: theme, dates, live counters against targets, programme by day."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import selectors


def campaign_page(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = selectors.campaign_get(slug=slug)
    if campaign is None:
        raise Http404
    counters = selectors.campaign_counters(campaign=campaign)
    labels = {
        "activities": _("Activities"),
        "registrations": _("Registrations"),
        "attendance": _("Attendances"),
        "hours": _("Learning hours"),
    }
    return render(
        request,
        "campaigns/page.html",
        {
            "campaign": campaign,
            "counters": [(key, labels[key], figure["value"], figure["target"]) for key, figure in counters.items()],
            "programme": selectors.campaign_programme(campaign=campaign),
        },
    )
