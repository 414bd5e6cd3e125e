"""The activity page tells a person what they need to decide before they tap: where it stands
in words, who may join (and whether they may), when and where with a map link that works
offline, whom to call, what it is about; and it never offers a button that cannot work."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from lifelong.activities import services
from lifelong.activities.models import Activity
from lifelong.common.demo import haiyan
from lifelong.institutions.models import Institution, Venue
from lifelong.regions.models import Region
from lifelong.site.demo import activity_texts

from .helpers import new_learner
from .test_catalogue_time import held


def english(user=None) -> Client:
    client = Client(headers={"accept-language": "en"})
    if user is not None:
        client.force_login(user)
    return client


def page_of(activity: Activity, client: Client | None = None) -> str:
    response = (client or english()).get(f"/activities/{activity.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def register_form(activity: Activity) -> str:
    return f'action="/activities/{activity.pk}/register/"'


def test_a_past_activity_says_it_ended_and_offers_no_register_button(demo):
    # Its window is still open (an organizer forgot to close it): it has ended all the same.
    past = held(demo, "去年的讲座", first_in=-timedelta(days=3), registration_closes=timezone.now() + timedelta(days=2))
    for client in (english(), english(demo.elder_learner)):
        page = page_of(past, client)
        assert 'data-state="past"' in page and "This activity has ended." in page
        assert register_form(past) not in page and "Sign me up" not in page and "Sign in to register" not in page
        assert 'class="is-past"' in page  # its session is greyed and marked


@pytest.mark.parametrize(
    ("overrides", "state", "words"),
    [
        ({"registration_closes_in": -timedelta(hours=1)}, "closed", "Registration has closed."),
        ({"registration_opens_in": timedelta(days=2)}, "not_open", "Registration opens "),
    ],
)
def test_closed_and_not_yet_open_activities_say_why_without_a_button(demo, overrides, state, words):
    now = timezone.now()
    fields = {}
    if "registration_closes_in" in overrides:
        fields["registration_closes"] = now + overrides["registration_closes_in"]
    if "registration_opens_in" in overrides:
        fields["registration_opens"] = now + overrides["registration_opens_in"]
        fields["registration_closes"] = now + timedelta(days=9)
    activity = held(demo, "讲座", first_in=timedelta(days=10), **fields)
    page = page_of(activity, english(demo.elder_learner))
    assert f'data-state="{state}"' in page and words in page
    assert register_form(activity) not in page


def test_a_full_activity_with_a_waitlist_offers_the_waitlist_and_one_without_offers_nothing(demo):
    with_list = held(demo, "有候补的课", first_in=timedelta(days=5), capacity=1)
    without = held(demo, "无候补的课", first_in=timedelta(days=5), capacity=1, waitlist=False)
    someone = new_learner(demo)
    for activity in (with_list, without):
        services.registration_create(actor=someone, activity=activity, learner=someone)
    page = page_of(with_list, english(demo.elder_learner))
    assert "Full: you can join the waitlist." in page and "Join the waitlist" in page
    page = page_of(without, english(demo.elder_learner))
    assert "Full: no seats left." in page and register_form(without) not in page


def test_the_public_never_sees_the_internal_status_word(demo):
    activity = held(demo, "太极入门", first_in=timedelta(days=5))
    assert "已发布" not in page_of(activity, Client())
    assert "Published" not in page_of(activity)
    assert "Open for registration: 10 seats left." in page_of(activity)


def test_eligibility_is_said_in_words_before_anyone_taps(demo):
    tongyuan = Region.objects.get(code="330424105")
    activity = held(
        demo, "长者保健操", first_in=timedelta(days=5), min_age=60, residents_of=tongyuan, requires_approval=True
    )
    page = page_of(activity)  # signed out
    assert "Only for people aged 60 and over." in page
    assert "Only for residents of Tongyuan Town." in page
    assert "Staff review each registration before it is confirmed." in page
    assert 'data-testid="my-eligibility"' not in page and "Sign in to register" in page

    # The elder persona (born 1950, a Tongyuan village) may: the same rule registration uses says so.
    mine = page_of(activity, english(demo.elder_learner))
    assert "You meet the conditions to register." in mine and register_form(activity) in mine
    # The young persona (born 1990, Wuyuan) may not, and is told why instead of given a button.
    theirs = page_of(activity, english(demo.young_learner))
    assert "Your age is outside this activity" in theirs
    assert register_form(activity) not in theirs


def test_a_village_restriction_names_its_town_and_a_residence_refusal_says_so(demo):
    village = demo.elder_learner.home_region
    activity = held(demo, "村民夜校", first_in=timedelta(days=5), residents_of=village)
    page = page_of(activity, english(demo.young_learner))
    assert f"Only for residents of {village.name_en}, Tongyuan Town." in page
    assert "your home is elsewhere" in page and register_form(activity) not in page


def test_a_campaign_cap_is_said_too(demo):
    from lifelong.campaigns.services import campaign_create, campaign_proposal_decide

    today = timezone.localdate()
    week = campaign_create(
        actor=demo.county_admin,
        slug="week",
        name="学习周",
        name_en="Learning Week",
        starts_on=today,
        ends_on=today + timedelta(days=10),
        host_region=Region.objects.get(level="county"),
        registration_cap=3,
    )
    activity = held(demo, "活动周讲座", first_in=timedelta(days=5), campaign=week)
    if activity.campaign_status != "accepted":
        campaign_proposal_decide(actor=demo.county_admin, activity=activity, accept=True)
    assert "During Learning Week each person may hold at most 3 registrations." in page_of(activity)


def _venue_with_a_place() -> Venue:
    venue = Venue.objects.filter(institution__kind="community_school", institution__region__code="330424105").first()
    Venue.objects.filter(pk=venue.pk).update(
        address="海盐县通元镇通元中路 36 号",
        latitude=Decimal("30.520000"),
        longitude=Decimal("120.835000"),
        transport_notes="乘 204 路到“通元镇政府”站",
        transport_notes_en="Bus 204 to the Tongyuan Town Hall stop",
        accessibility_notes_en="Ground floor, step-free",
    )
    return Venue.objects.get(pk=venue.pk)


def test_the_page_gives_address_directions_map_links_and_a_phone_to_call(demo):
    venue = _venue_with_a_place()
    activity = held(demo, "太极拳晨练班", first_in=timedelta(days=5), venue=venue)
    Activity.objects.filter(pk=activity.pk).update(contact_phone="0573-86123456")
    page = page_of(activity)
    assert "海盐县通元镇通元中路 36 号" in page
    assert "Bus 204 to the Tongyuan Town Hall stop" in page and "Ground floor, step-free" in page
    assert "latitude 30.52000, longitude 120.83500" in page  # the numbers work without the internet
    assert 'href="geo:30.520000,120.835000?q=30.520000,120.835000(' in page
    assert "https://uri.amap.com/marker?position=120.835000%2C30.520000" in page and "coordinate=wgs84" in page
    assert 'href="tel:057386123456"' in page and "Call 0573-86123456" in page
    assert venue.institution.name_en in page


def test_without_its_own_phone_the_page_gives_the_organizers(demo):
    Institution.objects.filter(kind="community_school", region__code="330424105").update(contact_phone="0573-86550001")
    activity = held(demo, "读书会", first_in=timedelta(days=5))
    assert 'href="tel:057386550001"' in page_of(activity)
    Institution.objects.update(contact_phone="")
    assert 'data-testid="contact-phone"' not in page_of(Activity.objects.get(pk=activity.pk))


def test_the_description_is_rendered_as_rich_text_in_the_readers_language(demo):
    activity = held(demo, "太极拳晨练班", first_in=timedelta(days=5))
    Activity.objects.filter(pk=activity.pk).update(
        description="<p>清晨练拳。</p><ul><li>带水</li></ul>", description_en="<p>Tai chi at dawn.</p>"
    )
    chinese = page_of(activity, Client())
    assert '<div class="ll-prose"><p>清晨练拳。</p><ul><li>带水</li></ul></div>' in chinese
    assert "<p>Tai chi at dawn.</p>" in page_of(activity)


def test_sessions_already_held_are_marked_and_the_headline_gives_the_next_one(demo):
    course = held(demo, "四周课程", first_in=-timedelta(days=9), sessions=4)
    page = page_of(course)
    assert page.count('class="is-past"') == 2
    upcoming = timezone.localtime(course.sessions.order_by("starts_at")[2].starts_at)
    headline = page[page.index('class="ll-activity__headline"') :]
    assert upcoming.strftime("%Y-%m-%d") in headline[: headline.index("</ul>")]


def test_cancelling_asks_for_confirmation_first(demo):
    activity = held(demo, "太极入门", first_in=timedelta(days=5))
    services.registration_create(actor=demo.elder_learner, activity=activity, learner=demo.elder_learner)
    page = page_of(activity, english(demo.elder_learner))
    form = page[page.index('action="/registrations/') :]
    form = form[: form.index(">")]
    assert 'data-confirm="Cancel your registration for' in form
    assert 'data-testid="my-status"' in page and register_form(activity) not in page


def test_withdrawing_a_request_that_holds_no_seat_does_not_speak_of_a_seat(demo):
    activity = held(demo, "书法审核班", first_in=timedelta(days=5), requires_approval=True)
    mine = services.registration_create(actor=demo.elder_learner, activity=activity, learner=demo.elder_learner)
    assert mine.status == "pending"
    page = page_of(activity, english(demo.elder_learner))
    form = page[page.index('action="/registrations/') :]
    form = form[: form.index(">")]
    assert 'data-confirm="Withdraw your request to join' in form and "seat" not in form


def test_a_staff_member_sees_that_a_draft_is_not_public(demo, verified_client):
    school = Institution.objects.get(kind="community_school", region__code="330424105")
    now = timezone.now()
    draft = services.activity_create(
        actor=demo.organizer,
        institution=school,
        sessions=[{"starts_at": now + timedelta(days=3), "ends_at": now + timedelta(days=3, hours=1)}],
        title="草稿",
        category="health",
        capacity=5,
        registration_opens=now,
        registration_closes=now + timedelta(days=2),
    )
    page = page_of(draft, verified_client(demo.organizer))
    assert 'data-testid="staff-note"' in page and register_form(draft) not in page
    assert Client().get(f"/activities/{draft.pk}/").status_code == 404


def test_every_demo_venue_has_an_address_coordinates_in_its_town_and_directions(demo):
    venues = Venue.objects.select_related("institution__region__parent")
    assert venues.exists()
    for venue in venues:
        assert venue.address.startswith("海盐县"), venue
        assert venue.transport_notes and venue.transport_notes_en, venue
        assert Decimal("30.35") < venue.latitude < Decimal("30.65"), venue
        assert Decimal("120.78") < venue.longitude < Decimal("121.02"), venue
        region = venue.institution.region
        town = {"town": region, "village": region.parent}.get(region.level)
        if town is not None:  # county institutions are in the county seat
            assert town.name in venue.address, venue
            centre = haiyan.TOWN_PLACES[town.code]
            assert abs(venue.latitude - Decimal(centre.latitude)) < Decimal("0.04"), venue
            assert abs(venue.longitude - Decimal(centre.longitude)) < Decimal("0.04"), venue


def _described(titles: set[str]) -> None:
    for title in titles:
        texts = activity_texts.description_for(title)
        assert texts is not None, title
        assert texts[0].startswith("<p>") and texts[1].startswith("<p>"), title


def test_every_demo_activity_title_has_a_description_in_both_languages():
    from lifelong.site.demo.community import BRANDS

    titles = {spec[0] for spec in haiyan.ACTIVITIES} | {haiyan.PAST_COURSE[0]}
    titles |= {spec[0] for spec in haiyan.LEARNING_WEEK_2019_ACTIVITIES}
    titles |= {brand.past[0] for brand in BRANDS} | {brand.coming[0] for brand in BRANDS}
    _described(titles)


def test_the_demo_years_courses_are_described_too():
    history = pytest.importorskip("lifelong.site.demo.history")  # the demo history's own module
    _described({course.title for course in history.VILLAGE_COURSES + history.TOWN_COURSES + history.COUNTY_COURSES})


def test_cancelling_on_the_page_comes_back_to_it(demo):
    activity = held(demo, "太极入门", first_in=timedelta(days=5))
    mine = services.registration_create(actor=demo.elder_learner, activity=activity, learner=demo.elder_learner)
    client = english(demo.elder_learner)
    page = page_of(activity, client)
    assert f'name="next" value="/activities/{activity.pk}/"' in page
    response = client.post(f"/registrations/{mine.pk}/cancel/", {"next": f"/activities/{activity.pk}/"})
    assert response.status_code == 302 and response["Location"] == f"/activities/{activity.pk}/"
    assert "Sign me up" in client.get(response["Location"]).content.decode()  # and may register again
    again = services.registration_create(actor=demo.elder_learner, activity=activity, learner=demo.elder_learner)
    response = client.post(f"/registrations/{again.pk}/cancel/", {"next": "https://elsewhere.example/"})
    assert response["Location"] == "/me/"  # never off the site


def test_the_demo_rules_name_real_demo_activities():
    titles = {spec[0] for spec in haiyan.ACTIVITIES}
    assert set(haiyan.ACTIVITY_RULES) <= titles


def test_after_registration_closes_the_page_offers_no_cancel_button_that_would_be_refused(demo):
    activity = held(demo, "太极入门", first_in=timedelta(days=5))
    mine = services.registration_create(actor=demo.elder_learner, activity=activity, learner=demo.elder_learner)
    Activity.objects.filter(pk=activity.pk).update(registration_closes=timezone.now() - timedelta(minutes=1))

    page = page_of(activity, english(demo.elder_learner))
    assert f'action="/registrations/{mine.pk}/cancel/"' not in page  # the service answers cancel_closed
    assert "please call the organizer" in page
