"""Cover pictures and place details on the console's venue, programme and campaign forms:
uploaded with the form, replaced, removed; refusals are form errors that change nothing."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from lifelong.campaigns.models import Campaign
from lifelong.common.models import Picture
from lifelong.common.tests.test_pictures import stored_files
from lifelong.community.models import Programme
from lifelong.institutions.models import Institution, Venue
from lifelong.institutions.services import venue_update
from lifelong.regions.models import Region


def jpeg(size=(900, 600)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (20, 90, 160)).save(out, format="JPEG")
    return SimpleUploadedFile("cover.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def hall(demo):
    return Venue.objects.filter(institution__kind="experience_hall").select_related("institution").first()


def venue_form(venue: Venue, **overrides) -> dict:
    return {
        "institution": venue.institution_id,
        "name": venue.name,
        "capacity": venue.capacity,
        "address": "海盐县秦山街道",
        "transport_notes": "乘 106 路公交到秦山站，步行 5 分钟",
        "transport_notes_en": "Bus 106 to Qinshan, then a 5-minute walk",
        "is_active": "on",
        **overrides,
    }


def test_a_venue_gets_transport_notes_coordinates_and_a_cover(demo, hall, verified_client):
    admin = verified_client(demo.county_admin)
    url = f"/console/venues/{hall.pk}/"
    page = admin.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="latitude"' in page and 'name="cover_clear"' not in page
    response = admin.post(
        url, venue_form(hall, latitude="30.52618345", longitude="120.9421", cover_upload=jpeg(), cover_alt="展厅外景")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    hall.refresh_from_db()
    assert hall.transport_notes.startswith("乘 106 路") and hall.transport_notes_en.startswith("Bus 106")
    assert (hall.latitude, hall.longitude) == (Decimal("30.526183"), Decimal("120.942100"))  # rounded to 6 places
    assert hall.cover.alt == "展厅外景" and hall.cover.large_width == 900
    # Editing again offers removing the cover; doing so keeps the picture row (it may be shared).
    first = hall.cover
    assert 'name="cover_clear"' in admin.get(url).content.decode()
    admin.post(url, venue_form(hall, latitude="30.52618345", longitude="120.9421", cover_clear="on"))
    hall.refresh_from_db()
    assert hall.cover is None and Picture.objects.filter(pk=first.pk).exists()


@pytest.mark.parametrize(
    ("coordinates", "message"),
    [
        ({"latitude": "91", "longitude": "120.9"}, "90"),
        ({"latitude": "30.5", "longitude": "-181"}, "-180"),
        ({"latitude": "30.5"}, "Give both"),
        ({"longitude": "120.9"}, "Give both"),
        ({"latitude": "north", "longitude": "120.9"}, "number"),
    ],
)
def test_bad_coordinates_are_form_errors_and_change_nothing(demo, hall, verified_client, coordinates, message):
    admin = verified_client(demo.county_admin)
    admin.cookies.load({"django_language": "en"})
    before = (hall.latitude, hall.longitude)
    response = admin.post(f"/console/venues/{hall.pk}/", venue_form(hall, cover_upload=jpeg(), **coordinates))
    assert response.status_code == 200 and message in response.content.decode()
    hall.refresh_from_db()
    assert (hall.latitude, hall.longitude) == before and hall.cover is None and not Picture.objects.exists()


def test_the_venue_service_refuses_one_coordinate_alone(demo, hall):
    from lifelong.common.errors import InvalidInput

    venue_update(actor=demo.county_admin, venue=hall, latitude=None, longitude=None)
    with pytest.raises(InvalidInput) as refused:
        venue_update(actor=demo.county_admin, venue=hall, latitude=Decimal("30.5"))
    assert refused.value.field == "longitude"
    venue_update(actor=demo.county_admin, venue=hall, latitude=Decimal("30.5"), longitude=Decimal("120.9"))
    with pytest.raises(InvalidInput) as refused:
        venue_update(actor=demo.county_admin, venue=hall, latitude=None)
    assert refused.value.field == "latitude"


def test_a_venue_with_a_bad_picture_is_not_saved(demo, verified_client):
    admin = verified_client(demo.county_admin)
    institution = Institution.objects.filter(kind="experience_hall").first()
    before = (Venue.objects.count(), stored_files())
    bad = SimpleUploadedFile("cover.jpg", b"GIF89a not really", content_type="image/jpeg")
    response = admin.post(
        "/console/venues/new/", {"institution": institution.pk, "name": "新展厅", "capacity": 20, "cover_upload": bad}
    )
    assert response.status_code == 200 and "WebP" in response.content.decode()
    assert (Venue.objects.count(), stored_files()) == before and not Picture.objects.exists()


def test_a_programme_is_created_with_a_cover_and_the_cover_replaced(demo, verified_client):
    client = verified_client(demo.town_admin)
    wuyuan = Region.objects.get(code="330424001")
    fields = {"slug": "happy-reading", "name": "乐读", "town": wuyuan.pk, "started_year": 2013, "level": "town"}
    assert 'enctype="multipart/form-data"' in client.get("/console/programmes/new/").content.decode()
    response = client.post("/console/programmes/new/", {**fields, "cover_upload": jpeg(), "cover_alt": "读书角"})
    assert response.status_code == 302
    programme = Programme.objects.select_related("cover").get(slug="happy-reading")
    first = programme.cover
    assert first.alt == "读书角"
    client.post(f"/console/programmes/{programme.pk}/", {**fields, "cover_upload": jpeg((300, 300))})
    programme.refresh_from_db()
    assert programme.cover != first and programme.cover.large_width == 300
    # Only a new description: the same picture, described anew.
    client.post(f"/console/programmes/{programme.pk}/", {**fields, "cover_alt": "孩子们在读书"})
    programme.refresh_from_db()
    assert programme.cover.large_width == 300 and programme.cover.alt == "孩子们在读书"


def test_a_campaign_gets_a_cover(demo, verified_client):
    admin = verified_client(demo.county_admin)
    county = Region.objects.get(code="330424")
    form = {"slug": "week-2027", "name": "2027 学习周", "starts_on": "2027-11-01", "ends_on": "2027-11-07"}
    assert 'enctype="multipart/form-data"' in admin.get("/console/campaigns/new/").content.decode()
    response = admin.post("/console/campaigns/new/", {**form, "host_region": county.pk, "cover_upload": jpeg()})
    assert response.status_code == 302
    campaign = Campaign.objects.get(slug="week-2027")
    assert campaign.cover is not None and campaign.cover.small_width == 480
    response = admin.post(
        f"/console/campaigns/{campaign.pk}/edit/", {**form, "host_region": county.pk, "cover_clear": "on"}
    )
    campaign.refresh_from_db()
    assert response.status_code == 302 and campaign.cover is None
