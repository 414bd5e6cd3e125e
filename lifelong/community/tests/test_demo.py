"""The demo's brand programmes and teams: the five brands with figures that are not zero, and
the Hanfen Reading Team with a leader who can sign in, members and one request waiting."""

import pytest

from lifelong.accounts.models import User
from lifelong.community.models import Programme, Team
from lifelong.community.records import programme_activities, programme_figures
from lifelong.site.demo.load import demo_county_load

pytestmark = pytest.mark.django_db


def test_the_demo_has_five_brands_with_their_record_and_the_hanfen_reading_team():
    demo_county_load()
    brands = {p.slug: p for p in Programme.objects.select_related("town")}
    assert set(brands) == {
        "veteran-training",
        "nuclear-power-talents",
        "new-farmers-lectures",
        "colorful-classes",
        "happy-reading",
    }
    assert brands["nuclear-power-talents"].town.name == "秦山街道"
    assert brands["happy-reading"].level == "national" and brands["happy-reading"].name_en == "Happy Reading"
    for programme in brands.values():
        assert programme.story and programme.story_en and programme.name_en
        figures = programme_figures(programme=programme)
        assert figures.people_served > 0 and figures.attendance > 0 and figures.hours > 0, programme.slug
        upcoming, past = programme_activities(programme=programme)
        assert upcoming and past, programme.slug
        for activity in programme.activities.select_related("institution__region"):
            assert programme.institution_id == activity.institution_id or programme.town.contains(
                activity.institution.region
            )
    hanfen = Team.objects.get(name="涵芬读书会")
    assert hanfen.kind == "mass_organization" and hanfen.region.name == "武原街道"
    assert hanfen.leader.phone == "13900000007" and hanfen.leader.check_password("lifelong-demo")
    statuses = sorted(hanfen.memberships.values_list("status", flat=True))
    assert statuses.count("member") >= 5 and statuses.count("requested") == 1
    assert hanfen.activities.exists()
    assert not User.objects.filter(phone__in=["13900000001", "13900000006"], team_memberships__isnull=False).exists()
