"""What an activity says about itself: description (sanitised rich text, both languages),
contact phone and cover picture, from the console's create and edit pages and the API."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from lifelong.accounts.phone import normalize_contact_phone
from lifelong.activities.forms import html_as_typed_text, typed_text_as_html
from lifelong.activities.models import Activity
from lifelong.common.errors import InvalidInput
from lifelong.common.models import Picture
from lifelong.common.tests.test_pictures import stored_files
from lifelong.institutions.models import Institution
from lifelong.testkit.api import ApiClient

from .helpers import edit_form_data, published_activity
from .test_api import activity_body
from .test_console_pages import draft_form

DESCRIPTION = (
    '<p onclick="steal()">带上<strong>毛笔</strong>。</p><script>alert("x")</script><img src="https://t.example/x.gif">'
)


def png(size=(1600, 1000)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, format="PNG")
    return SimpleUploadedFile("cover.png", out.getvalue(), content_type="image/png")


@pytest.fixture
def school(demo):
    return Institution.objects.get(kind="community_school", region__code="330424105")


def test_the_create_form_saves_a_clean_description_the_contact_phone_and_an_uploaded_cover(
    demo, school, verified_client
):
    organizer = verified_client(demo.organizer)
    form = organizer.get("/console/activities/new/").content.decode()
    assert 'enctype="multipart/form-data"' in form and 'name="cover_upload"' in form
    response = organizer.post(
        "/console/activities/new/",
        draft_form(
            school,
            description=DESCRIPTION,
            description_en="Bring a brush.\n\nAll welcome.",
            contact_phone="0573 8612 1234",
            cover_upload=png(),
            cover_alt="老人在练书法",
        ),
    )
    activity = Activity.objects.select_related("cover").get(title="葡萄种植技术")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert activity.description == "<p>带上<strong>毛笔</strong>。</p>"
    assert activity.description_en == "<p>Bring a brush.</p>\n\n<p>All welcome.</p>"  # typed paragraphs kept
    assert activity.contact_phone == "0573-86121234"
    assert activity.cover.alt == "老人在练书法"
    assert (activity.cover.large_width, activity.cover.small_width) == (1200, 480)


@pytest.mark.parametrize(
    ("overrides", "field_error"),
    [
        ({"contact_phone": "12345"}, "0573-86121234"),
        ({"contact_phone": "+1 212 555 0100"}, "0573-86121234"),
        ({"cover_upload": SimpleUploadedFile("x.png", b"<svg onload=alert(1)>", "image/png")}, "WebP"),
    ],
    ids=["too short", "not mainland", "not a picture"],
)
def test_a_bad_phone_or_picture_shows_on_the_form_and_saves_nothing(
    demo, school, verified_client, overrides, field_error
):
    before = stored_files()
    response = verified_client(demo.organizer).post("/console/activities/new/", draft_form(school, **overrides))
    assert response.status_code == 200
    assert field_error in response.content.decode()
    assert not Activity.objects.exists() and not Picture.objects.exists()
    assert stored_files() == before


def test_a_refused_draft_leaves_no_picture_files_behind(demo, school, verified_client):
    """The picture is made, then the draft is refused (a session ends before it starts, which
    only the session's own check sees): the rows roll back and the files are deleted with them."""
    form = draft_form(school, cover_upload=png())
    form["sessions-1-ends_at"] = form["sessions-1-starts_at"]
    before = stored_files()
    response = verified_client(demo.organizer).post("/console/activities/new/", form)
    assert response.status_code == 200
    assert "A session ends after it starts." in response.content.decode() or "结束" in response.content.decode()
    assert not Activity.objects.exists() and not Picture.objects.exists()
    assert stored_files() == before


def test_the_edit_page_changes_words_and_replaces_then_removes_the_cover(demo, verified_client):
    activity = published_activity(demo)
    organizer = verified_client(demo.organizer)
    page = organizer.get(f"/console/activities/{activity.pk}/")
    assert f"/console/activities/{activity.pk}/edit/" in page.content.decode()
    url = f"/console/activities/{activity.pk}/edit/"
    response = organizer.post(
        url,
        edit_form_data(
            activity,
            summary="新的简介",
            description="第一段\n\n第二段",
            contact_phone="13812345678",
            cover_upload=png(),
        ),
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    first = activity.cover
    assert activity.summary == "新的简介" and activity.contact_phone == "13812345678"
    assert activity.description == "<p>第一段</p>\n\n<p>第二段</p>" and first is not None
    # Shown again as the text that was typed, not as HTML.
    assert "第一段\n\n第二段</textarea>" in organizer.get(url).content.decode()

    organizer.post(url, edit_form_data(activity, cover_upload=png((500, 500)), cover_alt="新封面"))
    activity.refresh_from_db()
    assert activity.cover != first and activity.cover.alt == "新封面"
    assert Picture.objects.filter(pk=first.pk).exists()  # kept: a picture may be shared

    organizer.post(url, edit_form_data(activity, cover_clear="on"))
    activity.refresh_from_db()
    assert activity.cover is None and activity.status == "published"


def test_the_edit_page_is_404_outside_scope_and_changes_nothing(demo, verified_client):
    activity = published_activity(demo, description="<p>原文</p>")
    outsider = verified_client(demo.town_admin)  # Wuyuan; the activity is Tongyuan's
    response = outsider.post(f"/console/activities/{activity.pk}/edit/", {"description": "改掉", "cover_upload": png()})
    assert response.status_code == 404
    activity.refresh_from_db()
    assert activity.description == "<p>原文</p>" and not Picture.objects.exists()


def test_the_api_accepts_a_description_and_cleans_it(demo):
    organizer = ApiClient(demo.organizer)
    created = organizer.post(
        "/activities", activity_body(description=DESCRIPTION, description_en="<p>Hi</p>", contact_phone="13812345678")
    )
    assert created.status_code == 201, created.content
    activity = Activity.objects.get(pk=created.json()["id"])
    assert activity.description == "<p>带上<strong>毛笔</strong>。</p>"
    assert activity.description_en == "<p>Hi</p>" and activity.contact_phone == "13812345678"
    refused = organizer.post("/activities", activity_body(contact_phone="110"))
    assert refused.status_code == 422 and refused.json()["code"] == "invalid_phone"
    assert Activity.objects.count() == 1


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13812345678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("0573-86121234", "0573-86121234"),
        ("86121234", "0573-86121234"),  # a local landline: Haiyan's area code
        ("021 6234 5678", "021-62345678"),
        ("", ""),
    ],
)
def test_contact_phones_are_stored_as_digits_and_a_dash(typed, stored):
    assert normalize_contact_phone(typed) == stored


@pytest.mark.parametrize("typed", ["12345", "1381234567", "400-800-8888", "+44 20 7946 0000", "电话"])
def test_other_numbers_are_refused(typed):
    with pytest.raises(InvalidInput) as refused:
        normalize_contact_phone(typed)
    assert refused.value.code == "invalid_phone" and refused.value.field == "contact_phone"


def test_typed_text_becomes_paragraphs_and_back():
    html = typed_text_as_html("第一行\n第二行\n\n第二段 & 结束")
    assert html == "<p>第一行<br>第二行</p>\n\n<p>第二段 &amp; 结束</p>"
    assert html_as_typed_text(html) == "第一行\n第二行\n\n第二段 & 结束"
    # An escaped "<" stays HTML when edited again, so it is never re-read as a tag.
    assert html_as_typed_text("<p>a &lt; b</p>") == "<p>a &lt; b</p>"
    assert html_as_typed_text("<ul><li>a</li></ul>") == "<ul><li>a</li></ul>"


def test_describing_a_shared_cover_anew_changes_it_only_for_this_activity(demo, verified_client):
    # The demo (and any editor reusing a picture) puts one Picture on several objects, some
    # outside the editor's scope: a new description of it is this activity's own.
    mine = published_activity(demo, title="书法入门", cover_upload=png((500, 500)), cover_alt="老人在练书法")
    theirs = published_activity(demo, title="书法提高班")
    elsewhere = Institution.objects.exclude(region__path__startswith=mine.institution.region.path).first()
    Activity.objects.filter(pk=theirs.pk).update(cover=mine.cover, institution=elsewhere)
    shared = mine.cover

    organizer = verified_client(demo.organizer)
    response = organizer.post(f"/console/activities/{mine.pk}/edit/", edit_form_data(mine, cover_alt="写毛笔字"))
    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    shared.refresh_from_db()
    assert mine.cover.alt == "写毛笔字" and mine.cover.large.name == shared.large.name  # the same files
    assert theirs.cover == shared and shared.alt == "老人在练书法"

    # A picture only this activity shows is described anew in place.
    organizer.post(f"/console/activities/{mine.pk}/edit/", edit_form_data(mine, cover_alt="练字"))
    own = mine.cover
    mine.refresh_from_db()
    assert mine.cover == own and mine.cover.alt == "练字"
