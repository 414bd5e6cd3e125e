from django.urls import path

from . import self_service_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("two-factor/", views.two_factor_view, name="two_factor"),
    path("password/", views.password_change_view, name="password_change"),
    path("email/", views.contact_email_view, name="contact_email"),
    # Self-service: sign-up, password reset, a family profile becoming its owner's account.
    path("signup/", self_service_views.signup_view, name="signup"),
    path("signup/details/", self_service_views.signup_details_view, name="signup_details"),
    path("signup/villages/", self_service_views.signup_villages_view, name="signup_villages"),
    path("password-reset/", self_service_views.password_reset_view, name="password_reset"),
    path("password-reset/confirm/", self_service_views.password_reset_confirm_view, name="password_reset_confirm"),
    path("own-account/", self_service_views.own_account_view, name="own_account"),
    path("family/<int:pk>/own-account/", self_service_views.family_claim_view, name="family_claim"),
    path("family/<int:pk>/unlink/", self_service_views.family_unlink_view, name="family_unlink"),
]
