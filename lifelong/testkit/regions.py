"""The demo county's places that tests name by region code (a child's code begins with its
parent's), and the county itself loaded for a test."""

from lifelong.site.demo.load import demo_county_load

from .personas import Personas

COUNTY = "330424"  # Haiyan county
WUYUAN = "330424001"  # Wuyuan subdistrict: the town admin's
GANPU = "330424104"  # Ganpu town: another town, nobody's among the personas
TONGYUAN = "330424105"  # Tongyuan town: the organizer's school, the village admin's village


def demo_county(*, with_activities: bool = False) -> Personas:
    """Load the demo county (125 regions, institutions, venues, the personas; its activities
    only when asked) and return its personas."""
    demo_county_load(with_activities=with_activities)
    return Personas()
