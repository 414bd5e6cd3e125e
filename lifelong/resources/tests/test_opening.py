"""A resource may be marked studied only after the learner opened it: fetched its file (read,
played, downloaded), saw its picture, or followed its link through the site (`ResourceOpen`)."""

from decimal import Decimal

import pytest
from django.test import Client

from lifelong.common.errors import Conflict
from lifelong.passport.models import LearningRecord
from lifelong.resources import services
from lifelong.resources.models import ResourceOpen, ResourceStudy
from lifelong.testkit.api import ApiClient

from .helpers import MP4, PNG, publish_link, publish_pdf, tongyuan_school, upload


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def publish_file(demo, kind, name, content, hours=Decimal("1")):
    return services.resource_create(
        actor=demo.organizer,
        institution=tongyuan_school(),
        kind=kind,
        upload=upload(name, content, "application/octet-stream"),
        publish=True,
        title="材料",
        category="reading",
        hours=hours,
    )


def test_studying_an_unopened_resource_is_409_not_opened_and_writes_nothing(demo):
    resource = publish_pdf(demo, hours=Decimal("2"))
    with pytest.raises(Conflict) as refusal:
        services.resource_study(learner=demo.elder_learner, resource=resource)
    assert refusal.value.code == "not_opened" and refusal.value.status == 409
    assert not ResourceStudy.objects.exists() and not LearningRecord.objects.exists()
    # Someone else's opening does not count for this learner.
    services.resource_open_record(learner=demo.young_learner, resource=resource)
    with pytest.raises(Conflict):
        services.resource_study(learner=demo.elder_learner, resource=resource)
    services.resource_open_record(learner=demo.elder_learner, resource=resource)
    assert services.resource_study(learner=demo.elder_learner, resource=resource).hours == Decimal("2")


def test_fetching_the_file_opens_it_for_the_signed_in_learner_only(demo):
    resource = publish_pdf(demo)
    b"".join(Client().get(f"/resources/{resource.pk}/file").streaming_content)  # a visitor: nobody to credit
    assert not ResourceOpen.objects.exists()
    learner = signed_in(demo.elder_learner)
    b"".join(learner.get(f"/resources/{resource.pk}/file?download=1").streaming_content)
    b"".join(learner.get(f"/resources/{resource.pk}/file").streaming_content)
    opened = ResourceOpen.objects.get()  # the first opening is kept, once
    assert opened.learner == demo.elder_learner and opened.resource == resource


def test_a_players_range_request_opens_a_video_and_the_page_alone_does_not(demo):
    video = publish_file(demo, "video", "lesson.mp4", MP4)
    learner = signed_in(demo.elder_learner)
    page = learner.get(f"/resources/{video.pk}/").content.decode()
    assert 'preload="none"' in page  # the player fetches nothing until played
    assert 'data-testid="study-open-first"' in page and not ResourceOpen.objects.exists()
    played = learner.get(f"/resources/{video.pk}/file", HTTP_RANGE="bytes=0-15")
    assert played.status_code == 206
    b"".join(played.streaming_content)
    assert ResourceOpen.objects.filter(learner=demo.elder_learner, resource=video).exists()
    assert 'data-testid="study"' in learner.get(f"/resources/{video.pk}/").content.decode()


def test_a_picture_is_opened_by_seeing_its_page(demo):
    picture = publish_file(demo, "image", "poster.png", PNG)
    page = signed_in(demo.elder_learner).get(f"/resources/{picture.pk}/").content.decode()
    assert 'data-testid="study"' in page
    assert ResourceOpen.objects.filter(learner=demo.elder_learner, resource=picture).exists()


def test_a_link_is_followed_through_the_site_which_records_the_opening(demo):
    link = publish_link(demo, url="https://www.nlc.cn/", hours=Decimal("1"))
    learner = signed_in(demo.elder_learner)
    page = learner.get(f"/resources/{link.pk}/").content.decode()
    assert f'href="/resources/{link.pk}/open/"' in page and 'data-testid="study-open-first"' in page
    response = learner.get(f"/resources/{link.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "https://www.nlc.cn/"
    assert response["Referrer-Policy"] == "no-referrer"
    assert ResourceOpen.objects.filter(learner=demo.elder_learner, resource=link).exists()
    assert learner.post(f"/resources/{link.pk}/study/").status_code == 302
    assert LearningRecord.objects.filter(learner=demo.elder_learner, resource=link).exists()


def test_the_link_view_leads_only_to_the_resources_own_address(demo):
    pdf = publish_pdf(demo)
    learner = signed_in(demo.elder_learner)
    assert learner.get(f"/resources/{pdf.pk}/open/").status_code == 404  # a file has no address to follow
    assert learner.get("/resources/999999/open/").status_code == 404
    draft = publish_link(demo, url="https://example.com/", publish=False)
    assert learner.get(f"/resources/{draft.pk}/open/").status_code == 404
    assert not ResourceOpen.objects.exists()


def test_pressing_the_button_before_opening_says_why_and_writes_nothing(demo):
    resource = publish_pdf(demo)
    response = signed_in(demo.elder_learner).post(f"/resources/{resource.pk}/study/", follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not LearningRecord.objects.exists()


def test_the_api_records_an_opening_for_apps(demo):
    resource = publish_pdf(demo)
    api = ApiClient(demo.elder_learner)
    assert api.post(f"/resources/{resource.pk}/study").json()["code"] == "not_opened"
    assert ApiClient().post(f"/resources/{resource.pk}/open").status_code == 401
    hidden = publish_pdf(demo, publish=False)
    assert api.post(f"/resources/{hidden.pk}/open").status_code == 404
    assert api.post("/resources/999999/open").status_code == 404
    assert not ResourceOpen.objects.exists()
    assert api.post(f"/resources/{resource.pk}/open").status_code == 204
    assert api.post(f"/resources/{resource.pk}/open").status_code == 204  # again: still one row
    assert ResourceOpen.objects.count() == 1
    assert api.post(f"/resources/{resource.pk}/study").status_code == 201
