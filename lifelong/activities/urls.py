from django.urls import path

from . import views

app_name = "activities"
urlpatterns = [
    path("activities/", views.catalogue, name="catalogue"),
    path("activities/<int:pk>/", views.activity_detail, name="detail"),
    path("activities/<int:pk>/register/", views.register, name="register"),
    path("activities/<int:pk>/calendar.ics", views.activity_calendar, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("me/calendar/reset/", views.calendar_feed_reset, name="calendar_feed_reset"),
    path("checkin/<int:pk>/", views.checkin_scan, name="checkin"),
    path("registrations/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("registrations/<int:pk>/accept/", views.accept, name="accept"),
]
