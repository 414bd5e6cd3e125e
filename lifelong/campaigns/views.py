"""Public campaign pages: the campaign with its live counters and programme, its calendar
feed, and the post-week report (printable)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from lifelong.activities.calendar import sessions_ics
from lifelong.activities.choices import Audience, Category
from lifelong.common.i18n import english_wanted

from . import selectors
from .models import Campaign, CampaignReport


def _campaign_or_404(slug: str) -> Campaign:
    campaign = selectors.campaign_get(slug=slug)
    if campaign is None:
        raise Http404
    return campaign


def counter_labels() -> dict[str, str]:
    return {
        "activities": _("Activities"),
        "registrations": _("Registrations"),
        "attendance": _("Attendances"),
        "hours": _("Learning hours"),
    }


def campaign_page(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign_or_404(slug)
    counters = selectors.campaign_counters(campaign=campaign)
    labels = counter_labels()
    programme = selectors.campaign_programme(campaign=campaign)
    today = timezone.localdate()
    return render(
        request,
        "campaigns/page.html",
        {
            "campaign": campaign,
            "counters": [(key, labels[key], figure["value"], figure["target"]) for key, figure in counters.items()],
            "programme": programme,
            # Days still to come first; the days already held fold away below them.
            "coming_days": [(day, sessions) for day, sessions in programme.days if day >= today],
            "past_days": [(day, sessions) for day, sessions in programme.days if day < today],
            "has_report": CampaignReport.objects.filter(campaign=campaign).exists(),
            # While it runs, the counters refresh themselves every minute.
            "running": campaign.starts_on <= timezone.localdate() <= campaign.ends_on,
            "other_campaigns": selectors.campaign_list().exclude(pk=campaign.pk)[:10],
            # Its news comes from news (above campaigns): the template's campaign_news tag.
        },
    )


def campaign_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme as an iCalendar feed that phone calendars can subscribe to."""
    campaign = _campaign_or_404(slug)
    body = sessions_ics(name=campaign.display_name, sessions=selectors.campaign_sessions(campaign=campaign))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{campaign.slug}.ics"'
    return response


def campaign_report(request: HttpRequest, slug: str) -> HttpResponse:
    """The report as generated; `?print=1` gives the page without the site's navigation."""
    campaign = _campaign_or_404(slug)
    report = CampaignReport.objects.filter(campaign=campaign).first()
    if report is None:
        raise Http404
    labels = counter_labels()
    figures = report.figures
    totals = figures["totals"]
    english = english_wanted()

    def town_name(item: dict) -> str:
        return (item.get("name_en") if english else "") or item.get("name") or _("County sites")

    for row in figures["by_town"]:
        row["display"] = town_name(row)
    for row in figures["by_audience"]:
        row["display"] = Audience(row["key"]).label
    for row in figures["by_category"]:
        row["display"] = Category(row["key"]).label
    highlights = figures["highlights"]
    for item in highlights["most_attended"]:
        item["display"] = (item["title_en"] if english else "") or item["title"]
    for item in highlights["top_learners"]:
        item["town_display"] = town_name(item["town"]) if item["town"]["name"] else ""
    if highlights["best_town"]:
        highlights["best_town"]["display"] = town_name(highlights["best_town"])
    return render(
        request,
        "campaigns/report.html",
        {
            "campaign": campaign,
            "report": report,
            "figures": figures,
            "totals": [(key, labels[key], totals[key]["value"], totals[key]["target"]) for key in labels],
            "targets_met": [labels[key] for key in highlights["targets_met"]],
            "print_view": request.GET.get("print") == "1",
        },
    )
