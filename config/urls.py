from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from lifelong.common import picture_views, webapp_views
from lifelong.notifications.receipts import sms_receipts
from lifelong.passport import me_views
from lifelong.site import views as site_views

from .api import api, api_not_found

urlpatterns = [
    path("", site_views.home, name="home"),
    path("network/<str:code>/", site_views.network_town, name="network_town"),
    path("", include("lifelong.activities.urls")),
    path("", include("lifelong.activities.venue_urls")),
    path("me/", me_views.me_view, name="me"),
    path("", include("lifelong.passport.urls")),
    path("", include("lifelong.campaigns.urls")),
    path("", include("lifelong.community.urls")),
    path("", include("lifelong.honours.urls")),
    path("", include("lifelong.resources.urls")),
    path("", include("lifelong.news.urls")),
    path("", include("lifelong.dashboards.urls")),
    path("me/notices/", include("lifelong.notifications.urls")),
    # Delivery receipts pushed by the SMS provider; the last part is the secret SMS_RECEIPT_TOKEN.
    path("sms/receipts/<str:token>/", sms_receipts, name="sms_receipts"),
    path("pictures/<uuid:key>/<str:size>.jpg", picture_views.picture, name="picture"),
    path("favicon.ico", webapp_views.favicon, name="favicon"),
    path("manifest.webmanifest", webapp_views.manifest, name="webmanifest"),
    path("preferences/elder-mode/", site_views.elder_mode_toggle, name="elder_mode"),
    path("preferences/language/", site_views.language_switch, name="language"),
    path("accounts/", include("lifelong.accounts.urls")),
    path("console/", include("lifelong.site.console_urls")),
    # Django admin signs in through Lifelong's own page: one lockout, one two-factor flow.
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^api/", api_not_found),
]
