"""`/console/`: staff work, every page scoped to the actor's subtree."""

from django.urls import path, re_path

from lifelong.accounts import learner_views
from lifelong.accounts import views as account_views
from lifelong.accounts.audit_log import views as audit_views
from lifelong.activities import console_views as activity_views
from lifelong.activities import participant_views
from lifelong.campaigns import console_views as campaign_views
from lifelong.community import console_views as community_views
from lifelong.dashboards import console_views as dashboard_views
from lifelong.honours import console_views as honour_views
from lifelong.institutions import role_views
from lifelong.institutions import views as institution_views
from lifelong.news import console_views as news_views
from lifelong.passport import console_views as passport_views
from lifelong.resources import console_views as resource_views

from . import views

app_name = "console"
urlpatterns = [
    path("", views.console_index, name="index"),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("audit/", audit_views.audit_list, name="audit"),
    re_path(r"^audit/export\.(?P<file_format>csv|xlsx)$", audit_views.audit_export, name="audit_export"),
    re_path(
        r"^dashboard/export/(?P<table>[a-z]+)\.(?P<file_format>csv|xlsx)$",
        dashboard_views.dashboard_export,
        name="dashboard_export",
    ),
    path("dashboard/refresh/", dashboard_views.dashboard_refresh, name="dashboard_refresh"),
    path(
        "dashboard/unmet/<str:region_code>/<str:category>/",
        dashboard_views.unmet_demand,
        name="unmet_demand",
    ),
    path("institutions/", institution_views.institution_list, name="institutions"),
    path("institutions/new/", institution_views.institution_edit, name="institution_new"),
    path("institutions/<int:pk>/", institution_views.institution_edit, name="institution_edit"),
    path("venues/", institution_views.venue_list, name="venues"),
    path("venues/new/", institution_views.venue_edit, name="venue_new"),
    path("venues/<int:pk>/", institution_views.venue_edit, name="venue_edit"),
    path("venues/<int:pk>/bookings/", institution_views.venue_booking_list, name="venue_bookings"),
    path("bookings/<int:pk>/cancel/", institution_views.booking_cancel, name="booking_cancel"),
    path("roles/", role_views.role_list, name="roles"),
    path("roles/<int:pk>/revoke/", role_views.role_revoke, name="role_revoke"),
    path("learners/", account_views.learner_list, name="learners"),
    path("learners/<int:pk>/activities/", activity_views.learner_activities, name="learner_activities"),
    path("learners/<int:pk>/edit/", learner_views.learner_edit, name="learner_edit"),
    path("learners/<int:pk>/merge/", learner_views.learner_merge, name="learner_merge"),
    path("residence/", learner_views.residence_queue, name="residence_queue"),
    path("learners/<int:pk>/residence/", learner_views.residence_decide, name="residence_decide"),
    path("campaigns/", campaign_views.campaign_list, name="campaigns"),
    path("campaigns/new/", campaign_views.campaign_edit, name="campaign_new"),
    path("campaigns/proposals/new/", campaign_views.proposal_create, name="campaign_propose"),
    path("campaigns/<int:pk>/", campaign_views.campaign_manage, name="campaign"),
    path("campaigns/<int:pk>/edit/", campaign_views.campaign_edit, name="campaign_edit"),
    path(
        "campaigns/<int:pk>/proposals/<int:activity_pk>/",
        campaign_views.proposal_decide,
        name="campaign_proposal_decide",
    ),
    path("campaigns/<int:pk>/report/", campaign_views.report_generate, name="campaign_report_generate"),
    path("activities/", activity_views.activity_list, name="activities"),
    path("activities/new/", activity_views.activity_new, name="activity_new"),
    path("activities/<int:pk>/", activity_views.activity_manage, name="activity"),
    path("activities/<int:pk>/edit/", activity_views.activity_content, name="activity_content"),
    path("activities/<int:pk>/copy/", activity_views.activity_copy, name="activity_copy"),
    # Before the transition pattern below, which would take "message" for an action.
    path("activities/<int:pk>/message/", participant_views.activity_message, name="activity_message"),
    re_path(
        r"^activities/(?P<pk>[0-9]+)/roster\.(?P<file_format>csv|xlsx)$",
        participant_views.roster_export,
        name="activity_roster_export",
    ),
    path("activities/<int:pk>/<str:action>/", activity_views.activity_transition, name="activity_transition"),
    path("activities/<int:pk>/registrations/new/", activity_views.roster_register, name="roster_register"),
    path("registrations/<int:pk>/<str:action>/", activity_views.registration_action, name="registration_action"),
    path("sessions/<int:pk>/checkin/", activity_views.session_checkin, name="session_checkin"),
    path("sessions/<int:pk>/checkin/qr/", activity_views.session_checkin_qr, name="session_checkin_qr"),
    path("sessions/<int:pk>/checkins/", activity_views.session_checkin_record, name="session_checkin_record"),
    path("sessions/change/", activity_views.session_change, name="session_change"),
    path("sessions/<int:pk>/sheet/", activity_views.session_sheet, name="session_sheet"),
    path("learners/<int:pk>/passport/", passport_views.learner_passport, name="learner_passport"),
    path("learners/<int:pk>/passport/archive.pdf", passport_views.learner_archive_pdf, name="learner_archive_pdf"),
    re_path(
        r"^learners/(?P<pk>[0-9]+)/certificates/(?P<serial>[A-Za-z0-9-]{4,32})\.pdf$",
        passport_views.learner_certificate_pdf,
        name="learner_certificate_pdf",
    ),
    path("records/<int:pk>/reverse/", passport_views.record_reverse, name="record_reverse"),
    path("certificates/", passport_views.certificate_list, name="certificates"),
    re_path(
        r"^certificates/(?P<serial>[A-Za-z0-9-]{4,32})/revoke/$",
        passport_views.certificate_revoke,
        name="certificate_revoke",
    ),
    path("imports/", passport_views.import_list, name="record_imports"),
    path("imports/<int:pk>/", passport_views.import_detail, name="record_import"),
    path("imports/<int:pk>/retry/", passport_views.import_retry, name="record_import_retry"),
    path("learning-stars/", passport_views.learning_stars, name="learning_stars"),
    path("honours/", honour_views.honour_index, name="honours"),
    path("honours/new/", honour_views.honour_new, name="honour_new"),
    path("honours/calls/new/", honour_views.call_new, name="honour_call_new"),
    path("honours/calls/<int:pk>/", honour_views.call_detail, name="honour_call"),
    path("honours/calls/<int:pk>/close/", honour_views.call_close, name="honour_call_close"),
    path("honours/calls/<int:pk>/award/", honour_views.call_award, name="honour_call_award"),
    path("honours/calls/<int:pk>/nominate/", honour_views.nominate, name="honour_nominate"),
    path("honours/nominations/<int:pk>/review/", honour_views.review, name="honour_review"),
    path("honours/nominations/<int:pk>/withdraw/", honour_views.nomination_withdraw, name="honour_withdraw"),
    path("programmes/", community_views.programme_list, name="programmes"),
    path("programmes/new/", community_views.programme_edit, name="programme_new"),
    path("programmes/<int:pk>/", community_views.programme_edit, name="programme_edit"),
    path("teams/", community_views.team_list, name="teams"),
    path("teams/new/", community_views.team_edit, name="team_new"),
    path("teams/<int:pk>/", community_views.team_edit, name="team_edit"),
    path("resources/", resource_views.resource_list, name="resources"),
    path("resources/new/", resource_views.resource_new, name="resource_new"),
    path("resources/<int:pk>/", resource_views.resource_edit, name="resource"),
    path("news/", news_views.article_list, name="articles"),
    path("news/new/", news_views.article_new, name="article_new"),
    path("news/images/", news_views.article_image_upload, name="article_image_upload"),
    path("news/<int:pk>/", news_views.article_detail, name="article"),
    path("news/<int:pk>/revisions/<int:number>/", news_views.article_revision, name="article_revision"),
    path("news/<int:pk>/<str:action>/", news_views.article_action, name="article_action"),
]
