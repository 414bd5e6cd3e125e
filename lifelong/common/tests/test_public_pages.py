from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lifelong.institutions.models import Institution, Venue
from lifelong.regions.models import Region


def queries_for(path: str) -> int:
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_home_shows_every_town_with_its_counts(demo):
    html = Client().get("/").content.decode()
    for town in Region.objects.filter(level="town"):
        assert town.name in html
    assert "456,775" in html
    tongyuan = Region.objects.get(code="330424105")
    institutions = Institution.objects.filter(region__path__startswith=tongyuan.path).count()
    assert f"{institutions} 个机构" in html


def test_a_town_page_lists_its_institutions_venues_and_villages(demo):
    html = Client().get("/network/330424104/").content.decode()
    ganpu = Region.objects.get(code="330424104")
    assert "澉浦社区学校" in html and "南北湖生态研学馆" in html
    assert all(v.name in html for v in ganpu.children.all())
    assert Client().get("/network/330424104201/").status_code == 404  # a village is not a town page
    assert Client().get("/network/nope/").status_code == 404


def test_public_pages_run_the_same_number_of_queries_whatever_the_size(demo):
    before = (queries_for("/"), queries_for("/network/330424105/"))
    tongyuan = Region.objects.get(code="330424105")
    for n in range(25):
        place = Institution.objects.create(kind="social_organization", name=f"协会{n}", region=tongyuan)
        Venue.objects.create(institution=place, name="活动室", capacity=20)
    assert (queries_for("/"), queries_for("/network/330424105/")) == before
