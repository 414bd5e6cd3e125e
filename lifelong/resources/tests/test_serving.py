"""Files are streamed through a view: the detected type, nosniff, a sandbox CSP, attachment
for downloads, byte ranges for players, visibility rules, and a download count."""

from django.test import Client

from lifelong.resources import services
from lifelong.resources.models import Resource

from .helpers import MP3, MP4, publish_link, publish_pdf, tongyuan_school, upload


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def publish(demo, kind, name, content, **fields):
    return services.resource_create(
        actor=demo.organizer,
        institution=tongyuan_school(),
        kind=kind,
        upload=upload(name, content, "text/html"),  # what the browser claimed is never used
        publish=True,
        title=fields.pop("title", "材料"),
        category="reading",
        **fields,
    )


def assert_safe_headers(response, content_type: str):
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = response["Content-Security-Policy"]
    assert "sandbox" in csp and "default-src 'none'" in csp and "script-src" not in csp
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


def test_a_pdf_is_served_inline_as_the_detected_type_with_safe_headers(demo):
    resource = publish_pdf(demo)
    response = Client().get(f"/resources/{resource.pk}/file")
    assert response.status_code == 200
    assert_safe_headers(response, "application/pdf")
    assert response["Content-Disposition"].startswith("inline;")
    assert body(response) == resource.file.open("rb").read()
    assert response["Content-Length"] == str(resource.file_size)


def test_download_asks_for_an_attachment_named_after_the_title(demo):
    resource = publish_pdf(demo, title='防骗/指南"')
    response = Client().get(f"/resources/{resource.pk}/file?download=1")
    assert response.status_code == 200
    assert_safe_headers(response, "application/pdf")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and ".pdf" in disposition
    assert "/" not in disposition.split("filename", 1)[1].replace("%2F", "")  # no path in the name


def test_an_unknown_stored_type_is_only_ever_an_attachment(demo):
    resource = publish(demo, "audio", "talk.mp3", MP3)
    Resource.objects.filter(pk=resource.pk).update(content_type="application/octet-stream")
    response = Client().get(f"/resources/{resource.pk}/file")
    assert response["Content-Disposition"].startswith("attachment;")
    assert_safe_headers(response, "application/octet-stream")


def test_players_get_byte_ranges_which_do_not_count_as_downloads(demo):
    resource = publish(demo, "video", "clip.mp4", MP4)
    client = Client()
    response = client.get(f"/resources/{resource.pk}/file", headers={"range": "bytes=4-11"})
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 4-11/{len(MP4)}" and response["Content-Length"] == "8"
    assert body(response) == MP4[4:12] == b"ftypisom"
    assert_safe_headers(response, "video/mp4")
    assert response["Accept-Ranges"] == "bytes"
    tail = client.get(f"/resources/{resource.pk}/file", headers={"range": "bytes=-8"})
    assert tail.status_code == 206 and body(tail) == MP4[-8:]
    open_ended = client.get(f"/resources/{resource.pk}/file", headers={"range": "bytes=0-"})
    assert open_ended.status_code == 206 and body(open_ended) == MP4
    outside = client.get(f"/resources/{resource.pk}/file", headers={"range": f"bytes={len(MP4)}-"})
    assert outside.status_code == 416 and outside["Content-Range"] == f"bytes */{len(MP4)}"
    assert Resource.objects.get(pk=resource.pk).download_count == 0


def test_each_whole_file_request_counts_one_download(demo):
    resource = publish_pdf(demo)
    client = Client()
    for _ in range(3):
        body(client.get(f"/resources/{resource.pk}/file?download=1"))
    body(Client().get(f"/resources/{resource.pk}/file"))
    assert Resource.objects.get(pk=resource.pk).download_count == 4
    page = client.get(f"/resources/{resource.pk}/")
    assert page.context["resource"].download_count == 4


def test_file_visibility_follows_the_resource(demo, verified_client):
    signed_in_only = publish_pdf(demo, visibility="signed_in")
    draft = publish_pdf(demo, publish=False, title="草稿")
    anonymous = Client()
    response = anonymous.get(f"/resources/{signed_in_only.pk}/file")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    assert anonymous.get(f"/resources/{draft.pk}/file").status_code == 404
    learner = Client()
    learner.force_login(demo.young_learner)
    assert learner.get(f"/resources/{signed_in_only.pk}/file").status_code == 200
    assert learner.get(f"/resources/{draft.pk}/file").status_code == 404
    # The organizer previews their own draft.
    organizer = verified_client(demo.organizer)
    assert organizer.get(f"/resources/{draft.pk}/file").status_code == 200
    assert Resource.objects.get(pk=draft.pk).download_count == 1
    withdrawn = services.resource_publish(actor=demo.organizer, resource=signed_in_only, published=False)
    assert learner.get(f"/resources/{withdrawn.pk}/file").status_code == 404


def test_a_link_has_no_file_and_nothing_is_served_from_a_media_url(demo, settings):
    link = publish_link(demo)
    assert Client().get(f"/resources/{link.pk}/file").status_code == 404
    resource = publish_pdf(demo)
    assert not settings.MEDIA_URL or settings.MEDIA_URL in ("", "/")
    assert Client().get(f"/{resource.file.name}").status_code == 404
    assert Client().get(f"/media/{resource.file.name}").status_code == 404


def test_only_get_is_allowed_on_the_file(demo):
    resource = publish_pdf(demo)
    assert Client().post(f"/resources/{resource.pk}/file").status_code == 405
