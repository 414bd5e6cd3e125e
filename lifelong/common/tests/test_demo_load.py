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
    assert User.objects.count() == users == 6
    with pytest.raises(CommandError):
        call_command("demo_load")
    learner = User.objects.get(phone="13900000005")
    assert learner.birth_year == 1950 and learner.home_region.parent.code == "330424105"
    assert learner.check_password("lifelong-demo")
