"""The public honour roll, a recipient's honours on its own page, and the console flow with a
learning star nominated from the learning-star list."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lifelong.honours import services
from lifelong.honours.models import Honor, HonorCall, Nomination, Review
from lifelong.institutions.models import Institution
from lifelong.passport.selectors import passport_summary
from lifelong.passport.tests.helpers import attend, course, enrol

from .helpers import honour_recorded, open_call, places, staff


@pytest.fixture
def where(demo):
    return places(demo)


# Session, user, grants, 2FA device, unread notices; the call; its nominations; their reviews.
QUERIES_CALL_PAGE = 8


def record(demo, kind, recipient, *, title="示范单位", level="county", year=2020) -> Honor:
    return honour_recorded(
        demo.county_admin,
        kind,
        recipient,
        title=title,
        level=level,
        year=year,
        awarding_body="海盐县教育局",
        awarding_body_en="Haiyan County Education Bureau",
    )


def honours_of_every_kind(demo, where, n: int) -> None:
    halls = list(Institution.objects.filter(kind="experience_hall").order_by("pk"))
    for i in range(n):
        year = 2000 + i
        record(demo, "region", where.tongyuan, year=year)
        record(demo, "institution", halls[i % len(halls)], year=year, level="municipal")
        record(demo, "institution", where.tongyuan_school, year=year)
        record(demo, "programme", where.programme, year=year, level="national")
        record(demo, "team", where.team, year=year)
        record(demo, "learner", demo.elder_learner, year=year)


@pytest.mark.parametrize("n", [1, 4])
def test_the_roll_runs_a_fixed_number_of_queries(demo, where, django_assert_num_queries, n):
    honours_of_every_kind(demo, where, n)
    client = Client()
    # The years for the filter, the count, the page with every recipient joined, the halls' venues.
    with django_assert_num_queries(4):
        response = client.get("/honors/")
    assert response.status_code == 200 and response.content.decode().count('class="honour"') == 6 * n
    with django_assert_num_queries(4):
        assert client.get("/honors/", {"level": "municipal", "kind": "institution", "year": 2000}).status_code == 200


def test_the_roll_links_recipients_to_their_pages_and_names_learners_with_their_town(demo, where):
    honours_of_every_kind(demo, where, 1)
    page = Client().get("/honors/").content.decode()
    assert 'data-testid="honour-roll"' in page and 'data-testid="honour-filters"' in page
    assert f'href="/programmes/{where.programme.slug}/"' in page
    assert f'href="/teams/{where.team.pk}/"' in page
    assert 'href="/network/330424105/"' in page  # Tongyuan town, and the Tongyuan school's town
    hall = Institution.objects.filter(kind="experience_hall").order_by("pk").first()
    assert f'href="/venues/{hall.venues.get().pk}/"' in page
    learner = demo.elder_learner
    assert learner.name in page and "通元镇" in page
    assert learner.home_region.name not in page  # the town only, never the village


def test_the_roll_filters_by_level_year_and_kind(demo, where):
    record(demo, "team", where.team, title="嘉兴市快乐学习型社团", level="municipal", year=2019)
    record(demo, "programme", where.programme, title="全国终身学习品牌项目", level="national", year=2017)
    record(demo, "region", where.county, title="浙江省示范性学习型城市", level="provincial", year=2017)
    client = Client()

    def titles(**query):
        page = client.get("/honors/", query).content.decode()
        return {t for t in ("快乐学习型社团", "终身学习品牌", "学习型城市") if t in page}

    assert titles() == {"快乐学习型社团", "终身学习品牌", "学习型城市"}
    assert titles(level="national") == {"终身学习品牌"}
    assert titles(year=2017) == {"终身学习品牌", "学习型城市"}
    assert titles(kind="team") == {"快乐学习型社团"}
    assert titles(kind="region", year=2017) == {"学习型城市"}
    assert titles(year=1900, level="galactic") == {"快乐学习型社团", "终身学习品牌", "学习型城市"}  # ignored


def test_a_recipients_honours_show_on_its_own_page(demo, where, django_assert_num_queries):
    from django.template import Context, Template

    record(demo, "region", where.tongyuan, title="学习型乡镇")
    record(demo, "programme", where.programme, title="全国终身学习品牌项目", level="national", year=2017)
    record(demo, "learner", demo.elder_learner, title="终身学习之星")
    assert "学习型乡镇" in Client().get("/network/330424105/").content.decode()
    assert "学习型乡镇" not in Client().get("/network/330424001/").content.decode()
    assert "全国终身学习品牌项目" in Client().get(f"/programmes/{where.programme.slug}/").content.decode()
    learner = Client()
    learner.force_login(demo.elder_learner)
    assert "终身学习之星" in learner.get("/me/passport/").content.decode()
    with django_assert_num_queries(1):
        html = Template("{% load honours %}{% honours_of team %}").render(Context({"team": where.team}))
    assert "No honours recorded yet." in html or "暂无" in html


# --- The console ---------------------------------------------------------------------------------


@pytest.fixture
def star(demo, where, django_capture_on_commit_callbacks):
    """The elder learner attended two sessions of a Tongyuan course."""
    activity = course(demo, sessions=2)
    enrol(activity, demo.elder_learner)
    with django_capture_on_commit_callbacks(execute=True):
        for session in activity.sessions.all():
            attend(demo, session, demo.elder_learner)
    return demo.elder_learner


def test_a_learning_star_is_nominated_from_the_star_list_with_their_record(
    demo, where, star, verified_client, django_capture_on_commit_callbacks
):
    call = open_call(demo.county_admin, where.county)
    client = verified_client(demo.village_admin)
    today = timezone.localdate()
    stars = client.get(
        "/console/learning-stars/",
        {
            "region": demo.village_admin.role_grants.get().region.code,
            "date_from": today - timedelta(days=365),
            "date_to": today + timedelta(days=60),  # the course's sessions lie ahead
        },
    ).content.decode()
    link = f"/console/honours/calls/{call.pk}/nominate/?learner={star.pk}"
    assert link.replace("&", "&amp;") in stars
    form = client.get(link)
    assert form.status_code == 200
    summary = passport_summary(learner=star)
    html = form.content.decode()
    assert 'data-testid="nomination-record"' in html and str(summary.total_hours) in html
    initial = form.context["form"].initial
    assert initial["recipient"] == f"learner:{star.pk}" and str(summary.total_hours) in initial["statement"]
    response = client.post(link, {"recipient": f"learner:{star.pk}", "statement": initial["statement"]})
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert nomination.learner == star and nomination.nominated_by == demo.village_admin
    assert nomination.record["in_all"]["hours"] == str(summary.total_hours)
    assert nomination.record["in_all"]["points"] == summary.total_points
    assert nomination.record["in_all"]["activities"] == 1
    # Out of scope: the Wuyuan learner is not the village admin's to nominate.
    assert client.get(f"/console/honours/calls/{call.pk}/nominate/?learner={demo.young_learner.pk}").status_code == 404


def _call_opened_in_the_console(county) -> HonorCall:
    """The county admin opens a call for learners and teams, closing in ten days."""
    today = timezone.localdate()
    response = county.post(
        "/console/honours/calls/new/",
        {
            "region": "330424",
            "title": "终身学习之星",
            "title_en": "Lifelong learning stars",
            "year": today.year,
            "awarding_body": "海盐县教育局",
            "opens_on": today.isoformat(),
            "closes_on": (today + timedelta(days=10)).isoformat(),
            "accepts": ["learner", "team"],
        },
    )
    call = HonorCall.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/honours/calls/{call.pk}/"
    return call


def test_the_console_runs_a_call_from_opening_to_award(
    demo, where, star, verified_client, django_capture_on_commit_callbacks
):
    county = verified_client(demo.county_admin)
    call = _call_opened_in_the_console(county)
    town = verified_client(demo.town_admin)
    nominate_page = town.get(f"/console/honours/calls/{call.pk}/nominate/").content.decode()
    assert f'value="team:{where.team.pk}"' in nominate_page  # Wuyuan's team is a choice
    assert f"programme:{where.programme.pk}" not in nominate_page  # not a kind this call takes
    assert (
        town.post(
            f"/console/honours/calls/{call.pk}/nominate/", {"recipient": f"team:{where.team.pk}", "statement": "共读"}
        ).status_code
        == 302
    )
    village = verified_client(demo.village_admin)
    village.post(
        f"/console/honours/calls/{call.pk}/nominate/?learner={star.pk}",
        {"recipient": f"learner:{star.pk}", "statement": "坚持学习"},
    )
    assert Nomination.objects.count() == 2
    assert county.post(f"/console/honours/calls/{call.pk}/close/").status_code == 302
    reviewer = staff("13600000301", "reviewer", where.county, name="县评审")
    reviewer_client = verified_client(reviewer)
    team_nomination = Nomination.objects.get(team=where.team)
    star_nomination = Nomination.objects.get(learner=star)
    for client, score in ((reviewer_client, 95), (county, 85)):
        assert (
            client.post(
                f"/console/honours/nominations/{star_nomination.pk}/review/", {"score": score, "comment": "好"}
            ).status_code
            == 302
        )
    again = reviewer_client.post(f"/console/honours/nominations/{star_nomination.pk}/review/", {"score": 10})
    assert again.status_code == 200 and Review.objects.count() == 2  # the form says why
    page = county.get(f"/console/honours/calls/{call.pk}/").content.decode()
    assert ">90.0<" in page and 'data-testid="award"' in page
    with django_capture_on_commit_callbacks(execute=True):
        county.post(f"/console/honours/calls/{call.pk}/award/", {"nominations": [star_nomination.pk]})
    star_nomination.refresh_from_db()
    team_nomination.refresh_from_db()
    assert star_nomination.status == "awarded" and team_nomination.status == "not_awarded"
    assert Honor.objects.get().learner == star
    assert "终身学习之星" in Client().get("/honors/").content.decode()
    listing = county.get("/console/honours/").content.decode()
    assert "终身学习之星" in listing


def test_historical_honours_are_recorded_in_the_console(demo, where, verified_client):
    county = verified_client(demo.county_admin)
    form = county.get("/console/honours/new/").content.decode()
    assert f'value="programme:{where.programme.pk}"' in form and 'value="region:330424"' in form
    response = county.post(
        "/console/honours/new/",
        {
            "recipient": "region:330424",
            "title": "浙江省示范性学习型城市",
            "title_en": "Model Learning-Oriented City of Zhejiang",
            "level": "provincial",
            "year": 2017,
            "awarding_body": "浙江省教育厅",
        },
    )
    assert response.status_code == 302
    assert Honor.objects.get().region == where.county
    town = verified_client(demo.town_admin)
    refused = town.post(
        "/console/honours/new/",
        {"recipient": "region:330424", "title": "x", "level": "county", "year": 2020, "awarding_body": "x"},
    )
    assert refused.status_code == 200 and Honor.objects.count() == 1  # not a choice for a town admin


@pytest.mark.parametrize("n", [1, 4])
def test_the_console_call_page_runs_a_fixed_number_of_queries(
    demo, where, verified_client, django_assert_num_queries, n
):
    from lifelong.accounts.models import User

    call = open_call(demo.county_admin, where.county)
    for i in range(n):
        learner = User.objects.create(name=f"学员{i}", home_region=demo.elder_learner.home_region, birth_year=1960)
        nomination = services.nomination_create(
            actor=demo.village_admin, call=call, kind="learner", recipient=learner, statement="好学"
        )
        Review.objects.create(nomination=nomination, reviewer=demo.county_admin, score=70)
    client = verified_client(demo.county_admin)
    client.get("/console/")  # the session's first request records its activity
    with django_assert_num_queries(QUERIES_CALL_PAGE):
        response = client.get(f"/console/honours/calls/{call.pk}/")
    assert response.content.decode().count("data-nomination=") == n
