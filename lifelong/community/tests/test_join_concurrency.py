"""Parallel join requests by one person (a double tap, two devices), on PostgreSQL with real
connections: the partial unique index keeps one row, every other request answers 409
`already_member`. The control drops the index for the run and shows the race is real."""

import pytest
from django.db import connection

from lifelong.community import services
from lifelong.community.models import TeamMembership
from lifelong.testkit.races import race

from .helpers import person, team

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row-level races need PostgreSQL"),
]
CLIENTS = 8


def _requests(reading, reader):
    return [lambda: services.team_join_request(actor=reader, team=reading) for _ in range(CLIENTS)]


def test_a_person_racing_themselves_gets_one_request(county):
    reading, reader = team(county), person(county)
    outcomes = race(_requests(reading, reader))
    assert TeamMembership.objects.filter(team=reading, user=reader).count() == 1
    assert sum(1 for o in outcomes if getattr(o, "code", None) == "already_member") == CLIENTS - 1


def test_control_without_the_constraint_the_race_gives_duplicates(county):
    reading, reader = team(county), person(county)
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX membership_one_active_per_person")
    try:
        race(_requests(reading, reader))
        assert TeamMembership.objects.filter(team=reading, user=reader).count() > 1
    finally:
        TeamMembership.objects.filter(team=reading, user=reader).delete()
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE UNIQUE INDEX membership_one_active_per_person ON community_teammembership (team_id, user_id) "
                "WHERE status IN ('requested', 'member')"
            )
