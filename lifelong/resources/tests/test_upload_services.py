"""Uploads are checked by content, kind, extension and size; a refusal stores nothing, and
the console shows it as a form error."""

from decimal import Decimal

import pytest
from django.test import override_settings

from lifelong.common.errors import InvalidInput, NotFound
from lifelong.common.models import AuditEvent
from lifelong.institutions.models import Institution
from lifelong.resources import services
from lifelong.resources.models import Resource

from .helpers import HTML, MP3, MP4, PDF_POLYGLOT, PNG, SVG, pdf_bytes, stored_files, tongyuan_school, upload


def create(demo, kind, the_upload, **fields):
    return services.resource_create(
        actor=demo.organizer,
        institution=tongyuan_school(),
        kind=kind,
        upload=the_upload,
        title=fields.pop("title", "讲义"),
        category="reading",
        **fields,
    )


@pytest.mark.parametrize(
    ("kind", "name", "content", "code"),
    [
        ("document", "page.pdf", HTML, "bad_file_type"),  # HTML disguised as a PDF
        ("document", "drawing.pdf", SVG, "bad_file_type"),
        ("document", "polyglot.pdf", PDF_POLYGLOT, "bad_file_type"),
        ("image", "picture.png", SVG, "bad_file_type"),
        ("document", "run.pdf", b"#!/bin/sh\nrm -rf /\n", "bad_file_type"),
        ("document", "empty.pdf", b"", "empty_file"),
        ("document", "video.pdf", MP4, "kind_mismatch"),  # a real video, declared a document
        ("video", "song.mp4", MP3, "kind_mismatch"),
        ("document", "guide.html", pdf_bytes(), "extension_mismatch"),  # a real PDF named .html
        ("video", "clip.webm", MP4, "extension_mismatch"),  # MP4 content, WebM name
        ("audio", "song", MP3, "extension_mismatch"),
        ("image", "photo.jpg", PNG, "extension_mismatch"),
    ],
)
def test_refused_uploads_store_nothing(demo, kind, name, content, code):
    with pytest.raises(InvalidInput) as refusal:
        create(demo, kind, upload(name, content, "application/pdf"))
    assert refusal.value.code == code and refusal.value.field == "file"
    assert not Resource.objects.exists()
    assert stored_files() == []
    assert not AuditEvent.objects.filter(object_type="resources.resource").exists()


def test_an_oversized_upload_is_refused_with_the_limit_named(demo):
    with override_settings(RESOURCES_UPLOAD_MAX_BYTES=1024 * 1024), pytest.raises(InvalidInput) as refusal:
        create(demo, "video", upload("big.mp4", MP4 + b"\x00" * (1024 * 1024)))
    assert refusal.value.code == "too_large" and "1 MB" in refusal.value.detail
    assert not Resource.objects.exists() and stored_files() == []


def test_a_file_resource_needs_a_file_and_a_link_an_address(demo):
    with pytest.raises(InvalidInput) as refusal:
        create(demo, "document", None)
    assert refusal.value.code == "file_required"
    with pytest.raises(InvalidInput) as refusal:
        create(demo, "link", None)
    assert refusal.value.code == "url_required"
    with pytest.raises(InvalidInput):
        create(demo, "link", upload("guide.pdf", pdf_bytes()), url="https://www.nlc.cn/")
    assert not Resource.objects.exists() and stored_files() == []


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.org/file", "data:text/html,<b>x</b>", "not a url"]
)
def test_links_are_http_or_https_only(demo, url):
    with pytest.raises(InvalidInput) as refusal:
        create(demo, "link", None, url=url)
    assert refusal.value.field == "url"
    assert not Resource.objects.exists()


def test_an_accepted_upload_is_stored_under_a_generated_name_as_the_detected_type(demo):
    resource = create(demo, "video", upload("../../我的 视频.mp4", MP4, "text/html"), hours=Decimal("0.5"))
    assert resource.content_type == "video/mp4"  # what the bytes are, not what the browser said
    assert resource.file.name.startswith("resources/") and resource.file.name.endswith(".mp4")
    assert "视频" not in resource.file.name and ".." not in resource.file.name
    assert resource.file_size == len(MP4) and not resource.is_published
    assert stored_files() == [resource.file.name]
    event = AuditEvent.objects.get(object_type="resources.resource", object_id=str(resource.pk))
    assert event.actor == demo.organizer and event.summary == "resource created"


def test_staff_publish_only_for_institutions_in_their_scope(demo):
    ganpu_hall = Institution.objects.filter(kind="culture_hall", region__parent__code="330424104").first()
    with pytest.raises(NotFound):
        services.resource_create(
            actor=demo.organizer,
            institution=ganpu_hall,
            kind="document",
            upload=upload("a.pdf", pdf_bytes()),
            title="x",
            category="reading",
        )
    with pytest.raises(NotFound):  # a learner publishes nothing
        services.resource_create(
            actor=demo.elder_learner,
            institution=tongyuan_school(),
            kind="link",
            url="https://www.nlc.cn/",
            title="x",
            category="reading",
        )
    assert not Resource.objects.exists() and stored_files() == []


def test_an_edit_cannot_move_a_resource_out_of_scope_and_a_new_file_must_keep_the_kind(demo):
    resource = create(demo, "document", upload("a.pdf", pdf_bytes()))
    first_file = resource.file.name
    county_college = Institution.objects.get(kind="community_college")
    with pytest.raises(NotFound) as refusal:
        services.resource_update(actor=demo.organizer, resource=resource, institution=county_college)
    assert refusal.value.field == "institution"
    with pytest.raises(InvalidInput) as refusal:
        services.resource_update(actor=demo.organizer, resource=resource, upload=upload("v.mp4", MP4))
    assert refusal.value.code == "kind_mismatch"
    resource.refresh_from_db()
    assert resource.institution == tongyuan_school() and resource.file.name == first_file
    assert stored_files() == [first_file]
    # The county admin covers both, and may move it; the organizer may replace the file.
    services.resource_update(actor=demo.county_admin, resource=resource, institution=county_college)
    assert Resource.objects.get(pk=resource.pk).institution == county_college


def test_replacing_the_file_removes_the_old_one_once_committed(demo, django_capture_on_commit_callbacks):
    resource = create(demo, "document", upload("a.pdf", pdf_bytes("one")))
    old = resource.file.name
    with django_capture_on_commit_callbacks(execute=True):
        updated = services.resource_update(
            actor=demo.organizer, resource=resource, upload=upload("b.pdf", pdf_bytes("two")), title="新讲义"
        )
    assert updated.file.name != old and stored_files() == [updated.file.name]
    event = AuditEvent.objects.filter(object_id=str(resource.pk), summary="resource edited").get()
    assert set(event.changes) == {"title", "file"}


def test_publishing_and_withdrawing_are_audited(demo):
    resource = create(demo, "document", upload("a.pdf", pdf_bytes()))
    services.resource_publish(actor=demo.organizer, resource=resource, published=True)
    resource.refresh_from_db()
    assert resource.is_published and resource.published_at is not None
    services.resource_publish(actor=demo.organizer, resource=resource, published=False)
    assert not Resource.objects.get(pk=resource.pk).is_published
    summaries = list(
        AuditEvent.objects.filter(object_id=str(resource.pk)).order_by("id").values_list("summary", flat=True)
    )
    assert summaries == ["resource created", "resource published", "resource withdrawn"]
    with pytest.raises(NotFound):
        services.resource_publish(actor=demo.young_learner, resource=resource, published=True)


def test_the_console_shows_a_refused_upload_as_a_form_error_and_stores_nothing(demo, verified_client):
    client = verified_client(demo.organizer)
    response = client.post(
        "/console/resources/new/",
        {
            "institution": tongyuan_school().pk,
            "kind": "document",
            "title": "伪装的网页",
            "category": "reading",
            "audiences": ["all"],
            "hours": "1",
            "visibility": "public",
            "file": upload("page.pdf", HTML, "application/pdf"),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not Resource.objects.exists() and stored_files() == []


def test_the_console_creates_a_draft_from_a_real_pdf(demo, verified_client):
    client = verified_client(demo.organizer)
    response = client.post(
        "/console/resources/new/",
        {
            "institution": tongyuan_school().pk,
            "kind": "document",
            "title": "智能手机入门讲义",
            "title_en": "Smartphone basics handout",
            "category": "digital_skills",
            "audiences": ["elderly"],
            "hours": "1.5",
            "visibility": "signed_in",
            "file": upload("handout.pdf", pdf_bytes()),
        },
    )
    resource = Resource.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/resources/{resource.pk}/"
    assert resource.content_type == "application/pdf" and resource.hours == Decimal("1.5")
    assert resource.audience_list == ["elderly"] and not resource.is_published
    response = client.post(f"/console/resources/{resource.pk}/", {"publish": "1"})
    assert response.status_code == 302 and Resource.objects.get().is_published
