"""What residents type, and how useful each page of the content is for it.

Written from the demo content's subjects, in the words people use: short words inside
running text, synonyms, numbers, mixed Chinese and Latin, two words with a space
(``QUERIES``); compound words typed without a space (``COMPOUND``), traditional
characters (``TRADITIONAL``) and pinyin (``PINYIN``). ``ALL_QUERIES`` is every set
together.

Each entry grades the pages judged for the query, from the content as a resident would
read it; a page not named is not relevant (0):

- 3: the answer, the page written about exactly this;
- 2: a page largely about it (a news report on the same subject, a place whose
  activity it is): relevant;
- 1: mentions it usefully in passing (a summary line): not counted as relevant.
"""

RELEVANT = 2  # the lowest grade counted as relevant by hit@5, P@5 and recall


def relevant(grades):
    """The pages of a judgement that count as relevant."""
    return {slug for slug, grade in grades.items() if grade >= RELEVANT}


QUERIES = [
    (
        "电动车",
        {
            "e-bike-charging": 3,
            "winter-e-bike-charging": 2,
            "ebike-leaflets": 2,
            "yangshi-community": 1,
            "self-check": 1,
        },
    ),
    ("电动自行车", {"e-bike-charging": 3, "winter-e-bike-charging": 1, "ebike-leaflets": 1}),
    ("电瓶车充电", {"e-bike-charging": 3, "winter-e-bike-charging": 2, "ebike-leaflets": 1}),
    (
        "电动车 楼道",
        {"e-bike-charging": 3, "high-rise": 2, "winter-e-bike-charging": 2, "ebike-leaflets": 2},
    ),
    ("充电桩", {"e-bike-charging": 3}),
    ("锂电池", {"e-bike-charging": 3}),
    ("飞线充电", {"e-bike-charging": 3, "winter-e-bike-charging": 2}),
    ("电动车着火怎么办", {"e-bike-charging": 3, "winter-e-bike-charging": 1, "ebike-leaflets": 1}),
    ("灭火器", {"fire-extinguisher": 3}),
    ("灭火器怎么用", {"fire-extinguisher": 3}),
    ("干粉灭火器", {"fire-extinguisher": 3}),
    ("灭火毯", {"kitchen-fire": 3, "fire-extinguisher": 2}),
    ("逃生", {"home-escape-plan": 3, "high-rise": 1, "children-and-fire": 1}),
    ("逃生路线", {"home-escape-plan": 3}),
    ("集合点", {"home-escape-plan": 3}),
    ("湿毛巾", {"home-escape-plan": 3, "high-rise": 2}),
    (
        "疏散",
        {"home-escape-plan": 3, "jiufangcheng": 2, "changjing-school": 2, "zhouzhuang-factory": 2},
    ),
    ("夏令营", {"summer-camp": 3, "summer-camp-600-students": 2}),
    ("暑期营", {"summer-camp": 3, "summer-camp-600-students": 2}),
    ("团市委", {"summer-camp-600-students": 3, "summer-camp": 2}),
    ("消防教育馆", {"summer-camp": 3, "summer-camp-600-students": 2}),
    (
        "119",
        {"calling-119": 3, "children-and-fire": 1, "elderly-at-home": 1, "yangshi-community": 1},
    ),
    ("拨打119", {"calling-119": 3, "children-and-fire": 1, "yangshi-community": 1}),
    ("报警电话", {"calling-119": 3}),
    ("APP 注册", {"huixiaofang-app": 3}),
    ("慧消防", {"huixiaofang-app": 3}),
    ("app", {"huixiaofang-app": 3}),
    ("烟雾报警器", {"smoke-alarm": 3, "elderly-at-home": 1}),
    ("烟感报警器", {"smoke-alarm": 3, "elderly-at-home": 1}),
    ("烟感", {"smoke-alarm": 3, "elderly-at-home": 1}),
    ("油锅起火", {"kitchen-fire": 3}),
    ("燃气泄漏", {"kitchen-fire": 3}),
    ("煤气", {"kitchen-fire": 3}),
    ("厨房", {"kitchen-fire": 3}),
    ("高层", {"high-rise": 3}),
    ("防火门", {"high-rise": 3}),
    ("独居老人", {"elderly-at-home": 3}),
    ("电热毯", {"elderly-at-home": 3}),
    ("插线板", {"electrical-safety": 3}),
    ("插线板 串联", {"electrical-safety": 3}),
    ("孩子玩火", {"children-and-fire": 3}),
    ("三合一", {"shops-and-workshops": 3}),
    ("群租房", {"shops-and-workshops": 3, "100-day-inspections": 2}),
    ("烟花爆竹", {"festival-fireworks": 3}),
    ("主题公园", {"theme-park": 3, "experience-rooms-open": 1}),
    ("五星公园", {"theme-park": 3, "experience-rooms-open": 1}),
    (
        "体验室",
        {
            "experience-centers": 3,
            "hongxing-meikailong": 2,
            "yangshi-community": 2,
            "experience-rooms-open": 2,
        },
    ),
    ("红星美凯龙", {"hongxing-meikailong": 3, "experience-rooms-open": 2}),
    ("杨市", {"yangshi-community": 3, "experience-rooms-open": 2}),
    ("九方城", {"jiufangcheng": 3, "experience-rooms-open": 1}),
    ("百日攻坚", {"100-day-campaign-launch": 3, "100-day-inspections": 3}),
    ("火灾隐患", {"100-day-inspections": 3, "elderly-at-home": 2, "hongxing-meikailong": 2}),
    ("自查", {"self-check": 3, "huixiaofang-app": 2}),
    ("隐私", {"privacy": 3}),
    ("无障碍", {"accessibility": 3}),
]

# Two or three words run together, as people type them on a phone.
COMPOUND = [
    ("电动车火灾", {"e-bike-charging": 3, "ebike-leaflets": 2, "winter-e-bike-charging": 1}),
    ("电动车充电", {"e-bike-charging": 3, "ebike-leaflets": 2, "winter-e-bike-charging": 2}),
    ("楼道充电", {"e-bike-charging": 3, "ebike-leaflets": 2, "winter-e-bike-charging": 2}),
    ("电动车楼道", {"e-bike-charging": 3, "ebike-leaflets": 2, "winter-e-bike-charging": 2}),
    ("夜间充电", {"e-bike-charging": 3}),
    ("火灾逃生", {"home-escape-plan": 3, "high-rise": 2, "children-and-fire": 2}),
    ("灭火器使用", {"fire-extinguisher": 3}),
    ("干粉灭火器使用", {"fire-extinguisher": 3}),
    ("逃生路线图", {"home-escape-plan": 3}),
    ("全家逃生演练", {"home-escape-plan": 3}),
    ("屋外集合点", {"home-escape-plan": 3}),
    ("油锅着火", {"kitchen-fire": 3}),
    ("厨房燃气泄漏", {"kitchen-fire": 3}),
    ("燃气泄漏关阀门", {"kitchen-fire": 3}),
    ("烟感报警器安装", {"smoke-alarm": 3}),
    ("烟雾报警器测试", {"smoke-alarm": 3}),
    ("高层住宅火灾", {"high-rise": 3}),
    ("楼梯间防火门", {"high-rise": 3}),
    ("高层安全出口", {"high-rise": 3}),
    ("独居老人防火", {"elderly-at-home": 3}),
    ("老人用电安全", {"elderly-at-home": 3, "electrical-safety": 2, "xinqiao-community": 1}),
    ("插线板串联", {"electrical-safety": 3}),
    ("大功率电器插座", {"electrical-safety": 3}),
    ("孩子玩打火机", {"children-and-fire": 3}),
    ("儿童低姿逃生", {"children-and-fire": 3}),
    ("三合一场所", {"shops-and-workshops": 3}),
    ("沿街商铺防火", {"shops-and-workshops": 3}),
    ("慧消防注册", {"huixiaofang-app": 3}),
    ("单位消防自查", {"huixiaofang-app": 3, "self-check": 2}),
    ("拨打119报警", {"calling-119": 3}),
    ("报警说清地址", {"calling-119": 3}),
    ("烟花爆竹燃放", {"festival-fireworks": 3}),
    ("祭祀香烛", {"festival-fireworks": 3}),
    ("消防夏令营", {"summer-camp": 3, "summer-camp-600-students": 2}),
    ("消防体验室", {"experience-centers": 3, "hongxing-meikailong": 2, "yangshi-community": 2}),
    ("社区消防体验点", {"yangshi-community": 3, "xinqiao-community": 3}),
    (
        "微型消防体验室",
        {"experience-centers": 3, "hongxing-meikailong": 2, "experience-rooms-open": 2},
    ),
    ("百日攻坚行动", {"100-day-campaign-launch": 3, "100-day-inspections": 2}),
    ("重大火灾隐患", {"100-day-inspections": 3}),
    ("消防主题公园", {"theme-park": 3, "experience-rooms-open": 1}),
    ("消防宣传车", {"ebike-leaflets": 3}),
    ("校园消防体验点", {"changjing-school": 3}),
]

# The same subjects in traditional characters (Hong Kong, Taiwan, older residents).
TRADITIONAL = [
    (
        "電動車",
        {
            "e-bike-charging": 3,
            "winter-e-bike-charging": 2,
            "ebike-leaflets": 2,
            "yangshi-community": 1,
            "self-check": 1,
        },
    ),
    ("電動車火災", {"e-bike-charging": 3, "ebike-leaflets": 2, "winter-e-bike-charging": 1}),
    ("滅火器", {"fire-extinguisher": 3}),
    ("滅火器使用", {"fire-extinguisher": 3}),
    ("逃生路線", {"home-escape-plan": 3}),
    ("集合點", {"home-escape-plan": 3}),
    ("煙霧報警器", {"smoke-alarm": 3, "elderly-at-home": 1}),
    ("廚房", {"kitchen-fire": 3}),
    ("燃氣洩漏", {"kitchen-fire": 3}),
    ("高層", {"high-rise": 3}),
    ("防火門", {"high-rise": 3}),
    ("獨居老人", {"elderly-at-home": 3}),
    ("插線板", {"electrical-safety": 3}),
    ("煙花爆竹", {"festival-fireworks": 3}),
    ("夏令營", {"summer-camp": 3, "summer-camp-600-students": 2}),
    (
        "體驗室",
        {
            "experience-centers": 3,
            "hongxing-meikailong": 2,
            "yangshi-community": 2,
            "experience-rooms-open": 2,
        },
    ),
    ("紅星美凱龍", {"hongxing-meikailong": 3, "experience-rooms-open": 2}),
    ("百日攻堅", {"100-day-campaign-launch": 3, "100-day-inspections": 3}),
    ("火災隱患", {"100-day-inspections": 3, "elderly-at-home": 2, "hongxing-meikailong": 2}),
    ("報警電話", {"calling-119": 3}),
    ("慧消防", {"huixiaofang-app": 3}),
]

# Pinyin, in full or as initials, for the words of titles.
PINYIN = [
    ("miehuoqi", {"fire-extinguisher": 3}),
    ("mhq", {"fire-extinguisher": 3}),
    ("diandongche", {"e-bike-charging": 3, "ebike-leaflets": 2, "winter-e-bike-charging": 2}),
    ("yanwubaojingqi", {"smoke-alarm": 3}),
    ("chufang", {"kitchen-fire": 3}),
    ("xialingying", {"summer-camp": 3, "summer-camp-600-students": 2}),
    ("dujulaoren", {"elderly-at-home": 3}),
    ("chaxianban", {"electrical-safety": 3}),
    ("huixiaofang", {"huixiaofang-app": 3}),
    ("yanhuabaozhu", {"festival-fireworks": 3}),
    ("gaoceng", {"high-rise": 3}),
]

ALL_QUERIES = QUERIES + COMPOUND + TRADITIONAL + PINYIN

# English pages the English queries run against (the demo's English pages are aliases
# of the Chinese ones until their translations are written): slug, title, text.
ENGLISH_PAGES = [
    (
        "en-e-bike",
        "Charging e-bikes safely",
        "Most e-bike fires start while the battery is charging at night. Never charge "
        "an e-bike in the stairwell or the hallway; use the charging points downstairs.",
    ),
    (
        "en-extinguisher",
        "Choosing and using a fire extinguisher",
        "A two-kilogram dry powder extinguisher puts out most small fires. Pull the "
        "pin, aim at the base of the flames, squeeze the handle, sweep side to side.",
    ),
    (
        "en-escape-plan",
        "A home escape plan",
        "Draw a floor plan of your home, mark two escape routes from every room and a "
        "meeting point outside. Practise the evacuation with the whole family twice a year.",
    ),
    (
        "en-kitchen",
        "Kitchen fires",
        "If a pan of oil catches fire, cover it with a lid and turn off the heat. Never "
        "throw water on burning oil. If you smell gas, close the valve and open windows.",
    ),
    (
        "en-smoke-alarm",
        "Smoke alarms save lives",
        "Fit a smoke alarm in the hallway outside the bedrooms and test it every month. "
        "Replace the batteries once a year.",
    ),
    (
        "en-high-rise",
        "Living in a high-rise",
        "Keep fire doors on the staircase closed and corridors clear. Know both exits. "
        "Smoke rises fast in tall buildings: stay low and cover your mouth with a wet towel.",
    ),
    (
        "en-calling-119",
        "Calling 119",
        "Tell the operator the address, what is burning, how big the fire is, whether "
        "anyone is trapped, and your phone number. Meet the fire engine at the crossing.",
    ),
    (
        "en-summer-camp",
        "Fire-safety summer camp",
        "Students spend a day at the fire education centre, learning to escape and to "
        "put out fires. Schools register classes for the summer batches.",
    ),
]

ENGLISH = [
    ("e-bike", {"en-e-bike": 3}),
    ("charging", {"en-e-bike": 3}),
    ("e-bike charging", {"en-e-bike": 3}),
    ("battery", {"en-e-bike": 3, "en-smoke-alarm": 2}),
    ("stairwell", {"en-e-bike": 3}),
    ("fire extinguisher", {"en-extinguisher": 3}),
    ("extinguishers", {"en-extinguisher": 3}),
    ("how to use an extinguisher", {"en-extinguisher": 3}),
    ("dry powder", {"en-extinguisher": 3}),
    ("escape plan", {"en-escape-plan": 3}),
    ("escape routes", {"en-escape-plan": 3}),
    ("evacuation", {"en-escape-plan": 3}),
    ("meeting point", {"en-escape-plan": 3}),
    ("kitchen fire", {"en-kitchen": 3}),
    ("burning oil", {"en-kitchen": 3}),
    ("gas smell", {"en-kitchen": 3}),
    ("smoke alarms", {"en-smoke-alarm": 3}),
    ("testing smoke alarm", {"en-smoke-alarm": 3}),
    ("fire doors", {"en-high-rise": 3}),
    ("high-rise", {"en-high-rise": 3}),
    ("wet towel", {"en-high-rise": 3}),
    ("calling 119", {"en-calling-119": 3}),
    ("119", {"en-calling-119": 3}),
    ("summer camp", {"en-summer-camp": 3}),
    ("camp registration", {"en-summer-camp": 3}),
    ("fire extinguisher 灭火器", {"en-extinguisher": 3}),
]
