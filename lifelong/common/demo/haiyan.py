"""Facts of the demo county, Haiyan (Jiaxing, Zhejiang), and plausible names where the
facts give only counts. Village and community names are invented; codes follow GB/T 2260
style (town = county code + 3 digits, village = town code + 3 digits: 0xx communities,
2xx villages)."""

from dataclasses import dataclass
from decimal import Decimal

COUNTY = {"code": "330424", "name": "海盐县", "name_en": "Haiyan County", "population": 456_775}


@dataclass(frozen=True)
class Town:
    code: str
    name: str
    name_en: str
    short: str  # the name without 镇/街道, used for its community school and first community
    short_en: str
    population: int
    communities: int
    villages: int


# Tongyuan, Ganpu, Yucheng and Qinshan counts are facts; the other counts, and the
# populations not given, are estimates chosen so that the nine add up to 456,775.
TOWNS = [
    Town("330424001", "武原街道", "Wuyuan Subdistrict", "武原", "Wuyuan", 158_000, 16, 3),
    Town("330424002", "西塘桥街道", "Xitangqiao Subdistrict", "西塘桥", "Xitangqiao", 37_500, 3, 9),
    Town("330424003", "望海街道", "Wanghai Subdistrict", "望海", "Wanghai", 42_000, 4, 8),
    Town("330424004", "秦山街道", "Qinshan Subdistrict", "秦山", "Qinshan", 45_000, 8, 5),
    Town("330424101", "沈荡镇", "Shendang Town", "沈荡", "Shendang", 36_500, 1, 10),
    Town("330424102", "百步镇", "Baibu Town", "百步", "Baibu", 33_800, 1, 9),
    Town("330424103", "于城镇", "Yucheng Town", "于城", "Yucheng", 32_363, 1, 8),
    Town("330424104", "澉浦镇", "Ganpu Town", "澉浦", "Ganpu", 29_871, 1, 13),
    Town("330424105", "通元镇", "Tongyuan Town", "通元", "Tongyuan", 41_741, 1, 14),
]

COMMUNITY_NAMES = [
    ("城东", "Chengdong"),
    ("城西", "Chengxi"),
    ("城南", "Chengnan"),
    ("城北", "Chengbei"),
    ("海滨", "Haibin"),
    ("向阳", "Xiangyang"),
    ("新华", "Xinhua"),
    ("文昌", "Wenchang"),
    ("朝阳", "Chaoyang"),
    ("永安", "Yong'an"),
    ("天宁", "Tianning"),
    ("绮园", "Qiyuan"),
    ("南台", "Nantai"),
    ("东门", "Dongmen"),
    ("三里桥", "Sanliqiao"),
    ("枣园", "Zaoyuan"),
    ("金海", "Jinhai"),
    ("核电", "Hedian"),
]

VILLAGE_NAMES = [
    ("丰义", "Fengyi"),
    ("长丰", "Changfeng"),
    ("雪水港", "Xueshuigang"),
    ("青莲", "Qinglian"),
    ("新桥", "Xinqiao"),
    ("华星", "Huaxing"),
    ("永兴", "Yongxing"),
    ("民主", "Minzhu"),
    ("红星", "Hongxing"),
    ("光明", "Guangming"),
    ("金星", "Jinxing"),
    ("西河", "Xihe"),
    ("北湖", "Beihu"),
    ("荷花", "Hehua"),
    ("桃园", "Taoyuan"),
    ("杨柳", "Yangliu"),
    ("石泉", "Shiquan"),
    ("古城", "Gucheng"),
    ("六里", "Liuli"),
    ("八字", "Bazi"),
    ("众安", "Zhong'an"),
    ("联合", "Lianhe"),
    ("五星", "Wuxing"),
    ("凤凰", "Fenghuang"),
    ("龙潭", "Longtan"),
    ("紫金", "Zijin"),
    ("万好", "Wanhao"),
    ("胜利", "Shengli"),
    ("幸福", "Xingfu"),
    ("和平", "Heping"),
    ("富亭", "Futing"),
    ("白洋", "Baiyang"),
    ("秀水", "Xiushui"),
    ("高桥", "Gaoqiao"),
    ("塘湾", "Tangwan"),
    ("横港", "Henggang"),
    ("茶院", "Chayuan"),
    ("南湾", "Nanwan"),
    ("长川", "Changchuan"),
    ("仓前", "Cangqian"),
]

# (town code, kind, name, English name, venues as (name, English name, capacity, accessibility
# notes in Chinese and English))
COUNTY_INSTITUTIONS = [
    (
        None,
        "community_college",
        "海盐县社区教育学校",
        "Haiyan Community Education School",
        [
            ("多功能报告厅", "Lecture hall", 200, "设无障碍坡道与电梯", "Step-free ramp and lift"),
            ("数字学习室", "Digital learning room", 40, "一楼，无障碍通道", "Ground floor, step-free"),
            ("书画教室", "Calligraphy and painting room", 30, "二楼，有电梯", "First floor, lift"),
        ],
    ),
    (
        None,
        "library",
        "张元济图书馆",
        "Zhang Yuanji Library",
        [
            (
                "读者报告厅",
                "Readers' lecture room",
                150,
                "无障碍坡道、电梯与助听设备",
                "Step-free ramp, lift and hearing loop",
            ),
        ],
    ),
]

# The six municipal lifelong-learning experience halls (one is the Bu Xinsheng Memorial).
EXPERIENCE_HALLS = [
    ("330424001", "步鑫生纪念馆", "Bu Xinsheng Memorial Hall", "展厅", "Exhibition hall", 60),
    ("330424004", "秦山核电科普馆", "Qinshan Nuclear Power Science Hall", "科普展厅", "Science gallery", 80),
    ("330424104", "南北湖生态研学馆", "Nanbei Lake Ecology Study Hall", "研学教室", "Study room", 40),
    ("330424105", "通元农耕文化体验馆", "Tongyuan Farming Culture Experience Hall", "体验工坊", "Workshop", 50),
    ("330424103", "于城非遗传承体验馆", "Yucheng Intangible Heritage Experience Hall", "传习室", "Craft room", 35),
    ("330424102", "百步乡村振兴学习馆", "Baibu Rural Revitalization Learning Hall", "学习厅", "Learning hall", 60),
]

# How each experience hall's room is reached (the demo's own notes), in Chinese and English.
EXPERIENCE_HALL_ACCESSIBILITY = {
    "步鑫生纪念馆": (
        "正门设无障碍坡道，展厅在一楼；可借轮椅，讲解员可放慢语速讲解",
        "Ramp at the main door, exhibition on the ground floor; wheelchairs to borrow, guides speak slowly on request",
    ),
    "秦山核电科普馆": (
        "全馆无台阶，电梯直达二楼展区；设无障碍卫生间与助听设备",
        "Step-free throughout, lift to the upper gallery; accessible toilet and hearing loop",
    ),
    "南北湖生态研学馆": (
        "研学教室在一楼，门口有坡道；湖边步道部分路段较陡，可走平路线",
        "Study room on the ground floor with a ramp; some lakeside paths are steep, a level route is offered",
    ),
    "通元农耕文化体验馆": (
        "体验工坊平地入口，通道宽敞可过轮椅；工坊内设座椅，老人可坐着体验",
        "Level entrance and wide aisles for wheelchairs; seats in the workshop so older visitors can take part seated",
    ),
    "于城非遗传承体验馆": (
        "传习室在一楼，入口有扶手坡道；大字版说明牌，可预约手语讲解",
        "Craft room on the ground floor, ramp with handrails; large-print labels, sign-language tours on request",
    ),
    "百步乡村振兴学习馆": (
        "学习厅平地入口，设无障碍卫生间；门前有无障碍停车位",
        "Level entrance and accessible toilet; accessible parking at the door",
    ),
}
# Every rural culture hall's main hall (the demo's own note).
CULTURE_HALL_ACCESSIBILITY = (
    "礼堂在一楼，平地入口，设无障碍卫生间；活动时备有老花镜和座椅",
    "Main hall on the ground floor, level entrance, accessible toilet; reading glasses and chairs during activities",
)

DEMO_PASSWORD = "lifelong-demo"  # noqa: S105 - the published demo password (DESIGN §5); demo mode only

# DESIGN §5 personas: (phone, name, birth year, role, where the role is held, home).
# Places are keys resolved by the loader: "county", a town code, "tongyuan_village" (the
# first Tongyuan village), "tongyuan_school" (Tongyuan's community school) and
# "wuyuan_community" (the first Wuyuan community).
PERSONAS = [
    ("13900000001", "周明华", 1972, "county_admin", "county", "wuyuan_community"),
    ("13900000002", "沈丽萍", 1980, "town_admin", "330424001", "wuyuan_community"),
    ("13900000003", "徐建平", 1968, "village_admin", "tongyuan_village", "tongyuan_village"),
    ("13900000004", "朱晓燕", 1985, "organizer", "tongyuan_school", "tongyuan_village"),
    ("13900000005", "钱桂英", 1950, None, None, "tongyuan_village"),
    ("13900000006", "李伟", 1990, None, None, "wuyuan_community"),
]

# Upcoming demo activities: (title, English title, category, audiences, organizer by
# (kind, town code or None for county-level), capacity, offline reserve, days from today,
# hours, demo residents already registered).
ACTIVITIES = [
    ("太极拳晨练班", "Morning Tai Chi", "health", ["elderly"], ("community_school", "330424105"), 30, 5, 5, 2, 3),
    (
        "长者智能手机课堂",
        "Smartphones for older learners",
        "digital_skills",
        ["elderly"],
        ("community_school", "330424001"),
        25,
        5,
        3,
        2,
        0,
    ),
    (
        "新型职业农民讲座",
        "Lecture for new farmers",
        "agriculture",
        ["farmers"],
        ("community_school", "330424102"),
        60,  # the Baibu school's classroom seats 60: an activity never takes more than its venue
        10,
        8,
        3,
        0,
    ),
    (
        "核电科普开放日",
        "Nuclear power science open day",
        "vocational",
        ["youth", "families"],
        ("experience_hall", "330424004"),
        40,
        0,
        10,
        2,
        0,
    ),
    (
        "退役军人技能培训",
        "Skills training for veterans",
        "vocational",
        ["veterans"],
        ("community_school", "330424002"),
        20,
        0,
        12,
        6,
        0,
    ),
    ("亲子阅读会", "Parent and child reading circle", "reading", ["families"], ("library", None), 6, 0, 4, 1.5, 5),
    ("书法入门", "Calligraphy for beginners", "arts", ["elderly", "all"], ("community_college", None), 4, 0, 6, 2, 5),
    (
        "南北湖生态研学",
        "Nanbei Lake ecology walk",
        "culture",
        ["youth", "families"],
        ("experience_hall", "330424104"),
        35,
        0,
        9,
        3,
        0,
    ),
    (
        "步鑫生纪念馆讲解",
        "Guided tour of the Bu Xinsheng Memorial Hall",
        "civic",
        ["all"],
        ("experience_hall", "330424001"),
        50,
        0,
        7,
        1,
        0,
    ),
    (
        "非遗剪纸体验",
        "Paper-cutting heritage workshop",
        "culture",
        ["all"],
        ("experience_hall", "330424103"),
        15,
        0,
        11,
        2,
        12,
    ),
]
# Who may register for some of them, so the demo's activity pages show the conditions in
# words (and a learner outside them is told before tapping). The demo residents registered
# above are all over 80, so they meet the age limits.
ACTIVITY_RULES = {
    "太极拳晨练班": {"min_age": 60},
    "长者智能手机课堂": {"min_age": 55},
    "新型职业农民讲座": {"requires_approval": True},
    "退役军人技能培训": {"requires_approval": True},
}
# Demo residents of the Tongyuan persona village, registered by its village admin.
DEMO_RESIDENT_NAMES = [
    "沈阿根",
    "陆桂芳",
    "朱金宝",
    "钱美英",
    "吴阿三",
    "褚凤珍",
    "顾小龙",
    "严秀兰",
    "曹根娣",
    "蒋炳荣",
    "胡月娥",
    "潘永福",
    "姚菊英",
]


# A finished course in the elder persona's town, so the demo passport holds hours and a
# certificate: (title, English title, category, sessions, weeks ago the first session was).
PAST_COURSE = ("老年书法研习班", "Calligraphy for older learners", "arts", 4, 6)


# This year's Lifelong Learning Week, in days from today (the demo always has one coming).
# The theme and the opening line are the demo's own words.
LEARNING_WEEK = {
    "slug": "learning-week",
    "name": "海盐县全民终身学习活动周",
    "name_en": "Haiyan Lifelong Learning Week",
    "theme": "学习在身边，乐享新生活",
    "opening_event": "开幕式在县社区教育学校举行，各镇（街道）同步开展学习体验活动。",
    "goals": "让每个村（社区）都有家门口的学习活动，让更多老人和农民走进课堂",
    "first_day": 4,
    "last_day": 10,
    "targets": {"activities": 12, "registrations": 400, "attendance": 300, "hours": 800},
    "registration_cap": 6,
}


# The 2019 Jiaxing and Haiyan Lifelong Learning Week (the seed report of 2019-11-04): its
# theme is the fact; the programme below is the demo's own, a record of what such a week held.
LEARNING_WEEK_2019 = {
    "slug": "learning-week-2019",
    "name": "2019年嘉兴市暨海盐县全民终身学习活动周",
    "name_en": "Jiaxing and Haiyan Lifelong Learning Week 2019",
    "theme": "倡导终身学习，服务“八八战略”",
    "opening_event": "2019年11月4日在海盐开幕，全县三级社区教育网络同步开展学习活动。",
    "goals": "推进全民终身学习，完善终身教育体系",
    "starts_on": (2019, 11, 4),
    "ends_on": (2019, 11, 10),
    "targets": {"activities": 12, "registrations": 120, "attendance": 100, "hours": 250},
}
# (title, English title, category, audiences, organizer by (kind, town code or None for the
# county), day of the week (0 = the opening day), start hour, hours, registered, attended)
LEARNING_WEEK_2019_ACTIVITIES = [
    (
        "开幕式暨终身学习成果展",
        "Opening ceremony and learning showcase",
        "civic",
        ["all"],
        ("community_college", None),
        0,
        9,
        2,
        14,
        13,
    ),
    (
        "退役军人技能培训",
        "Skills training for veterans",
        "vocational",
        ["veterans"],
        ("community_school", "330424001"),
        1,
        9,
        3,
        10,
        9,
    ),
    (
        "核电人才培训讲座",
        "Nuclear power talents lecture",
        "vocational",
        ["workers"],
        ("community_school", "330424004"),
        1,
        14,
        2,
        12,
        11,
    ),
    (
        "新农民讲堂：稻田综合种养",
        "New farmers' lecture: rice and fish farming",
        "agriculture",
        ["farmers"],
        ("community_school", "330424105"),
        2,
        9,
        3,
        12,
        10,
    ),
    (
        "七彩课堂：老年合唱",
        "Colorful class: choir for older learners",
        "arts",
        ["elderly"],
        ("community_school", "330424104"),
        2,
        14,
        2,
        10,
        10,
    ),
    ("乐读分享会", "Happy Reading circle", "reading", ["all"], ("library", None), 3, 14, 2, 12, 9),
    (
        "长者智能手机入门",
        "Smartphone basics for older learners",
        "digital_skills",
        ["elderly"],
        ("community_school", "330424103"),
        3,
        9,
        2,
        10,
        8,
    ),
    (
        "家庭教育公益讲座",
        "Family education talk",
        "family",
        ["families"],
        ("community_school", "330424002"),
        4,
        19,
        2,
        10,
        7,
    ),
    (
        "文化礼堂非遗剪纸",
        "Paper-cutting at the culture hall",
        "culture",
        ["all"],
        ("community_school", "330424102"),
        4,
        14,
        2,
        9,
        8,
    ),
    ("健康养生讲座", "Healthy living talk", "health", ["elderly"], ("community_school", "330424101"), 5, 9, 2, 10, 9),
    (
        "青少年科普研学",
        "Science study trip for young people",
        "civic",
        ["youth"],
        ("community_school", "330424003"),
        5,
        14,
        3,
        8,
        6,
    ),
    ("全民健身太极展示", "Tai chi for everyone", "sports", ["all"], ("community_school", "330424001"), 6, 9, 2, 12, 11),
]


# --- Where the demo's venues are -----------------------------------------------------------------
# Addresses, coordinates (WGS-84, near each town's real centre) and how to get there. Street
# names and bus routes are the demo's own, plausible for the county; none is a fact.


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
