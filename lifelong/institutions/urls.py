from django.urls import path

from . import public_views

app_name = "venues"
urlpatterns = [
    path("venues/", public_views.venue_directory, name="list"),
    path("venues/<int:pk>/", public_views.venue_page, name="detail"),
]
