# ruff: noqa: E501 - prose: a sentence per string reads and translates better than one split to fit
"""What the demo's activities say about themselves: a few short paragraphs in Chinese and
English, keyed by the Chinese title (an activity held again under the same title says the
same). The demo's own words; plain HTML of the kind the activity editor keeps (paragraphs,
bold, lists), so it needs no sanitising. Demo only."""

from django.utils.html import format_html_join


def _html(*paragraphs: str) -> str:
    """Paragraphs of trusted demo text; a paragraph starting with "• " lines become a list."""
    parts = []
    for paragraph in paragraphs:
        if paragraph.startswith("• "):
            items = [line.removeprefix("• ") for line in paragraph.split("\n")]
            parts.append("<ul>" + format_html_join("", "<li>{}</li>", ((item,) for item in items)) + "</ul>")
        else:
            parts.append(f"<p>{paragraph}</p>")
    return "".join(parts)


TEXTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # The coming activities (haiyan.ACTIVITIES).
    "太极拳晨练班": (
        (
            "清晨在社区学校的操场上，跟着老师一招一式学习二十四式太极拳。动作舒缓，不追求难度，重在活动筋骨、调匀呼吸。",
            "第一次来的学员从起势和站桩学起，老学员可以在旁边帮忙。下雨天改在多功能教室里练。",
            "<strong>请带上：</strong>宽松的衣服、平底运动鞋、一瓶温水。",
        ),
        (
            "Learn the 24-form tai chi step by step in the community school's yard in the morning. "
            "The movements are slow and gentle: the aim is to loosen up and breathe evenly, not to perform.",
            "Newcomers start with the opening form and standing practice; regulars help alongside. "
            "On rainy days the class moves into the multi-purpose classroom.",
            "<strong>Bring:</strong> loose clothes, flat sports shoes and a bottle of warm water.",
        ),
    ),
    "长者智能手机课堂": (
        (
            "手把手教您用好智能手机：打视频电话、看健康码和医保码、用手机挂号，以及怎样识别诈骗电话和短信。",
            "每张桌子配一名志愿者，讲得慢、可以反复问。课上用的是您自己的手机，学会了回家就能用。",
            "• 带上自己的手机，并充好电\n• 记得自己的手机开机密码\n• 戴老花镜的请带上眼镜",
        ),
        (
            "Hands-on help with your own smartphone: video calls, showing your health and medical "
            "insurance codes, booking a hospital appointment, and spotting scam calls and messages.",
            "A volunteer sits at every table; we go slowly and you can ask as often as you like. "
            "Everything is done on your own phone, so you can use it at home straight away.",
            "• Bring your phone, charged\n• Remember your phone's unlock code\n• Bring your reading glasses if you use them",
        ),
    ),
    "新型职业农民讲座": (
        (
            "县农技站的老师讲今年的种植新技术：水稻机插秧、测土配方施肥，以及家庭农场怎样申请补贴。",
            "讲座后留出半小时答疑，欢迎把自家地里遇到的问题带来。听完可领取一份技术资料。",
        ),
        (
            "Experts from the county agricultural extension station explain this year's new methods: "
            "machine transplanting of rice, soil-tested fertilising, and how a family farm applies for subsidies.",
            "Half an hour of questions follows the talk: bring the problems you meet in your own fields. "
            "Everyone takes home a printed guide.",
        ),
    ),
    "核电科普开放日": (
        (
            "走进秦山核电科普馆，看核电站模型、做小实验，听讲解员讲核电怎样发电、怎样保证安全。",
            "适合带孩子的家庭和中学生。全程约两小时，馆内有休息区和饮水处。",
            "<strong>请注意：</strong>入馆需出示身份证或户口簿（儿童）。",
        ),
        (
            "Visit the Qinshan Nuclear Power Science Hall: models of the plant, small experiments, and "
            "a guide explaining how nuclear power makes electricity and how it is kept safe.",
            "Good for families with children and secondary-school pupils. About two hours, with a rest area and drinking water.",
            "<strong>Please note:</strong> bring an ID card (or the household register for children) to enter.",
        ),
    ),
    "退役军人技能培训": (
        (
            "为退役军人开设的实用技能课：电工基础、安全用电和常见家电维修，理论与实操各占一半。",
            "结业后可参加职业技能等级认定，社区学校也会推荐附近企业的岗位信息。",
        ),
        (
            "Practical skills for veterans: basic electrical work, electrical safety and repairing common "
            "household appliances, half theory and half hands-on.",
            "Those who finish can sit the vocational skill level assessment, and the school passes on job "
            "openings at companies nearby.",
        ),
    ),
    "亲子阅读会": (
        (
            "爸爸妈妈、爷爷奶奶带着孩子一起来读绘本。馆员先讲一个故事，再带大家做一个小手工。",
            "适合 3 到 8 岁的孩子，每个孩子请由一位大人陪同。",
        ),
        (
            "Parents and grandparents read picture books together with their children. A librarian tells "
            "a story first, then everyone makes a small craft.",
            "For children aged 3 to 8, each with one adult.",
        ),
    ),
    "书法入门": (
        (
            "从握笔、坐姿和基本笔画学起，临写楷书。笔墨纸砚由学校准备，不用自己买。",
            "名额不多，每位学员都有老师单独指点。",
        ),
        (
            "Start with holding the brush, sitting well and the basic strokes, then copy regular script. "
            "Brushes, ink and paper are provided.",
            "A small class: the teacher helps each learner in turn.",
        ),
    ),
    "南北湖生态研学": (
        (
            "沿南北湖步道走一段，认识湖边的植物和候鸟，听老师讲南北湖“山、海、湖”相连的地貌。",
            "全程约三公里，有平路线可选。请穿防滑的鞋，带上帽子和水。",
        ),
        (
            "A walk along the Nanbei Lake path to meet the lakeside plants and migrating birds, and to hear "
            "how hills, sea and lake meet here.",
            "About three kilometres, with a level route for those who prefer it. Wear non-slip shoes; bring a hat and water.",
        ),
    ),
    "步鑫生纪念馆讲解": (
        (
            "讲解员带您参观步鑫生纪念馆，讲述海盐衬衫总厂改革的故事，以及它对今天的启示。",
            "展厅在一楼，可借轮椅；讲解约一小时，可以随时提问。",
        ),
        (
            "A guide shows you round the Bu Xinsheng Memorial Hall and tells the story of the reform at the "
            "Haiyan shirt factory and what it means today.",
            "The exhibition is on the ground floor and wheelchairs can be borrowed; the tour takes about an hour, questions welcome.",
        ),
    ),
    "非遗剪纸体验": (
        (
            "跟着非遗传承人学剪纸：先学对折剪和团花，再剪一幅自己的作品带回家。",
            "剪刀和红纸由体验馆提供。适合所有年龄，小朋友请由家长陪同。",
        ),
        (
            "Learn paper-cutting from a heritage craftsperson: folded cuts and round flower patterns first, "
            "then a piece of your own to take home.",
            "Scissors and red paper are provided. For all ages; children come with a parent.",
        ),
    ),
    # The elder persona's finished course (haiyan.PAST_COURSE).
    "老年书法研习班": (
        (
            "四周的书法研习班，每周一次，临习颜体楷书，最后一次课举办小型作品展。",
            "出勤达到四分之三的学员可获得结业证书。",
        ),
        (
            "A four-week calligraphy course, once a week, copying Yan-style regular script, ending with a small exhibition.",
            "Learners who attend three sessions of four receive a certificate.",
        ),
    ),
    # The 2019 Learning Week (haiyan.LEARNING_WEEK_2019_ACTIVITIES).
    "开幕式暨终身学习成果展": (
        (
            "2019 年全民终身学习活动周在县社区教育学校开幕，各镇（街道）社区学校展出一年来的学习成果。",
            "现场有书画、剪纸、手工作品展示和学员表演。",
        ),
        (
            "The 2019 Lifelong Learning Week opened at the county community education school, with each "
            "town's community school showing what its learners made during the year.",
            "Calligraphy, paper-cuts and handicrafts were on show, with performances by learners.",
        ),
    ),
    "核电人才培训讲座": (
        (
            "面向在岗职工和青年的核电基础讲座，介绍核电站的工作原理和岗位技能要求。",
            "讲座由秦山街道社区学校与周边企业合办。",
        ),
        (
            "A nuclear power basics lecture for workers and young people: how a plant works and what skills its jobs need.",
            "Run by the Qinshan community school with companies nearby.",
        ),
    ),
    "新农民讲堂：稻田综合种养": (
        (
            "讲稻田里养鱼、养虾的综合种养方法：怎样选品种、怎样管水、怎样算收益。",
            "讲完后到示范田现场看一看。",
        ),
        (
            "Rice and fish farming in the same field: choosing breeds, managing the water and working out the returns.",
            "The talk ended with a visit to a demonstration field.",
        ),
    ),
    "七彩课堂：老年合唱": (
        (
            "七彩课堂的老年合唱课，学唱经典老歌，练习发声和合唱配合。",
            "不识谱也没关系，老师一句一句教。",
        ),
        (
            "The Colorful Classes choir for older learners: classic songs, breathing and singing together.",
            "No need to read music: the teacher goes line by line.",
        ),
    ),
    "乐读分享会": (
        (
            "“乐读”读书会的分享活动：每人带一本喜欢的书，讲讲它打动自己的地方。",
            "活动后可在图书馆现场办理借书证。",
        ),
        (
            "A Happy Reading circle: everyone brings a favourite book and tells what moved them in it.",
            "Library cards could be made on the spot afterwards.",
        ),
    ),
    "长者智能手机入门": (
        (
            "教老人用智能手机打电话、发微信语音和视频，一对一帮扶。",
            "请带上自己的手机。",
        ),
        (
            "Helping older people make calls and send voice and video messages on their smartphones, one to one.",
            "Learners brought their own phones.",
        ),
    ),
    "家庭教育公益讲座": (
        (
            "家庭教育指导师讲怎样和孩子好好沟通、怎样陪孩子度过青春期。",
            "讲座安排在晚上，方便上班的家长参加。",
        ),
        (
            "A family educator on talking well with children and seeing them through their teenage years.",
            "Held in the evening so working parents could come.",
        ),
    ),
    "文化礼堂非遗剪纸": (
        (
            "在村文化礼堂学剪纸，传承人现场示范，村民一起剪窗花。",
            "作品在礼堂里展出一个月。",
        ),
        (
            "Paper-cutting in the village culture hall: a heritage craftsperson demonstrated and villagers cut window flowers together.",
            "The work stayed on show in the hall for a month.",
        ),
    ),
    "健康养生讲座": (
        (
            "社区医生讲秋冬季节的养生常识：饮食、睡眠、血压和血糖的自我管理。",
            "讲座后免费测量血压。",
        ),
        (
            "A community doctor on keeping well in autumn and winter: food, sleep, and looking after your blood pressure and blood sugar.",
            "Free blood pressure checks followed.",
        ),
    ),
    "青少年科普研学": (
        (
            "带中小学生走进科普场馆，动手做实验，了解身边的科学。",
            "由家长签字同意后参加。",
        ),
        (
            "School pupils visited a science hall and tried experiments about the science around them.",
            "With their parents' written consent.",
        ),
    ),
    "全民健身太极展示": (
        (
            "各镇太极队集中展示，也欢迎居民现场跟着学几招。",
            "在广场举行，雨天改在室内。",
        ),
        (
            "Tai chi teams from every town performed, and residents were welcome to join in for a few moves.",
            "Held on the square, indoors if it rained.",
        ),
    ),
    # The brand programmes' activities (lifelong.site.demo.community).
    "退役军人电商创业班": (
        (
            "教退役军人开网店：选品、拍照、上架和客服，一步步把家乡的农产品卖出去。",
            "结业后可加入创业互助群，继续交流。",
        ),
        (
            "Veterans learn to run an online shop: choosing goods, taking photos, listing them and serving customers, "
            "selling local produce step by step.",
            "Graduates join a support group to keep learning from each other.",
        ),
    ),
    "退役军人电工技能班": (
        (
            "两周的电工技能班：安全用电、线路安装和常见故障排查，动手练习为主。",
            "学完可参加电工职业技能等级认定。劳保鞋和工具由学校提供。",
        ),
        (
            "Two weeks of electrician skills: electrical safety, wiring and finding common faults, mostly hands-on.",
            "Those who finish can sit the electrician skill assessment. Safety shoes and tools are provided.",
        ),
    ),
    "核电安全文化讲座": (
        (
            "退休核电工程师讲核电站的安全文化：每个岗位怎样守住安全这条线。",
            "欢迎居民带着关于核电的问题来。",
        ),
        (
            "A retired nuclear engineer on the plant's safety culture: how every job keeps to the safety line.",
            "Residents were welcome to bring their questions about nuclear power.",
        ),
    ),
    "核电基础知识培训班": (
        (
            "两次课讲清核电基础：原子和裂变、反应堆怎样工作、辐射防护常识。",
            "适合准备进入核电相关企业的青年和在岗职工。课后发学习资料。",
        ),
        (
            "Nuclear basics in two sessions: atoms and fission, how a reactor works, and radiation protection.",
            "For young people heading into nuclear-related jobs and for workers already there. Notes are handed out.",
        ),
    ),
    "新农民讲堂：果蔬病虫害绿色防控": (
        (
            "讲果树和蔬菜常见病虫害的绿色防控：少用农药，多用物理和生物方法。",
            "农技专家现场看样、答疑。",
        ),
        (
            "Green pest control for fruit trees and vegetables: fewer pesticides, more physical and biological methods.",
            "An agricultural expert looked at samples and answered questions.",
        ),
    ),
    "新农民讲堂：农产品直播带货": (
        (
            "教农户用手机直播卖农产品：怎样布置镜头、怎样介绍产品、怎样发货和售后。",
            "第二次课现场试播，老师和同学给您提建议。",
            "<strong>请带上：</strong>智能手机和一样自家的农产品。",
        ),
        (
            "Selling farm produce by live stream on your phone: setting up the camera, presenting the produce, shipping and after-sales.",
            "In the second session you try a live stream and get tips from the teacher and classmates.",
            "<strong>Bring:</strong> your smartphone and something you grow.",
        ),
    ),
    "七彩课堂：剪纸手工": (
        (
            "七彩课堂的剪纸手工课，学剪生肖和窗花。",
            "材料由学校准备。",
        ),
        (
            "A Colorful Classes paper-cutting class: zodiac animals and window flowers.",
            "Materials were provided.",
        ),
    ),
    "七彩课堂：老年书画": (
        (
            "七彩课堂的书画课：画梅兰竹菊，写几个大字，老师逐个指点。",
            "笔墨纸由学校准备，也欢迎带上自己的工具。结业时举办学员作品展。",
        ),
        (
            "Colorful Classes painting: plum, orchid, bamboo and chrysanthemum, and some large characters, with the teacher helping each learner.",
            "Brushes, ink and paper are provided, or bring your own. A learners' exhibition closes the course.",
        ),
    ),
    "乐读·名家讲座": (
        (
            "“乐读”请来作家讲读书和写作，分享他和海盐的故事。",
            "讲座后有签名和交流时间。",
        ),
        (
            "Happy Reading invited an author to talk about reading and writing, and about his ties to Haiyan.",
            "Book signing and conversation followed.",
        ),
    ),
    "乐读·亲子共读会": (
        (
            "“乐读”亲子共读会：家长和孩子一起读一本书，再一起画一画书里的故事。",
            "适合 4 到 10 岁的孩子，每个孩子请由一位大人陪同。",
        ),
        (
            "Happy Reading for families: parents and children read a book together, then draw the story.",
            "For children aged 4 to 10, each with one adult.",
        ),
    ),
    # The year of ordinary activities (lifelong.site.demo.history).
    "智能手机入门": (
        ("村里的智能手机课：打视频电话、用微信、看健康码。", "志愿者一对一帮忙，请带上自己的手机。"),
        (
            "The village smartphone class: video calls, WeChat and health codes.",
            "Volunteers help one to one; bring your own phone.",
        ),
    ),
    "防范电信诈骗讲座": (
        ("民警用真实案例讲常见的电信诈骗手法，教大家怎样识别、怎样求助。", "记住：陌生人要转账，先挂电话再核实。"),
        (
            "A police officer uses real cases to show common phone scams and how to spot them and get help.",
            "Remember: if a stranger asks for money, hang up and check first.",
        ),
    ),
    "老年健康讲座": (
        ("乡镇卫生院医生讲老年人常见病的预防和用药常识。", "讲座后免费量血压、测血糖。"),
        (
            "A doctor from the town health centre on preventing common illnesses of older age and taking medicines safely.",
            "Free blood pressure and blood sugar checks afterwards.",
        ),
    ),
    "村史故事会": (
        ("村里的老人讲村子的过去：老地名、老手艺和老故事。", "欢迎带上老照片一起来。"),
        (
            "Older villagers tell the village's past: old place names, old crafts and old stories.",
            "Bring old photographs if you have them.",
        ),
    ),
    "广场舞练习": (
        ("文化礼堂前的广场舞练习，老师带着大家学新曲目。", "动作简单，跟得上就行。"),
        (
            "Square dance practice in front of the culture hall, learning a new routine with the teacher.",
            "Simple steps: just follow along.",
        ),
    ),
    "家庭急救常识": (
        ("学习心肺复苏、海姆立克急救法和家中常见意外的处理。", "用模拟人动手练习。"),
        (
            "Learn CPR, the Heimlich manoeuvre and what to do about common accidents at home.",
            "Hands-on practice with a training dummy.",
        ),
    ),
    "果蔬种植技术": (
        ("农技老师讲当季果蔬的种植和管理要点。", "欢迎带着自家地里的问题来。"),
        (
            "An agricultural teacher on growing and caring for this season's fruit and vegetables.",
            "Bring the questions from your own plot.",
        ),
    ),
    "书法兴趣班": (
        ("镇社区学校的书法兴趣班，临习楷书和行书。", "笔墨纸由学校准备。"),
        (
            "The town community school's calligraphy class: regular and running script.",
            "Brushes, ink and paper are provided.",
        ),
    ),
    "电工技能培训": (
        ("电工基础和安全用电培训，实操为主。", "结业可参加技能等级认定。"),
        (
            "Basic electrical work and electrical safety, mostly hands-on.",
            "Learners who finish can sit the skill assessment.",
        ),
    ),
    "退役军人创业课": (
        ("为退役军人讲创业政策、贷款和开店的第一步。", "请来已经创业的老兵分享经验。"),
        (
            "For veterans: start-up policies, loans and the first steps in opening a business.",
            "A veteran who has started a business shares what he learned.",
        ),
    ),
    "越剧欣赏": (
        ("欣赏越剧经典唱段，老师讲唱腔和剧情，也可以跟着学唱几句。", "戏迷朋友欢迎一起来。"),
        (
            "Classic Yue opera arias: the teacher explains the singing and the stories, and you can learn a few lines.",
            "Opera fans welcome.",
        ),
    ),
    "海盐历史文化讲堂": (
        ("讲海盐两千多年的历史：古城、海塘和名人故事。", "由县社区教育学校的老师主讲。"),
        (
            "Two thousand years of Haiyan: the old town, the sea walls and famous people.",
            "Given by a teacher of the county community education school.",
        ),
    ),
    "手机摄影课": (
        ("用手机拍出好照片：构图、光线和简单修图。", "课后到户外实拍练习。"),
        (
            "Good photos with your phone: composition, light and simple editing.",
            "An outdoor shoot follows.",
        ),
    ),
    "青年读书会": (
        ("面向青年的读书会，每月共读一本书，轮流领读。", "欢迎带朋友一起来。"),
        (
            "A reading circle for young people: one book a month, taking turns to lead.",
            "Bring a friend.",
        ),
    ),
}


def description_for(title: str) -> tuple[str, str] | None:
    """The description (Chinese, English) of a demo activity by its Chinese title."""
    texts = TEXTS.get(title)
    if texts is None:
        return None
    zh, en = texts
    return _html(*zh), _html(*en)
