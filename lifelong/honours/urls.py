from django.urls import path

from . import views

app_name = "honours"
urlpatterns = [
    path("honors/", views.honour_roll, name="roll"),
]
