import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from lifelong.accounts.models import User
from lifelong.regions.models import Region

pytestmark = pytest.mark.django_db


def test_demo_data_is_refused_outside_demo_mode():
    with pytest.raises(CommandError):
        call_command("demo_load")
    assert not Region.objects.exists() and not User.objects.exists()


@override_settings(DEMO_MODE=True)
def test_demo_load_fills_an_empty_database_once():
    call_command("demo_load")
    users = User.objects.count()
    call_command("demo_load", "--if-empty")
    assert User.objects.count() == users
    # The six personas, the Hanfen Reading Team's leader and the county's news editor and
    # reviewer; the rest are villagers without phones.
    assert User.objects.exclude(phone=None).count() == 9
    with pytest.raises(CommandError):
        call_command("demo_load")
    learner = User.objects.get(phone="13900000005")
    assert learner.birth_year == 1950 and learner.home_region.parent.code == "330424105"
    assert learner.check_password("lifelong-demo")


@override_settings(DEMO_MODE=True)
def test_the_demo_has_upcoming_open_activities_some_nearly_full():
    from django.utils import timezone

    from lifelong.activities.models import Activity
    from lifelong.activities.tests.helpers import assert_counters_match

    call_command("demo_load")
    now = timezone.now()
    open_now = Activity.objects.filter(status="published", registration_opens__lte=now, registration_closes__gt=now)
    assert open_now.count() >= 8
    assert any(a.seats_left <= 1 for a in open_now)
    assert any(a.waitlist_last_position > 0 for a in open_now)
    for activity in open_now:
        assert_counters_match(activity)


@pytest.mark.django_db
def test_the_elder_persona_opens_the_demo_on_a_coming_class_of_their_town():
    from django.utils import timezone

    from lifelong.activities.models import Registration
    from lifelong.site.demo.load import demo_county_load

    demo_county_load()
    coming = Registration.objects.filter(
        learner__phone="13900000005", status="confirmed", activity__sessions__starts_at__gt=timezone.now()
    ).select_related("activity__institution__region")
    assert coming.exists()
    assert all(r.activity.institution.region.path.startswith(r.learner.home_region.parent.path) for r in coming)
