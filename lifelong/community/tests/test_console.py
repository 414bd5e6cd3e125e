"""Console forms: admins add and edit programmes and teams; an organizer puts an activity in
a programme and with a team; refusals are form errors that change nothing."""

from datetime import timedelta

from django.utils import timezone

from lifelong.activities.models import Activity
from lifelong.common.models import AuditEvent
from lifelong.community.models import Programme, Team
from lifelong.regions.models import Region
from lifelong.testkit.regions import GANPU, WUYUAN

from .helpers import brand, person, school, team


def test_a_town_admin_adds_a_programme_of_their_town(demo, verified_client):
    client = verified_client(demo.town_admin)
    wuyuan = Region.objects.get(code=WUYUAN)
    form = client.get("/console/programmes/new/").content.decode()
    assert "武原街道" in form and "澉浦镇" not in form  # only towns in scope
    response = client.post(
        "/console/programmes/new/",
        {"slug": "happy-reading", "name": "乐读", "name_en": "Happy Reading", "town": wuyuan.pk, "started_year": 2013,
         "level": "national", "story": "全民阅读。"},
    )  # fmt: skip
    assert response.status_code == 302
    programme = Programme.objects.get(slug="happy-reading")
    assert programme.town == wuyuan and programme.level == "national"
    refused = client.post(
        "/console/programmes/new/",
        {
            "slug": "other",
            "name": "外镇",
            "town": Region.objects.get(code=GANPU).pk,
            "started_year": 2013,
            "level": "town",
        },
    )
    assert refused.status_code == 200 and not Programme.objects.filter(slug="other").exists()
    backwards = client.post(
        f"/console/programmes/{programme.pk}/",
        {"slug": "happy-reading", "name": "乐读", "town": wuyuan.pk, "started_year": 2013, "ended_year": 2010,
         "level": "national"},
    )  # fmt: skip
    assert backwards.status_code == 200  # the form again, with the error
    programme.refresh_from_db()
    assert programme.ended_year is None


def test_staff_name_a_team_leader_by_mobile_number_and_can_hand_the_team_over(demo, verified_client):
    client = verified_client(demo.town_admin)
    wuyuan = Region.objects.get(code=WUYUAN)
    fields = {"kind": "mass_organization", "name": "涵芬读书会", "region": wuyuan.pk, "is_active": "on"}
    unknown = client.post("/console/teams/new/", {**fields, "leader_phone": "13912345678"})
    assert unknown.status_code == 200 and not Team.objects.exists()
    assert client.post("/console/teams/new/", {**fields, "leader_phone": demo.young_learner.phone}).status_code == 302
    reading = Team.objects.get()
    assert reading.leader == demo.young_learner
    successor = person(demo)
    response = client.post(f"/console/teams/{reading.pk}/", {**fields, "leader_phone": successor.phone})
    assert response.status_code == 302
    reading.refresh_from_db()
    assert reading.leader == successor and reading.memberships.filter(user=successor, status="member").exists()
    audit = AuditEvent.objects.filter(object_type="community.team", object_id=str(reading.pk)).order_by("id")
    assert list(audit.values_list("action", flat=True)) == ["created", "updated"]
    assert audit.last().changes == {"leader": successor.pk}


def test_the_activity_form_offers_programmes_and_teams_and_keeps_the_rule(demo, verified_client):
    local = brand(demo)
    far = brand(demo, town=WUYUAN, name="乐读")
    village = demo.village_admin.role_grants.get().region
    farmers = team(demo, region=village, leader=person(demo, home=village), name="田间学习队")
    client = verified_client(demo.organizer)
    form = client.get("/console/activities/new/").content.decode()
    assert local.name in form and "田间学习队" in form and "乐读" not in form
    now = timezone.localtime()
    data = {
        "institution": school().pk,
        "title": "田间课堂",
        "category": "agriculture",
        "audiences": ["farmers"],
        "capacity": 20,
        "reserved_offline": 0,
        "registration_opens": now.strftime("%Y-%m-%dT%H:%M"),
        "registration_closes": (now + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
        "offer_hours": 24,
        "hours": 0,
        "completion_share": 80,
        "programme": local.pk,
        "team": farmers.pk,
        "sessions-TOTAL_FORMS": 1,
        "sessions-INITIAL_FORMS": 0,
        "sessions-MIN_NUM_FORMS": 1,
        "sessions-MAX_NUM_FORMS": 30,
        "sessions-0-starts_at": (now + timedelta(days=6)).strftime("%Y-%m-%dT%H:%M"),
        "sessions-0-ends_at": (now + timedelta(days=6, hours=2)).strftime("%Y-%m-%dT%H:%M"),
    }
    assert client.post("/console/activities/new/", data).status_code == 302
    activity = Activity.objects.get()
    assert (activity.programme, activity.team) == (local, farmers)
    refused = client.post("/console/activities/new/", {**data, "programme": far.pk})
    assert refused.status_code == 200 and Activity.objects.count() == 1
    detail = client.get(f"/activities/{activity.pk}/").content.decode()  # a draft its organizer sees
    assert f'href="/programmes/{local.slug}/"' in detail and f'href="/teams/{farmers.pk}/"' in detail
