"""The demo county's institutions beyond the towns' schools and the villages' teaching points
and halls: the county's own, the experience halls, and how their rooms are reached."""

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
