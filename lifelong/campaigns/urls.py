from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("campaigns/<slug:slug>/", views.campaign_page, name="page"),
    path("campaigns/<slug:slug>/calendar.ics", views.campaign_calendar, name="calendar"),
    path("campaigns/<slug:slug>/report/", views.campaign_report, name="report"),
]
