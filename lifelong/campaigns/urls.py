from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("campaigns/<slug:slug>/", views.campaign_page, name="page"),
]
