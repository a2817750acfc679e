"""What residents type, and the page each query should find in the top five.

Written from the demo content's subjects, in the words people use: short words inside
running text, synonyms, numbers, mixed Chinese and Latin, two words with a space
(``QUERIES``); compound words typed without a space (``COMPOUND``), traditional
characters (``TRADITIONAL``) and pinyin (``PINYIN``). Each entry names the pages the
query is about; ``ALL_QUERIES`` is every set together.
"""

QUERIES = [
    ("电动车", {"e-bike-charging"}),
    ("电动自行车", {"e-bike-charging"}),
    ("电瓶车充电", {"e-bike-charging"}),
    ("电动车 楼道", {"e-bike-charging", "high-rise"}),
    ("充电桩", {"e-bike-charging"}),
    ("锂电池", {"e-bike-charging"}),
    ("飞线充电", {"e-bike-charging"}),
    ("电动车着火怎么办", {"e-bike-charging"}),
    ("灭火器", {"fire-extinguisher"}),
    ("灭火器怎么用", {"fire-extinguisher"}),
    ("干粉灭火器", {"fire-extinguisher"}),
    ("灭火毯", {"kitchen-fire", "fire-extinguisher"}),
    ("逃生", {"home-escape-plan"}),
    ("逃生路线", {"home-escape-plan"}),
    ("集合点", {"home-escape-plan"}),
    ("湿毛巾", {"home-escape-plan", "high-rise"}),
    ("疏散", {"jiufangcheng", "home-escape-plan", "changjing-school", "zhouzhuang-factory"}),
    ("夏令营", {"summer-camp"}),
    ("暑期营", {"summer-camp"}),
    ("团市委", {"summer-camp", "summer-camp-600-students"}),
    ("消防教育馆", {"summer-camp", "summer-camp-600-students"}),
    ("119", {"calling-119"}),
    ("拨打119", {"calling-119"}),
    ("报警电话", {"calling-119"}),
    ("APP 注册", {"huixiaofang-app"}),
    ("慧消防", {"huixiaofang-app"}),
    ("app", {"huixiaofang-app"}),
    ("烟雾报警器", {"smoke-alarm"}),
    ("烟感报警器", {"smoke-alarm"}),
    ("烟感", {"smoke-alarm"}),
    ("油锅起火", {"kitchen-fire"}),
    ("燃气泄漏", {"kitchen-fire"}),
    ("煤气", {"kitchen-fire"}),
    ("厨房", {"kitchen-fire"}),
    ("高层", {"high-rise"}),
    ("防火门", {"high-rise"}),
    ("独居老人", {"elderly-at-home"}),
    ("电热毯", {"elderly-at-home"}),
    ("插线板", {"electrical-safety"}),
    ("插线板 串联", {"electrical-safety"}),
    ("孩子玩火", {"children-and-fire"}),
    ("三合一", {"shops-and-workshops"}),
    ("群租房", {"shops-and-workshops", "100-day-inspections"}),
    ("烟花爆竹", {"festival-fireworks"}),
    ("主题公园", {"theme-park"}),
    ("五星公园", {"theme-park"}),
    ("体验室", {"experience-centers", "hongxing-meikailong", "yangshi-community"}),
    ("红星美凯龙", {"hongxing-meikailong"}),
    ("杨市", {"yangshi-community"}),
    ("九方城", {"jiufangcheng"}),
    ("百日攻坚", {"100-day-campaign-launch", "100-day-inspections"}),
    ("火灾隐患", {"100-day-inspections", "elderly-at-home", "hongxing-meikailong"}),
    ("自查", {"self-check"}),
    ("隐私", {"privacy"}),
    ("无障碍", {"accessibility"}),
]

# Two or three words run together, as people type them on a phone.
COMPOUND = [
    ("电动车火灾", {"e-bike-charging", "ebike-leaflets"}),
    ("电动车充电", {"e-bike-charging", "ebike-leaflets"}),
    ("楼道充电", {"e-bike-charging", "ebike-leaflets"}),
    ("电动车楼道", {"e-bike-charging", "ebike-leaflets"}),
    ("夜间充电", {"e-bike-charging"}),
    ("火灾逃生", {"home-escape-plan", "high-rise", "children-and-fire"}),
    ("灭火器使用", {"fire-extinguisher"}),
    ("干粉灭火器使用", {"fire-extinguisher"}),
    ("逃生路线图", {"home-escape-plan"}),
    ("全家逃生演练", {"home-escape-plan"}),
    ("屋外集合点", {"home-escape-plan"}),
    ("油锅着火", {"kitchen-fire"}),
    ("厨房燃气泄漏", {"kitchen-fire"}),
    ("燃气泄漏关阀门", {"kitchen-fire"}),
    ("烟感报警器安装", {"smoke-alarm"}),
    ("烟雾报警器测试", {"smoke-alarm"}),
    ("高层住宅火灾", {"high-rise"}),
    ("楼梯间防火门", {"high-rise"}),
    ("高层安全出口", {"high-rise"}),
    ("独居老人防火", {"elderly-at-home"}),
    ("老人用电安全", {"elderly-at-home", "electrical-safety", "xinqiao-community"}),
    ("插线板串联", {"electrical-safety"}),
    ("大功率电器插座", {"electrical-safety"}),
    ("孩子玩打火机", {"children-and-fire"}),
    ("儿童低姿逃生", {"children-and-fire"}),
    ("三合一场所", {"shops-and-workshops"}),
    ("沿街商铺防火", {"shops-and-workshops"}),
    ("慧消防注册", {"huixiaofang-app"}),
    ("单位消防自查", {"huixiaofang-app", "self-check"}),
    ("拨打119报警", {"calling-119"}),
    ("报警说清地址", {"calling-119"}),
    ("烟花爆竹燃放", {"festival-fireworks"}),
    ("祭祀香烛", {"festival-fireworks"}),
    ("消防夏令营", {"summer-camp", "summer-camp-600-students"}),
    ("消防体验室", {"experience-centers", "hongxing-meikailong", "yangshi-community"}),
    ("社区消防体验点", {"yangshi-community", "xinqiao-community"}),
    ("微型消防体验室", {"hongxing-meikailong", "experience-rooms-open"}),
    ("百日攻坚行动", {"100-day-campaign-launch", "100-day-inspections"}),
    ("重大火灾隐患", {"100-day-inspections"}),
    ("消防主题公园", {"theme-park", "experience-rooms-open"}),
    ("消防宣传车", {"ebike-leaflets"}),
    ("校园消防体验点", {"changjing-school"}),
]

# The same subjects in traditional characters (Hong Kong, Taiwan, older residents).
TRADITIONAL = [
    ("電動車", {"e-bike-charging"}),
    ("電動車火災", {"e-bike-charging", "ebike-leaflets"}),
    ("滅火器", {"fire-extinguisher"}),
    ("滅火器使用", {"fire-extinguisher"}),
    ("逃生路線", {"home-escape-plan"}),
    ("集合點", {"home-escape-plan"}),
    ("煙霧報警器", {"smoke-alarm"}),
    ("廚房", {"kitchen-fire"}),
    ("燃氣洩漏", {"kitchen-fire"}),
    ("高層", {"high-rise"}),
    ("防火門", {"high-rise"}),
    ("獨居老人", {"elderly-at-home"}),
    ("插線板", {"electrical-safety"}),
    ("煙花爆竹", {"festival-fireworks"}),
    ("夏令營", {"summer-camp"}),
    ("體驗室", {"experience-centers", "hongxing-meikailong", "yangshi-community"}),
    ("紅星美凱龍", {"hongxing-meikailong"}),
    ("百日攻堅", {"100-day-campaign-launch", "100-day-inspections"}),
    ("火災隱患", {"100-day-inspections", "elderly-at-home", "hongxing-meikailong"}),
    ("報警電話", {"calling-119"}),
    ("慧消防", {"huixiaofang-app"}),
]

# Pinyin, in full or as initials, for the words of titles.
PINYIN = [
    ("miehuoqi", {"fire-extinguisher"}),
    ("mhq", {"fire-extinguisher"}),
    ("diandongche", {"e-bike-charging", "ebike-leaflets"}),
    ("yanwubaojingqi", {"smoke-alarm"}),
    ("chufang", {"kitchen-fire"}),
    ("xialingying", {"summer-camp", "summer-camp-600-students"}),
    ("dujulaoren", {"elderly-at-home"}),
    ("chaxianban", {"electrical-safety"}),
    ("huixiaofang", {"huixiaofang-app"}),
    ("yanhuabaozhu", {"festival-fireworks"}),
    ("gaoceng", {"high-rise"}),
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
    ("e-bike", {"en-e-bike"}),
    ("charging", {"en-e-bike"}),
    ("e-bike charging", {"en-e-bike"}),
    ("battery", {"en-e-bike", "en-smoke-alarm"}),
    ("stairwell", {"en-e-bike"}),
    ("fire extinguisher", {"en-extinguisher"}),
    ("extinguishers", {"en-extinguisher"}),
    ("how to use an extinguisher", {"en-extinguisher"}),
    ("dry powder", {"en-extinguisher"}),
    ("escape plan", {"en-escape-plan"}),
    ("escape routes", {"en-escape-plan"}),
    ("evacuation", {"en-escape-plan"}),
    ("meeting point", {"en-escape-plan"}),
    ("kitchen fire", {"en-kitchen"}),
    ("burning oil", {"en-kitchen"}),
    ("gas smell", {"en-kitchen"}),
    ("smoke alarms", {"en-smoke-alarm"}),
    ("testing smoke alarm", {"en-smoke-alarm"}),
    ("fire doors", {"en-high-rise"}),
    ("high-rise", {"en-high-rise"}),
    ("wet towel", {"en-high-rise"}),
    ("calling 119", {"en-calling-119"}),
    ("119", {"en-calling-119"}),
    ("summer camp", {"en-summer-camp"}),
    ("camp registration", {"en-summer-camp"}),
    ("fire extinguisher 灭火器", {"en-extinguisher"}),
]
