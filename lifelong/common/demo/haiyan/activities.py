"""The demo's activities: the coming ones (with who may register for some), and the elder
persona's finished course."""

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


# A finished course in the elder persona's town, so the demo passport holds hours and a
# certificate: (title, English title, category, sessions, weeks ago the first session was).
PAST_COURSE = ("老年书法研习班", "Calligraphy for older learners", "arts", 4, 6)
