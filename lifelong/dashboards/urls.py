from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/indicators.csv", views.open_data_csv, name="open_data_csv"),
]
