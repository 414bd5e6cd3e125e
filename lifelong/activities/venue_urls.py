from django.urls import path

from . import venue_views

app_name = "venues"
urlpatterns = [
    path("venues/", venue_views.venue_directory, name="list"),
    path("venues/<int:pk>/", venue_views.venue_page, name="detail"),
]
