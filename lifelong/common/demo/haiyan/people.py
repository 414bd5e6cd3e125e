"""The demo's people: the DESIGN §5 personas, their password, and the residents of the
persona village."""

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
