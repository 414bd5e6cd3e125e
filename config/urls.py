from django.contrib import admin
from django.urls import include, path

from lifelong.accounts import views as account_views
from lifelong.common import views as common_views

from .api import api

urlpatterns = [
    path("", common_views.home, name="home"),
    path("network/<str:code>/", common_views.network_town, name="network_town"),
    path("me/", account_views.me_view, name="me"),
    path("preferences/elder-mode/", common_views.elder_mode_toggle, name="elder_mode"),
    path("preferences/language/", common_views.language_switch, name="language"),
    path("accounts/", include("lifelong.accounts.urls")),
    path("console/", include("lifelong.common.console_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
