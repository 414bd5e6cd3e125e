"""Time is always right: every public listing shows what is still to come, soonest first; the
past sits behind its own tab; "available" means a learner can still get a seat now."""

from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lifelong.activities import services
from lifelong.activities.models import Activity
from lifelong.activities.selectors import activity_catalogue
from lifelong.institutions.models import Institution
from lifelong.testkit.api import ApiClient

from .helpers import new_learner


def held(demo, title: str, *, first_in: timedelta, sessions: int = 1, **overrides) -> Activity:
    """A published activity of the Tongyuan school whose first session starts `first_in` from
    now (negative: in the past), one session a week, registration open until an hour before
    the first session (so a past activity's window has closed, as in real life)."""
    now = timezone.now()
    first = now + first_in
    school = Institution.objects.get(kind="community_school", region__code="330424105")
    fields = {
        "title": title,
        "category": "health",
        "audiences": ["elderly"],
        "capacity": 10,
        "registration_opens": first - timedelta(days=20),
        "registration_closes": first - timedelta(hours=1),
        "hours": 2,
        **overrides,
    }
    activity = services.activity_create(
        actor=demo.organizer,
        institution=school,
        sessions=[
            {"starts_at": first + timedelta(weeks=n), "ends_at": first + timedelta(weeks=n, hours=2)}
            for n in range(sessions)
        ],
        now=first - timedelta(days=20),  # entered when registration opened
        **fields,
    )
    return services.activity_publish(actor=demo.county_admin, activity=activity)


def _timeline(demo) -> dict[str, Activity]:
    return {
        "long_ago": held(demo, "去年的讲座", first_in=-timedelta(days=400)),
        "last_week": held(demo, "上周的讲座", first_in=-timedelta(days=7)),
        # A four-week course whose first three weeks are over: still coming, next session in 5 days.
        "course": held(demo, "进行中的课程", first_in=-timedelta(days=16), sessions=4),
        "tomorrow": held(demo, "明天的课", first_in=timedelta(days=1)),
        "next_month": held(demo, "下个月的课", first_in=timedelta(days=30)),
    }


def test_the_catalogue_lists_coming_activities_soonest_first_and_the_past_ones_latest_first(demo):
    _timeline(demo)
    assert [a.title for a in activity_catalogue()] == ["明天的课", "进行中的课程", "下个月的课"]
    assert [a.title for a in activity_catalogue(when="past")] == ["上周的讲座", "去年的讲座"]


def test_the_catalogue_page_defaults_to_coming_activities_and_has_a_past_tab(demo):
    _timeline(demo)
    page = Client().get("/activities/").content.decode()
    assert page.index("明天的课") < page.index("进行中的课程") < page.index("下个月的课")
    assert "上周的讲座" not in page and "去年的讲座" not in page
    assert 'href="?when=past"' in page  # the 往期 / Past tab

    past = Client().get("/activities/", {"when": "past"}).content.decode()
    assert past.index("上周的讲座") < past.index("去年的讲座")
    assert "明天的课" not in past and "进行中的课程" not in past and "下个月的课" not in past
    # A search on the past tab stays there: the form carries the tab along.
    searched = Client().get("/activities/", {"when": "past", "q": "去年"}).content.decode()
    assert "去年的讲座" in searched and "上周的讲座" not in searched
    assert 'name="when" value="past"' in searched


def test_the_home_page_shows_only_what_is_coming_soonest_first(demo):
    _timeline(demo)
    home = Client().get("/").content.decode()
    assert home.index("明天的课") < home.index("进行中的课程") < home.index("下个月的课")
    assert "上周的讲座" not in home and "去年的讲座" not in home


def test_the_home_page_puts_the_learners_village_first_then_their_town(demo):
    from lifelong.institutions.models import Venue

    village = demo.elder_learner.home_region
    far = held(demo, "县城的课", first_in=timedelta(days=1))
    near = held(demo, "村里的课", first_in=timedelta(days=5))
    town = held(demo, "镇上的课", first_in=timedelta(days=3))
    Activity.objects.filter(pk=far.pk).update(
        venue=Venue.objects.filter(institution__region__code__startswith="330424001").first()
    )
    Activity.objects.filter(pk=near.pk).update(venue=Venue.objects.filter(institution__region=village).first())
    client = Client()
    client.force_login(demo.elder_learner)
    home = client.get("/").content.decode()
    assert home.index("村里的课") < home.index("镇上的课") < home.index("县城的课")
    assert town.title in home


def test_a_learner_with_a_registration_sees_their_next_session_first(demo):
    later = held(demo, "书法提高班", first_in=timedelta(days=9))
    sooner = held(demo, "太极晨练", first_in=timedelta(days=2))
    for activity in (later, sooner):
        services.registration_create(actor=demo.elder_learner, activity=activity, learner=demo.elder_learner)
    client = Client()
    client.force_login(demo.elder_learner)
    home = client.get("/").content.decode()
    block = home[home.index('data-testid="home-next-session"') :]
    block = block[: block.index("</section>")]
    assert "太极晨练" in block and "书法提高班" not in block
    assert 'data-testid="home-next-session"' not in Client().get("/").content.decode()  # signed out: none


def test_the_api_catalogue_defaults_to_coming_and_has_when_past(demo):
    timeline = _timeline(demo)
    api = ApiClient()
    coming = api.get("/activities").json()
    assert [item["title"] for item in coming["items"]] == ["明天的课", "进行中的课程", "下个月的课"]
    assert coming["count"] == 3
    assert coming["items"][1]["next_starts_at"] is not None
    past = api.get("/activities", when="past").json()
    assert [item["id"] for item in past["items"]] == [timeline["last_week"].pk, timeline["long_ago"].pk]
    assert api.get("/activities", when="someday").status_code == 422


def test_available_means_coming_open_now_and_with_a_seat_open_online(demo):
    now = timezone.now()
    open_one = held(demo, "可以报名的课", first_in=timedelta(days=5))
    held(demo, "已结束但窗口未关", first_in=-timedelta(days=3), registration_closes=now + timedelta(days=3))
    held(demo, "报名已截止的课", first_in=timedelta(days=5), registration_closes=now - timedelta(hours=1))
    held(
        demo,
        "还没开放报名的课",
        first_in=timedelta(days=20),
        registration_opens=now + timedelta(days=2),
        registration_closes=now + timedelta(days=19),
    )
    full = held(demo, "满员的课", first_in=timedelta(days=5), capacity=1)
    someone = new_learner(demo)
    services.registration_create(actor=someone, activity=full, learner=someone)
    # Seats are left, but only the offline reserve: an online learner cannot have one.
    reserve = held(demo, "只剩线下名额的课", first_in=timedelta(days=5), capacity=2, reserved_offline=1)
    services.registration_create(actor=someone, activity=reserve, learner=someone)

    assert [a.title for a in activity_catalogue(available=True)] == [open_one.title]
    api = ApiClient().get("/activities", available="true").json()
    assert [item["id"] for item in api["items"]] == [open_one.pk]
    page = Client().get("/activities/", {"available": "on"}).content.decode()
    assert "可以报名的课" in page
    for title in ("已结束但窗口未关", "报名已截止的课", "还没开放报名的课", "满员的课", "只剩线下名额的课"):
        assert title not in page
    # Without the filter the coming ones are all listed, each saying where it stands.
    everything = Client(headers={"accept-language": "en"}).get("/activities/").content.decode()
    assert "Registration closed" in everything and "Full · waitlist" in everything and "Opens " in everything


def test_cards_say_where_each_activity_stands(demo):
    now = timezone.now()
    held(demo, "开放中", first_in=timedelta(days=3))
    held(demo, "已截止", first_in=timedelta(days=3), registration_closes=now - timedelta(minutes=5))
    held(demo, "已结束", first_in=-timedelta(days=3))
    english = Client(headers={"accept-language": "en"})
    coming = english.get("/activities/").content.decode()
    assert 'data-state="open"' in coming and "10 seats left" in coming
    assert 'data-state="closed"' in coming
    past = english.get("/activities/", {"when": "past"}).content.decode()
    assert 'data-state="past"' in past and "Ended" in past


def _queries(client: Client, path: str, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path, params).status_code == 200
    return len(queries)


def test_the_catalogue_and_home_run_a_fixed_number_of_queries(demo):
    _timeline(demo)
    learner = Client()
    learner.force_login(demo.elder_learner)
    services.registration_create(
        actor=demo.elder_learner, activity=Activity.objects.get(title="明天的课"), learner=demo.elder_learner
    )

    def counts() -> tuple[int, ...]:
        return (
            _queries(Client(), "/activities/"),
            _queries(Client(), "/activities/", when="past"),
            _queries(Client(), "/activities/", q="课", available="on", category="health"),
            _queries(Client(), "/"),
            _queries(learner, "/"),
            _queries(learner, "/activities/"),
        )

    counts()  # the first signed-in request also loads what the session caches
    before = counts()
    for n in range(8):
        held(demo, f"更多的课{n}", first_in=timedelta(days=2 + n), sessions=2)
        held(demo, f"更早的课{n}", first_in=-timedelta(days=30 + n))
    assert counts() == before
    # The town choices of the filters, the count and the page of cards: nothing per card.
    assert before[0] == 3
