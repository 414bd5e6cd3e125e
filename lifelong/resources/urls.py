from django.urls import path

from . import views

app_name = "resources"
urlpatterns = [
    path("resources/", views.library, name="library"),
    path("resources/<int:pk>/", views.resource_detail, name="detail"),
    path("resources/<int:pk>/file", views.resource_file, name="file"),
    path("resources/<int:pk>/study/", views.resource_study, name="study"),
    path("resources/<int:pk>/open/", views.resource_link_open, name="open"),
]
