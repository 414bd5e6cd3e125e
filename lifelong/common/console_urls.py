"""`/console/`: staff work, every page scoped to the actor's subtree."""

from django.urls import path

from lifelong.accounts import views as account_views
from lifelong.institutions import views as institution_views

from . import views

app_name = "console"
urlpatterns = [
    path("", views.console_index, name="index"),
    path("institutions/", institution_views.institution_list, name="institutions"),
    path("institutions/new/", institution_views.institution_edit, name="institution_new"),
    path("institutions/<int:pk>/", institution_views.institution_edit, name="institution_edit"),
    path("venues/", institution_views.venue_list, name="venues"),
    path("venues/new/", institution_views.venue_edit, name="venue_new"),
    path("venues/<int:pk>/", institution_views.venue_edit, name="venue_edit"),
    path("roles/", account_views.role_list, name="roles"),
    path("roles/<int:pk>/revoke/", account_views.role_revoke, name="role_revoke"),
    path("learners/", account_views.learner_list, name="learners"),
]
