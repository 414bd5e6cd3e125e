from django.urls import path

from . import views

app_name = "activities"
urlpatterns = [
    path("activities/", views.catalogue, name="catalogue"),
    path("activities/<int:pk>/", views.activity_detail, name="detail"),
    path("activities/<int:pk>/register/", views.register, name="register"),
    path("registrations/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("registrations/<int:pk>/accept/", views.accept, name="accept"),
]
