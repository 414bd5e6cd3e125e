"""The app's own URLs plus the bench's two reference endpoints."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("bench/ping", views.ping),
    path("bench/take-seat/<int:activity_id>", views.take_seat),
    path("", include("config.urls")),
]
