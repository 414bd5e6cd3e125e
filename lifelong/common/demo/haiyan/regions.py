"""The demo county, Haiyan (Jiaxing, Zhejiang): its towns, and plausible names where the facts
give only counts. Village and community names are invented; codes follow GB/T 2260 style
(town = county code + 3 digits, village = town code + 3 digits: 0xx communities, 2xx
villages)."""

from dataclasses import dataclass

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
