import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from lifelong.institutions.models import Institution
from lifelong.regions.models import Region

pytestmark = pytest.mark.django_db


def make_region(code: str, level: str, parent: Region | None = None, population: int = 10) -> Region:
    return Region.objects.create(
        code=code, name=code, level=level, parent=parent, population=population, path=Region.path_for(parent, code)
    )


def test_subtree_does_not_confuse_33_1_with_33_10():
    county = make_region("33", "county")
    one = make_region("1", "town", county)
    ten = make_region("10", "town", county)
    under_one = make_region("11", "village", one)
    under_ten = make_region("101", "village", ten)
    assert one.path == "33/1/" and ten.path == "33/10/"
    in_one = set(Region.objects.filter(path__startswith=one.path))
    assert in_one == {one, under_one}
    assert not one.contains(ten) and not one.contains(under_ten)
    assert county.contains(under_ten)


@pytest.mark.parametrize(
    ("code", "level", "parent_code", "message"),
    [
        ("33042", "county", None, "6 digits"),
        ("330425001", "town", "330424", "begins with its parent"),
        ("3304240011", "town", "330424", "9 digits"),
        ("330424001001", "village", "330424", "wrong level"),
    ],
)
def test_clean_refuses_bad_codes_and_levels(code, level, parent_code, message):
    county = make_region("330424", "county")
    parent = county if parent_code else None
    region = Region(code=code, name="x", level=level, parent=parent, population=1, path=Region.path_for(parent, code))
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            region.full_clean()
        assert message in str(error.value)


def test_only_a_county_may_lack_a_parent():
    with pytest.raises(Exception):  # noqa: B017 - the database check constraint raises IntegrityError
        Region.objects.create(code="330424001", name="x", level="town", parent=None, population=1, path="x/")


def test_demo_county_has_nine_towns_and_populations_that_add_up(demo):
    county = Region.objects.get(level="county")
    towns = list(Region.objects.filter(level="town"))
    assert county.code == "330424" and county.population == 456_775
    assert len(towns) == 9
    assert sum(t.population for t in towns) == county.population
    for town in towns:
        villages = list(town.children.all())
        assert villages, town
        assert sum(v.population for v in villages) == town.population
        assert all(v.code.startswith(town.code) and len(v.code) == 12 for v in villages)
    tongyuan = Region.objects.get(code="330424105")
    assert tongyuan.children.filter(name__endswith="村").count() == 14
    assert tongyuan.children.filter(name__endswith="社区").count() == 1
    for region in Region.objects.all():
        region.full_clean()


def test_demo_county_has_its_institutions(demo):
    assert Institution.objects.filter(kind="community_college").count() == 1
    assert Institution.objects.filter(kind="community_school").count() == 9
    assert Institution.objects.filter(kind="experience_hall").count() == 6
    assert Institution.objects.filter(kind="experience_hall", name="步鑫生纪念馆").exists()
    villages = Region.objects.filter(level="village").count()
    assert Institution.objects.filter(kind="teaching_point").count() == villages
    assert Institution.objects.filter(kind="culture_hall").count() == Region.objects.filter(name__endswith="村").count()
    assert not Institution.objects.filter(venues__isnull=True).exists()
