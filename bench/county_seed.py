"""County-scale rows for the dashboard and catalogue scenarios, written fast: learners by
INSERT … SELECT generate_series, activities and sessions by COPY from a Python generator.

Rows carry explicit ids (the identity columns accept them; the sequences are moved past them
afterwards), so later statements can join plan tables to real rows by id. The values are the
ones the services would write (unusable passwords, counters equal to the registrations, …).
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from bench.scenario import sql, sql_one

# (Chinese title, English title) of the activities of each category, and the category's share.
# Search words the catalogue scenario looks for: 太极 (health, sports), 读书 (reading), 智能手机
# (digital skills), 书法 (arts).
CATEGORIES: dict[str, tuple[int, list[tuple[str, str]]]] = {
    "health": (
        18,
        [
            ("太极拳晨练班", "Morning Tai Chi"),
            ("八段锦养生课", "Baduanjin for health"),
            ("慢病管理讲座", "Living with a chronic illness"),
            ("中医养生讲堂", "Traditional medicine for everyday health"),
            ("急救知识培训", "First aid"),
            ("健康膳食课堂", "Healthy eating"),
            ("防跌倒训练", "Preventing falls"),
            ("太极扇入门", "Tai Chi fan for beginners"),
            ("心理健康讲座", "Mental health talk"),
        ],
    ),
    "reading": (
        10,
        [
            ("读书会", "Book club"),
            ("亲子读书会", "Parent-and-child book club"),
            ("经典诵读", "Reading the classics aloud"),
            ("乡村读书沙龙", "Village reading salon"),
            ("图书馆读书分享会", "Library reading circle"),
            ("红色经典读书班", "Revolutionary classics reading class"),
        ],
    ),
    "digital_skills": (
        14,
        [
            ("长者智能手机课堂", "Smartphones for older learners"),
            ("智能手机拍照技巧", "Smartphone photography"),
            ("防范电信诈骗", "Avoiding phone scams"),
            ("网上办事入门", "Public services online"),
            ("短视频制作", "Making short videos"),
            ("电脑基础班", "Computer basics"),
            ("智能手机支付与出行", "Paying and travelling by smartphone"),
        ],
    ),
    "arts": (
        14,
        [
            ("书法入门班", "Calligraphy for beginners"),
            ("硬笔书法", "Pen calligraphy"),
            ("国画花鸟", "Bird-and-flower painting"),
            ("剪纸艺术", "Paper cutting"),
            ("越剧演唱", "Yue opera singing"),
            ("合唱团排练", "Choir rehearsal"),
            ("葫芦丝演奏", "Hulusi flute"),
            ("摄影基础", "Photography basics"),
        ],
    ),
    "culture": (
        12,
        [
            ("海盐腔传承课", "The Haiyan opera tradition"),
            ("非遗滚灯体验", "Rolling-lantern heritage workshop"),
            ("地方历史讲座", "Local history lecture"),
            ("茶艺体验", "Tea art"),
            ("传统节日民俗", "Festival customs"),
            ("南北湖文化讲座", "Nanbei Lake culture talk"),
        ],
    ),
    "vocational": (
        8,
        [
            ("电工技能培训", "Electrician skills"),
            ("家政服务培训", "Domestic services training"),
            ("电商直播培训", "E-commerce livestreaming"),
            ("面点制作", "Pastry making"),
            ("育婴师培训", "Childcare worker training"),
            ("创业指导", "Starting a business"),
        ],
    ),
    "agriculture": (
        6,
        [
            ("葡萄种植技术", "Grape growing"),
            ("水稻病虫害防治", "Rice pest control"),
            ("农产品网上销售", "Selling farm produce online"),
            ("农机安全", "Farm machinery safety"),
            ("家庭农场经营", "Running a family farm"),
        ],
    ),
    "civic": (
        6,
        [
            ("民法典宣讲", "The Civil Code explained"),
            ("垃圾分类", "Waste sorting"),
            ("消防安全", "Fire safety"),
            ("反诈宣传", "Fraud awareness"),
            ("志愿服务培训", "Volunteer training"),
        ],
    ),
    "family": (
        8,
        [
            ("家庭教育讲座", "Parenting talk"),
            ("隔代教育", "Grandparents raising grandchildren"),
            ("亲子手工", "Parent-and-child crafts"),
            ("婚姻家庭辅导", "Family counselling"),
        ],
    ),
    "sports": (
        4,
        [
            ("广场舞", "Square dance"),
            ("健身气功", "Health qigong"),
            ("乒乓球", "Table tennis"),
            ("门球", "Gateball"),
            ("太极剑", "Tai Chi sword"),
        ],
    ),
}
SUFFIXES = [
    ("", ""),
    ("（第{n}期）", " (round {n})"),
    ("·春季班", " · spring"),
    ("·秋季班", " · autumn"),
    ("周末班", " · weekends"),
]
AUDIENCES = [
    ("elderly", 30),
    ("all", 32),
    ("youth", 10),
    ("families", 10),
    ("farmers", 8),
    ("workers", 8),
    ("veterans", 2),
]
AUDIENCE_LABELS = {
    "elderly": "老年人",
    "all": "全体居民",
    "youth": "青少年",
    "families": "家庭",
    "farmers": "农民",
    "workers": "职工",
    "veterans": "退役军人",
}
# How many activities an institution of each kind runs, relative to a village culture hall.
KIND_WEIGHT = {
    "community_college": 40,
    "library": 30,
    "museum": 12,
    "community_school": 70,
    "experience_hall": 10,
    "teaching_point": 5,
    "culture_hall": 3,
}
SESSIONS = [(1, 45), (4, 25), (6, 15), (10, 10), (16, 5)]  # sessions per activity, weight
LOCAL_HOURS = [9, 14, 19]  # county time of day a session starts


@dataclass
class Place:
    institution_id: int
    venue_id: int | None
    region_id: int
    level: str
    town_id: int | None  # the institution's town (None: county level)
    name: str
    weight: float


def county_load() -> dict:
    """The demo county: regions with their populations, institutions, venues, personas."""
    from lifelong.site.demo.load import demo_county_load

    return demo_county_load(with_activities=False)


def sequences_reset(*tables: str) -> None:
    for table in tables:
        sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 0) + 1, false) FROM {table}")  # noqa: S608


def learners_seed(n: int, *, now: datetime) -> dict:
    """`n` learners spread over the villages and communities in proportion to their population,
    in region-path order, with ids base..base+n-1: bench_village(id, town_id, lo, hi) holds each
    village's learner numbers [lo, hi) (learner number k has id base + k)."""
    base = sql_one("SELECT coalesce(max(id), 0) + 1000 FROM accounts_user")
    sql("DROP TABLE IF EXISTS bench_village")
    sql(
        """
        CREATE TABLE bench_village AS
        WITH v AS (
            SELECT r.id, r.path, r.parent_id, r.population,
                   sum(r.population) OVER (ORDER BY r.path) AS cum, sum(r.population) OVER () AS total
            FROM regions_region r WHERE r.level = 'village')
        SELECT id, path, parent_id AS town_id, population,
               floor((cum - population)::numeric * %(n)s / total)::int AS lo,
               floor(cum::numeric * %(n)s / total)::int AS hi
        FROM v""",
        {"n": n},
    )
    sql(
        """
        INSERT INTO accounts_user (id, password, is_superuser, phone, name, birth_year, preferred_language,
                                   elder_mode, must_change_password, is_active, is_staff, date_joined,
                                   home_region_id, email)
        SELECT %(base)s + g, '!', false, '15' || lpad(g::text, 9, '0'), '居民' || g,
               1936 + floor(random() * 72)::int, '', random() < 0.08, false, true, false,
               %(now)s - random() * random() * interval '1600 days', v.id, ''
        FROM bench_village v, generate_series(v.lo, v.hi - 1) g
        ORDER BY g""",
        {"base": base, "now": now},
    )
    sequences_reset("accounts_user")
    sql("DROP TABLE IF EXISTS bench_learner")
    sql(
        """
        CREATE TABLE bench_learner AS
        SELECT (u.id - %(base)s)::int AS n, u.id, u.home_region_id AS village_id, v.town_id
        FROM accounts_user u JOIN bench_village v ON v.id = u.home_region_id
        WHERE u.id >= %(base)s""",
        {"base": base},
    )
    sql("ALTER TABLE bench_learner ADD PRIMARY KEY (n)")
    return {"learner_base": base, "learners": n}


def places() -> list[Place]:
    """Every institution that runs activities, with its first venue, place and weight."""
    rows = sql(
        """
        SELECT i.id, (SELECT min(v.id) FROM institutions_venue v WHERE v.institution_id = i.id),
               r.id, r.level, CASE r.level WHEN 'town' THEN r.id WHEN 'village' THEN r.parent_id END,
               i.kind, i.name
        FROM institutions_institution i JOIN regions_region r ON r.id = i.region_id
        ORDER BY i.id"""
    )
    rng = random.Random(4242)  # noqa: S311 - a reproducible county
    return [
        Place(pk, venue, region, level, town, name, KIND_WEIGHT.get(kind, 5) * rng.uniform(0.4, 1.6))
        for pk, venue, region, level, town, kind, name in rows
    ]


def activity_rows(
    n: int,
    *,
    first_from: datetime,
    first_to: datetime,
    now: datetime,
    organizer_id: int,
    seed: int,
    all_published: bool,
):
    """`n` activities (rows for COPY) and their weekly sessions, and the plan of each: the
    activity's id, place and capacity. Ids are 1..n. Past activities are completed and a few
    are cancelled, unless `all_published`."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible county
    where = places()
    weights = [p.weight for p in where]
    categories = list(CATEGORIES)
    category_weights = [CATEGORIES[c][0] for c in categories]
    audiences = [a for a, _ in AUDIENCES]
    audience_weights = [w for _, w in AUDIENCES]
    span = (first_to - first_from).total_seconds()
    activities, sessions, plan = [], [], []
    session_id = 0
    for pk in range(1, n + 1):
        place = rng.choices(where, weights)[0]
        category = rng.choices(categories, category_weights)[0]
        title, title_en = rng.choice(CATEGORIES[category][1])
        suffix, suffix_en = rng.choices(SUFFIXES, [50, 20, 10, 10, 10])[0]
        round_no = rng.randint(2, 12)
        title = (title + suffix).format(n=round_no)
        title_en = (title_en + suffix_en).format(n=round_no)
        chosen = {rng.choices(audiences, audience_weights)[0]}
        if rng.random() < 0.15:
            chosen.add(rng.choices(audiences, audience_weights)[0])
        if len(chosen) > 1:
            chosen.discard("all")
        audience_value = "," + ",".join(sorted(chosen)) + ","
        who = "、".join(AUDIENCE_LABELS[a] for a in sorted(chosen))
        summary = (
            f"{place.name}主办的{title}，面向{who}，由有经验的老师带领，讲练结合、循序渐进。"
            f"请提前十分钟到场签到，活动免费，名额有限。"
        )
        if place.level == "village":
            capacity = rng.randint(15, 40)
        elif place.level == "town":
            capacity = rng.randint(20, 60)
        else:
            capacity = rng.choice([30, 40, 50, 80, 120, 200])
        count = rng.choices([s for s, _ in SESSIONS], [w for _, w in SESSIONS])[0]
        day = first_from + timedelta(seconds=rng.random() * span)
        local_hour = rng.choice(LOCAL_HOURS)
        first = day.replace(hour=(local_hour - 8) % 24, minute=0, second=0, microsecond=0)  # county is UTC+8
        length = rng.choice([90, 120])
        last = first + timedelta(days=7 * (count - 1), minutes=length)
        opens, closes = first - timedelta(days=14), first - timedelta(hours=2)
        if all_published:
            status = "published"
        elif rng.random() < 0.015:
            status = "cancelled"
        else:
            status = "completed" if last < now - timedelta(days=1) else "published"
        approval = rng.random() < 0.1
        waitlist = rng.random() < 0.8
        activities.append(
            (
                pk,
                title,
                title_en,
                summary,
                category,
                audience_value,
                capacity,
                0,
                opens,
                closes,
                approval,
                waitlist,
                24,
                length / 60,
                False,
                status,
                "",
                opens - timedelta(days=rng.randint(1, 20)),
                0,
                0,
                0,
                organizer_id,
                place.institution_id,
                place.venue_id if rng.random() < 0.75 else None,
                80,
                "",
            )
        )
        for k in range(count):
            session_id += 1
            starts = first + timedelta(days=7 * k)
            sessions.append((session_id, starts, starts + timedelta(minutes=length), pk))
        plan.append(
            (
                pk,
                place.region_id,
                place.level,
                place.town_id,
                capacity,
                approval,
                waitlist,
                status,
                opens,
                closes,
                count,
            )
        )
    return activities, sessions, plan


ACTIVITY_COLUMNS = (
    "id, title, title_en, summary, category, audiences, capacity, reserved_offline, registration_opens, "
    "registration_closes, requires_approval, waitlist, offer_hours, hours, certificate, status, "
    "rejection_reason, created_at, seats_taken, seats_taken_online, waitlist_last_position, created_by_id, "
    "institution_id, venue_id, completion_share, campaign_status"
)


def copy_rows(table: str, columns: str, rows) -> None:
    from django.db import connection

    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def activities_seed(n: int, **kwargs) -> dict:
    """Write `n` activities and their sessions (see activity_rows) and the plan table
    bench_activity(id, region_id, level, town_id, capacity, approval, waitlist, status, opens,
    closes, sessions)."""
    activities, sessions, plan = activity_rows(n, **kwargs)
    copy_rows("activities_activity", ACTIVITY_COLUMNS, activities)
    copy_rows("activities_session", "id, starts_at, ends_at, activity_id", sessions)
    sql("DROP TABLE IF EXISTS bench_activity")
    sql(
        """CREATE TABLE bench_activity (id bigint PRIMARY KEY, region_id bigint, level text, town_id bigint,
           capacity int, approval bool, waitlist bool, status text, opens timestamptz, closes timestamptz,
           sessions int)"""
    )
    copy_rows(
        "bench_activity",
        "id, region_id, level, town_id, capacity, approval, waitlist, status, opens, closes, sessions",
        plan,
    )
    sequences_reset("activities_activity", "activities_session")
    return {"activities": len(activities), "sessions": len(sessions)}


def title_cores() -> tuple[list[str], list[str], list[str]]:
    """Every (category, Chinese core title, English core title), as three parallel lists."""
    cats, zh, en = [], [], []
    for category, (_share, titles) in CATEGORIES.items():
        for title, title_en in titles:
            cats.append(category)
            zh.append(title)
            en.append(title_en)
    return cats, zh, en
