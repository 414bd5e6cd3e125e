"""Facts of the demo county, Haiyan (Jiaxing, Zhejiang), and plausible names where the facts
give only counts, one topic module each: its regions, institutions, people, activities,
learning weeks and the places of its venues. Importers read them from here
(`from lifelong.common.demo import haiyan`; `haiyan.PERSONAS`)."""

from .activities import ACTIVITIES, ACTIVITY_RULES, PAST_COURSE
from .campaigns import LEARNING_WEEK, LEARNING_WEEK_2019, LEARNING_WEEK_2019_ACTIVITIES
from .institutions import (
    COUNTY_INSTITUTIONS,
    CULTURE_HALL_ACCESSIBILITY,
    EXPERIENCE_HALL_ACCESSIBILITY,
    EXPERIENCE_HALLS,
)
from .people import DEMO_PASSWORD, DEMO_RESIDENT_NAMES, PERSONAS
from .places import INSTITUTION_PLACES, TOWN_PLACES, Place, TownPlace, town_school_place, village_place
from .regions import COMMUNITY_NAMES, COUNTY, TOWNS, VILLAGE_NAMES, Town

__all__ = [
    "ACTIVITIES",
    "ACTIVITY_RULES",
    "COMMUNITY_NAMES",
    "COUNTY",
    "COUNTY_INSTITUTIONS",
    "CULTURE_HALL_ACCESSIBILITY",
    "DEMO_PASSWORD",
    "DEMO_RESIDENT_NAMES",
    "EXPERIENCE_HALLS",
    "EXPERIENCE_HALL_ACCESSIBILITY",
    "INSTITUTION_PLACES",
    "LEARNING_WEEK",
    "LEARNING_WEEK_2019",
    "LEARNING_WEEK_2019_ACTIVITIES",
    "PAST_COURSE",
    "PERSONAS",
    "TOWNS",
    "TOWN_PLACES",
    "VILLAGE_NAMES",
    "Place",
    "Town",
    "TownPlace",
    "town_school_place",
    "village_place",
]
