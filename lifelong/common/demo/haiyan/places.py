"""Where the demo's venues are: addresses, coordinates (WGS-84, near each town's real centre)
and how to get there. Street names and bus routes are the demo's own, plausible for the
county; none is a fact."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Place:
    address: str
    latitude: Decimal
    longitude: Decimal
    transport: str
    transport_en: str


@dataclass(frozen=True)
class TownPlace:
    latitude: str  # the town centre
    longitude: str
    school_address: str  # its community school
    school_transport: str
    school_transport_en: str
    bus: str  # the number of the bus line its villages and communities are on


TOWN_PLACES = {
    "330424001": TownPlace(
        "30.526500",
        "120.942000",
        "海盐县武原街道新桥北路 128 号",
        "乘城区公交 1 路、6 路到“新桥北路”站，向北步行约 3 分钟；门口有电动车停放处。",
        "City bus 1 or 6 to the Xinqiao North Road stop, then 3 minutes on foot going north; "
        "e-bike parking at the gate.",
        "8",
    ),
    "330424002": TownPlace(
        "30.578000",
        "120.983000",
        "海盐县西塘桥街道海塘路 66 号",
        "乘 105 路公交车到“西塘桥街道”站，下车即到。",
        "Bus 105 to the Xitangqiao Subdistrict stop; the school is right there.",
        "105",
    ),
    "330424003": TownPlace(
        "30.502000",
        "120.930000",
        "海盐县望海街道望海路 218 号",
        "乘 3 路公交车到“望海街道”站，向东步行约 200 米。",
        "Bus 3 to the Wanghai Subdistrict stop, then 200 metres east.",
        "3",
    ),
    "330424004": TownPlace(
        "30.456000",
        "120.950000",
        "海盐县秦山街道秦山路 50 号",
        "乘 101 路公交车到“秦山街道”站，步行约 5 分钟。",
        "Bus 101 to the Qinshan Subdistrict stop, then about 5 minutes on foot.",
        "101",
    ),
    "330424101": TownPlace(
        "30.565000",
        "120.852000",
        "海盐县沈荡镇沈荡大道 39 号",
        "乘 201 路公交车到“沈荡镇政府”站，向南步行约 150 米。",
        "Bus 201 to the Shendang Town Hall stop, then 150 metres south.",
        "201",
    ),
    "330424102": TownPlace(
        "30.595000",
        "120.815000",
        "海盐县百步镇百步大道 108 号",
        "乘 202 路公交车到“百步镇”站，过马路即到。",
        "Bus 202 to the Baibu Town stop; the school is across the road.",
        "202",
    ),
    "330424103": TownPlace(
        "30.588000",
        "120.885000",
        "海盐县于城镇于城大道 20 号",
        "乘 203 路公交车到“于城镇”站，向西步行约 3 分钟。",
        "Bus 203 to the Yucheng Town stop, then 3 minutes on foot going west.",
        "203",
    ),
    "330424104": TownPlace(
        "30.402000",
        "120.890000",
        "海盐县澉浦镇澉浦大街 76 号",
        "乘 102 路公交车到“澉浦镇”站，步行约 5 分钟。",
        "Bus 102 to the Ganpu Town stop, then about 5 minutes on foot.",
        "102",
    ),
    "330424105": TownPlace(
        "30.520000",
        "120.835000",
        "海盐县通元镇通元中路 36 号",
        "乘 204 路公交车到“通元镇政府”站，向西步行约 100 米；学校门口可停电动车。",
        "Bus 204 to the Tongyuan Town Hall stop, then 100 metres west; e-bike parking at the gate.",
        "204",
    ),
}

# The county institutions' and the experience halls' own places, by institution name.
INSTITUTION_PLACES = {
    "海盐县社区教育学校": Place(
        "海盐县武原街道枣园东路 181 号",
        Decimal("30.523500"),
        Decimal("120.949000"),
        "乘城区公交 1 路、2 路到“社区教育学校”站，下车即到；校内有无障碍停车位。",
        "City bus 1 or 2 to the Community Education School stop, at the gate; accessible parking inside.",
    ),
    "张元济图书馆": Place(
        "海盐县武原街道海滨中路 101 号",
        Decimal("30.525500"),
        Decimal("120.945500"),
        "乘城区公交 2 路、5 路到“张元济图书馆”站，向南步行约 100 米。",
        "City bus 2 or 5 to the Zhang Yuanji Library stop, then 100 metres south.",
    ),
    "步鑫生纪念馆": Place(
        "海盐县武原街道向阳路 22 号",
        Decimal("30.530000"),
        Decimal("120.938000"),
        "乘城区公交 6 路到“向阳路”站，步行约 4 分钟。",
        "City bus 6 to the Xiangyang Road stop, then about 4 minutes on foot.",
    ),
    "秦山核电科普馆": Place(
        "海盐县秦山街道秦山路 1 号",
        Decimal("30.448000"),
        Decimal("120.956000"),
        "乘 101 路公交车到“核电科普馆”站，下车即到；团体可预约接驳车。",
        "Bus 101 to the Nuclear Power Science Hall stop, at the door; groups may book a shuttle.",
    ),
    "南北湖生态研学馆": Place(
        "海盐县澉浦镇南北湖风景区湖滨路 8 号",
        Decimal("30.392000"),
        Decimal("120.871000"),
        "乘 102 路公交车到“南北湖景区”站，沿湖滨路步行约 8 分钟。",
        "Bus 102 to the Nanbei Lake Scenic Area stop, then 8 minutes on foot along the lakeside road.",
    ),
    "通元农耕文化体验馆": Place(
        "海盐县通元镇农耕路 5 号",
        Decimal("30.514000"),
        Decimal("120.828000"),
        "乘 204 路公交车到“农耕文化馆”站，下车即到。",
        "Bus 204 to the Farming Culture Hall stop, right at the door.",
    ),
    "于城非遗传承体验馆": Place(
        "海盐县于城镇文化路 12 号",
        Decimal("30.590000"),
        Decimal("120.880000"),
        "乘 203 路公交车到“于城镇”站，向北步行约 200 米。",
        "Bus 203 to the Yucheng Town stop, then 200 metres north.",
    ),
    "百步乡村振兴学习馆": Place(
        "海盐县百步镇振兴路 3 号",
        Decimal("30.600000"),
        Decimal("120.820000"),
        "乘 202 路公交车到“振兴路”站，步行约 2 分钟。",
        "Bus 202 to the Zhenxing Road stop, then 2 minutes on foot.",
    ),
}


def _offset(code: str, axis: int) -> Decimal:
    """A steady, different nudge (up to about 2.5 km) for each village, so their halls do
    not all sit on the town centre; from the region code, so every load puts them alike."""
    seed = int(code[-3:]) * 7919 + axis * 104_729
    return Decimal(seed % 401 - 200) / Decimal(8000)


def town_school_place(town_code: str) -> Place:
    town = TOWN_PLACES[town_code]
    return Place(
        town.school_address,
        Decimal(town.latitude),
        Decimal(town.longitude),
        town.school_transport,
        town.school_transport_en,
    )


def village_place(town_code: str, town_name: str, region_code: str, name: str, name_en: str, *, hall: bool) -> Place:
    """A village's (or community's) teaching point, or its rural culture hall beside the
    village committee."""
    town = TOWN_PLACES[town_code]
    where = "文化礼堂" if hall else "党群服务中心二楼" if name.endswith("村") else "社区服务中心"
    latitude = (Decimal(town.latitude) + _offset(region_code, 0)).quantize(Decimal("0.000001"))
    longitude = (Decimal(town.longitude) + _offset(region_code, 1)).quantize(Decimal("0.000001"))
    if name.endswith("村"):
        minutes = 3 + int(region_code[-1])
        transport = f"乘镇村公交 {town.bus} 路到“{name}”站，步行约 {minutes} 分钟；村口可停电动车。"
        transport_en = (
            f"Town–village bus {town.bus} to the {name_en} stop, then about {minutes} minutes on foot; "
            "e-bike parking by the village gate."
        )
    else:
        transport = f"乘 {town.bus} 路公交车到“{name}”站，下车即到。"
        transport_en = f"Bus {town.bus} to the {name_en} stop, right there."
    return Place(f"海盐县{town_name}{name}{where}", latitude, longitude, transport, transport_en)
