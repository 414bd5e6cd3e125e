"""The demo county's named personas, shared by tests and demo data: a county, town and village
admin, an organizer, an elder and a young learner, all with the published demo password."""

from lifelong.accounts.models import User
from lifelong.common.demo.haiyan import DEMO_PASSWORD

PERSONA_PHONES = {
    "county_admin": "13900000001",
    "town_admin": "13900000002",  # Wuyuan subdistrict
    "village_admin": "13900000003",  # a Tongyuan village
    "organizer": "13900000004",  # Tongyuan community school
    "elder_learner": "13900000005",  # born 1950, that Tongyuan village
    "young_learner": "13900000006",  # born 1990, Wuyuan
}


class Personas:
    """The six personas as attributes (`demo.county_admin` … `demo.young_learner`), read from the
    database, and their `password`."""

    def __init__(self):
        users = {u.phone: u for u in User.objects.filter(phone__in=PERSONA_PHONES.values())}
        for key, phone in PERSONA_PHONES.items():
            setattr(self, key, users[phone])
        self.password = DEMO_PASSWORD
