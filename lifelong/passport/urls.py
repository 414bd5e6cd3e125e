from django.urls import path, re_path

from . import views

app_name = "passport"
SERIAL = r"(?P<serial>[A-Za-z0-9-]{4,32})"
urlpatterns = [
    path("me/passport/", views.my_passport, name="mine"),
    path("me/passport/archive.pdf", views.my_archive_pdf, name="archive_pdf"),
    path("me/passport/export.<str:kind>", views.my_export, name="export"),
    re_path(rf"^me/certificates/{SERIAL}\.pdf$", views.my_certificate_pdf, name="certificate_pdf"),
    re_path(rf"^me/certificates/{SERIAL}\.json$", views.my_certificate_document, name="certificate_document"),
    # A family member's view of a relative they manage (no phone, cannot sign in).
    path("me/family/<int:family_pk>/passport/", views.my_passport, name="family_mine"),
    path("me/family/<int:family_pk>/passport/archive.pdf", views.my_archive_pdf, name="family_archive_pdf"),
    path("me/family/<int:family_pk>/passport/export.<str:kind>", views.my_export, name="family_export"),
    re_path(
        rf"^me/family/(?P<family_pk>[0-9]+)/certificates/{SERIAL}\.pdf$",
        views.my_certificate_pdf,
        name="family_certificate_pdf",
    ),
    re_path(
        rf"^me/family/(?P<family_pk>[0-9]+)/certificates/{SERIAL}\.json$",
        views.my_certificate_document,
        name="family_certificate_document",
    ),
    path("verify/", views.verify_search, name="verify_search"),
    path("verify/keys.json", views.published_keys, name="keys"),
    re_path(rf"^verify/{SERIAL}/$", views.verify, name="verify"),
]
