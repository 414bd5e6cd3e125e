"""Site-wide pages: the home page, a town's network, the display preferences (elder mode,
language) and the console's index."""

from django.conf import settings
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import check_for_language
from django.views.decorators.http import require_POST

from lifelong.accounts import policy
from lifelong.accounts.decorators import staff_required
from lifelong.accounts.residence import relatives_to_confirm
from lifelong.accounts.services import user_preferences_update
from lifelong.activities.selectors import activity_catalogue, next_session_for
from lifelong.campaigns.selectors import campaign_current
from lifelong.common.elder_mode import ELDER_COOKIE, elder_mode_on
from lifelong.common.views import safe_next, set_language_cookie
from lifelong.institutions.selectors import network_counts_by_town, town_institutions
from lifelong.news.selectors import articles_latest
from lifelong.regions.models import Region
from lifelong.regions.selectors import town_overview

HOME_UPCOMING = 6
HOME_NEWS = 5


def home(request: HttpRequest) -> HttpResponse:
    county = Region.objects.filter(level="county").first()
    counts = network_counts_by_town()
    towns = [
        (town, town.village_count, counts.get(town.path, {}))
        for town in town_overview().annotate(village_count=Count("children"))
    ]
    signed_in = request.user.is_authenticated
    near = request.user.home_region if signed_in else None
    # What is next: activities still to come, soonest first, those near the learner's home
    # (their village, then their town) before the rest of the county.
    upcoming = activity_catalogue(near=near)[:HOME_UPCOMING]
    return render(
        request,
        "site/home.html",
        {
            "county": county,
            "towns": towns,
            "near": near,
            "upcoming": upcoming,
            "next_session": next_session_for(learner=request.user) if signed_in else None,
            "campaign": campaign_current(),
            "news": articles_latest(limit=HOME_NEWS),
        },
    )


def network_town(request: HttpRequest, code: str) -> HttpResponse:
    town = Region.objects.filter(code=code, level="town").select_related("parent").first() if code.isdigit() else None
    if town is None:
        raise Http404
    return render(
        request,
        "site/town.html",
        {
            "town": town,
            "institutions": town_institutions(town=town),
            "villages": town.children.order_by("code"),
        },
    )


@require_POST
def elder_mode_toggle(request: HttpRequest) -> HttpResponse:
    """Switch elder mode; kept on the account when signed in, and in a cookie for visitors."""
    turn_on = request.POST.get("elder_mode", "1" if not elder_mode_on(request) else "0") == "1"
    if request.user.is_authenticated:
        user_preferences_update(user=request.user, elder_mode=turn_on)
    response = redirect(safe_next(request))
    response.set_cookie(
        ELDER_COOKIE,
        "1" if turn_on else "0",
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
    return response


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Like Django's set_language, and also remembered on the account when signed in."""
    language = request.POST.get("language", "")
    response = redirect(safe_next(request))
    if language and check_for_language(language) and language in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            user_preferences_update(user=request.user, language=language)
        set_language_cookie(response, language)
    return response


@staff_required
def console_index(request: HttpRequest) -> HttpResponse:
    is_admin = policy.is_admin(request.user)
    awaiting = None
    if is_admin:  # relatives whose home village waits for the admin's confirmation
        awaiting = relatives_to_confirm(actor=request.user).filter(residence_declined_at__isnull=True).count()
    return render(
        request,
        "site/console_index.html",
        {
            "grants": policy.grants(request.user),
            "is_admin": is_admin,
            "relatives_awaiting": awaiting,
        },
    )
