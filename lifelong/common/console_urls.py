"""`/console/`: staff work, every page scoped to the actor's subtree."""

from django.urls import path

from lifelong.accounts import views as account_views
from lifelong.activities import console_views as activity_views
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
    path("learners/<int:pk>/activities/", activity_views.learner_activities, name="learner_activities"),
    path("activities/", activity_views.activity_list, name="activities"),
    path("activities/new/", activity_views.activity_new, name="activity_new"),
    path("activities/<int:pk>/", activity_views.activity_manage, name="activity"),
    path("activities/<int:pk>/<str:action>/", activity_views.activity_transition, name="activity_transition"),
    path("activities/<int:pk>/registrations/new/", activity_views.roster_register, name="roster_register"),
    path("registrations/<int:pk>/<str:action>/", activity_views.registration_action, name="registration_action"),
    path("sessions/<int:pk>/checkin/", activity_views.session_checkin, name="session_checkin"),
    path("sessions/<int:pk>/checkin/qr/", activity_views.session_checkin_qr, name="session_checkin_qr"),
    path("sessions/<int:pk>/checkins/", activity_views.session_checkin_record, name="session_checkin_record"),
    path("sessions/change/", activity_views.session_change, name="session_change"),
    path("sessions/<int:pk>/sheet/", activity_views.session_sheet, name="session_sheet"),
]
