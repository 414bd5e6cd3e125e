from django.conf import settings
from django.http import HttpRequest

from lifelong.accounts import policy
from lifelong.common.elder_mode import elder_mode_on
from lifelong.news.policy import works_on_articles
from lifelong.notifications.selectors import unread_count


def unread_notices(request: HttpRequest) -> int:
    user = getattr(request, "user", None)
    return unread_count(actor=user) if user is not None and user.is_authenticated else 0


def site(request: HttpRequest) -> dict:
    return {
        "unread_notices": unread_notices(request),
        "demo_mode": settings.DEMO_MODE,
        "staff_two_factor_required": settings.STAFF_TWO_FACTOR_REQUIRED,
        "elder_mode": elder_mode_on(request),
        "is_staff_member": policy.is_staff_member(getattr(request, "user", None)),
        "is_admin_member": policy.is_admin(getattr(request, "user", None)),
        "is_newsroom_member": works_on_articles(getattr(request, "user", None)),
    }
