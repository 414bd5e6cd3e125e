from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("two-factor/", views.two_factor_view, name="two_factor"),
    path("password/", views.password_change_view, name="password_change"),
    path("email/", views.contact_email_view, name="contact_email"),
]
