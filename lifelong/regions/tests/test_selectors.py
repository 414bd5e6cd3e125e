import pytest

from lifelong.regions.models import Region
from lifelong.regions.selectors import ancestor_paths, over_or_under_q

from .test_models import make_region

pytestmark = pytest.mark.django_db


def test_ancestor_paths_are_the_region_and_those_above_it_top_first():
    assert ancestor_paths("330424/330424001/") == ["330424/", "330424/330424001/"]
    assert ancestor_paths("33/") == ["33/"]
    assert ancestor_paths("") == []


def test_over_or_under_is_the_line_through_a_region_not_its_siblings():
    county = make_region("33", "county")
    one = make_region("1", "town", county)
    ten = make_region("10", "town", county)
    under_one = make_region("11", "village", one)
    make_region("101", "village", ten)
    assert set(Region.objects.filter(over_or_under_q(one.path))) == {county, one, under_one}
    assert set(Region.objects.filter(over_or_under_q(under_one.path))) == {county, one, under_one}
