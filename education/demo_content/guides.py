"""Safety guides, their topics and audiences, and the search synonyms."""

from .blocks import text

GUIDES = [
    {
        "slug": "e-bike-charging",
        "title": "预防电动车火灾：安全充电八件事",
        "summary": "电动自行车起火大多发生在夜间充电时。记住这几条，别把危险推进楼道和家门。",
        "topics": ["e-bike", "home"],
        "audiences": ["families", "elderly"],
        "priority": 1,
        "image": "ebike",
        "leaflet": True,
        "body": [
            text(
                "<p>电动自行车（大家常说的电动车、电瓶车）的锂电池一旦热失控，"
                "几秒钟就会喷出火焰和有毒烟气。楼道、门厅是逃生的必经之路，"
                "在这里停车充电，等于把出口堵上。</p>"
            ),
            (
                "do_dont",
                {
                    "do": [
                        "到小区集中充电点或智能充电桩充电",
                        "使用原厂充电器，充满后及时断电",
                        "电池鼓包、发烫、有异味时立即停止使用",
                        "购买有3C认证的整车和电池",
                    ],
                    "dont": [
                        "在楼道、门厅、安全出口停放或充电",
                        "把电池拎回家里充电，尤其是卧室",
                        "从窗户“飞线”拉电给电动车充电",
                        "私自改装电池、加装大功率电瓶",
                    ],
                },
            ),
            (
                "steps",
                {
                    "heading": "电动车着火时怎么办",
                    "steps": [
                        "立刻远离，不要试图拔插头或扑打电池",
                        "大声提醒周围的人撤离，关上身后的门",
                        "拨打119，说清地址、起火物品和有无人员被困",
                        "火势初起且能确保安全时，用水或灭火器冷却周边",
                    ],
                },
            ),
            (
                "callout",
                {
                    "tone": "danger",
                    "heading": "充电时长",
                    "text": "<p>一般充电不超过8小时，不要整夜充电后无人看管。</p>",
                },
            ),
        ],
    },
    {
        "slug": "home-escape-plan",
        "title": "家庭逃生计划：两分钟全家撤离",
        "summary": "画一张家里的平面图，标出两条逃生路线和屋外集合点，每年全家演练两次。",
        "topics": ["escape", "home"],
        "audiences": ["families", "children"],
        "priority": 2,
        "image": "escape",
        "body": [
            text(
                "<p>火灾中真正可用的逃生时间往往只有两三分钟。事先商量好，比临场慌乱可靠得多。</p>"
            ),
            (
                "steps",
                {
                    "heading": "制定逃生计划",
                    "steps": [
                        "画出住房平面图，标出每个房间的门和窗",
                        "为每个房间找出两条出路",
                        "约定屋外的集合点，比如楼下的路灯旁",
                        "让孩子记住119和家庭住址",
                        "每年至少全家演练两次，其中一次在夜间",
                    ],
                },
            ),
            (
                "checklist",
                {
                    "heading": "逃生时记住",
                    "items": [
                        "用湿毛巾捂住口鼻，弯腰低姿前进",
                        "开门前先用手背试门把手的温度",
                        "不要乘坐电梯",
                        "已经逃出就不要返回取财物",
                    ],
                },
            ),
        ],
    },
    {
        "slug": "fire-extinguisher",
        "title": "家用灭火器怎么选、怎么用",
        "summary": "一瓶两公斤的干粉灭火器能扑灭大多数初起火。学会“提、拔、握、压”四个动作。",
        "topics": ["equipment"],
        "audiences": ["families", "companies"],
        "priority": 3,
        "image": "extinguisher",
        "leaflet": True,
        "body": [
            text(
                "<p>家里推荐配备ABC干粉灭火器，放在厨房附近、容易拿到的地方，不要锁在柜子里。</p>"
            ),
            (
                "steps",
                {
                    "heading": "使用灭火器四步法",
                    "steps": [
                        "提：提起灭火器",
                        "拔：拔掉保险销",
                        "握：握住喷管对准火焰根部",
                        "压：用力压下压把",
                    ],
                },
            ),
            (
                "checklist",
                {
                    "heading": "每月看一眼",
                    "items": ["压力表指针在绿色区域", "瓶身无锈蚀、喷管无破损", "在有效期内"],
                },
            ),
            (
                "callout",
                {
                    "tone": "warning",
                    "heading": "注意",
                    "text": "<p>站在上风处，距离火焰两三米。火势扩大时立即撤离。</p>",
                },
            ),
        ],
    },
    {
        "slug": "kitchen-fire",
        "title": "厨房防火：油锅起火别用水",
        "summary": "油锅着火时盖上锅盖、关火，千万不要泼水。燃气泄漏先关阀门、开窗通风。",
        "topics": ["kitchen", "home"],
        "audiences": ["families", "elderly"],
        "priority": 4,
        "image": "kitchen",
        "body": [
            text("<p>做饭时人不离灶。油温过高冒烟时先关火，不要往锅里加冷水。</p>"),
            (
                "do_dont",
                {
                    "do": ["油锅起火立即盖上锅盖并关火", "用灭火毯覆盖", "定期检查燃气软管"],
                    "dont": [
                        "往起火的油锅里泼水",
                        "在燃气泄漏时开关电器",
                        "灶台边堆放纸巾和塑料袋",
                    ],
                },
            ),
            (
                "steps",
                {
                    "heading": "闻到燃气味",
                    "steps": ["关闭燃气总阀", "打开门窗通风", "不开灯、不打电话，到室外再报警"],
                },
            ),
        ],
    },
    {
        "slug": "smoke-alarm",
        "title": "烟雾报警器：最便宜的救命装置",
        "summary": (
            "独立式烟感报警器能在睡梦中把你叫醒。装在卧室外的走廊和客厅顶部，每月按一次测试键。"
        ),
        "topics": ["equipment", "home"],
        "audiences": ["families", "elderly"],
        "priority": 5,
        "body": [
            text(
                "<p>很多致命火灾发生在夜间，人在睡眠中闻不到烟味。江阴在百日攻坚期间为居民推广安装了九百多个独立式感烟探测器。</p>"
            ),
            (
                "checklist",
                {
                    "heading": "安装与维护",
                    "items": [
                        "装在天花板中央，离墙至少半米",
                        "厨房和浴室不要装",
                        "每月按测试键",
                        "电池低电量鸣叫时立即更换",
                    ],
                },
            ),
        ],
    },
    {
        "slug": "high-rise",
        "title": "住在高层：楼道畅通就是生命通道",
        "summary": "高层住宅起火烟气上升快。保持楼梯间防火门常闭，楼道不堆杂物，熟悉两个安全出口。",
        "topics": ["high-rise", "escape"],
        "audiences": ["families"],
        "priority": 6,
        "body": [
            text(
                "<p>楼梯间的防火门平时要关着，它能把烟挡在外面。消防车通道和登高场地不能占用停车。</p>"
            ),
            (
                "do_dont",
                {
                    "do": [
                        "熟悉本楼两个安全出口的位置",
                        "火在楼下时，关门、用湿毛巾塞门缝，到阳台呼救",
                    ],
                    "dont": ["用木楔撑开防火门", "在楼道堆放纸箱、家具、电动车", "乘电梯逃生"],
                },
            ),
        ],
    },
    {
        "slug": "elderly-at-home",
        "title": "独居老人防火：子女要帮一把",
        "summary": (
            "为家中老人检查电线、更换老旧插座、装上烟感报警器，并把119和邻居电话贴在电话旁。"
        ),
        "topics": ["home"],
        "audiences": ["elderly", "families"],
        "priority": 7,
        "body": [
            text("<p>老人行动慢、嗅觉减弱，更需要提前预防。</p>"),
            (
                "checklist",
                {
                    "heading": "回家时帮老人检查",
                    "items": [
                        "电热毯是否老化",
                        "插座是否超负荷",
                        "蚊香、香烛是否远离可燃物",
                        "烟感报警器是否有电",
                    ],
                },
            ),
        ],
    },
    {
        "slug": "electrical-safety",
        "title": "家庭用电：插线板不要串联",
        "summary": "大功率电器单独插座，插线板不串联不超载，出门前拔掉不用的充电器。",
        "topics": ["home"],
        "audiences": ["families", "companies"],
        "priority": 8,
        "body": [
            text("<p>电气线路故障是居民家中起火的主要原因之一。</p>"),
            (
                "do_dont",
                {
                    "do": ["选用带保护门和过载保护的插线板", "请持证电工改线"],
                    "dont": ["插线板串联使用", "电线被家具压住或穿过门缝", "手机整夜放在枕边充电"],
                },
            ),
        ],
    },
    {
        "slug": "children-and-fire",
        "title": "教孩子认识火：三件事从小学",
        "summary": "火柴打火机放在孩子拿不到的地方；教会孩子拨打119、低姿逃生和不躲床底衣柜。",
        "topics": ["escape"],
        "audiences": ["children", "schools"],
        "priority": 9,
        "body": [
            text(
                "<p>孩子出于好奇玩火，是家庭火灾的常见原因。消防夏令营和开学第一课都会讲到这些。</p>"
            ),
            (
                "steps",
                {
                    "heading": "和孩子一起练",
                    "steps": ["模拟拨打119，说清地址", "弯腰低姿走到门口", "到楼下集合点找家人"],
                },
            ),
        ],
    },
    {
        "slug": "shops-and-workshops",
        "title": "沿街商铺和“三合一”场所：住人不能和经营混在一起",
        "summary": "生产、经营、储存和住宿混在同一空间的“三合一”场所，一旦起火极易伤人。",
        "topics": ["workplace"],
        "audiences": ["companies"],
        "priority": 10,
        "body": [
            text(
                "<p>百日攻坚期间，消防部门和基层力量检查了一百多家“三合一”场所和三百多家群租房。</p>"
            ),
            (
                "checklist",
                {
                    "heading": "店主自查",
                    "items": [
                        "住宿区与经营区用实体墙分隔",
                        "配备灭火器并会使用",
                        "疏散通道和出口畅通",
                        "电动车不在店内充电",
                    ],
                },
            ),
        ],
    },
    {
        "slug": "huixiaofang-app",
        "title": "“慧消防”APP注册指南（单位）",
        "summary": "单位在慧消防APP注册后，可以在线做消防安全自查、上报隐患整改情况。",
        "topics": ["workplace"],
        "audiences": ["companies"],
        "priority": 11,
        "body": [
            text("<p>江阴消防正在推广慧消防APP的注册，已有近六百家单位完成注册。</p>"),
            (
                "steps",
                {
                    "heading": "注册步骤",
                    "steps": [
                        "在手机应用商店搜索并下载APP",
                        "选择“单位注册”，填写统一社会信用代码",
                        "上传营业执照照片，等待审核",
                        "审核通过后，每月完成一次自查",
                    ],
                },
            ),
        ],
    },
    {
        "slug": "calling-119",
        "title": "拨打119报警：说清这五点",
        "summary": "报警时讲清地址、起火物、火势大小、有无被困人员和报警人电话，到路口接消防车。",
        "topics": ["escape"],
        "audiences": ["families", "children", "schools"],
        "priority": 12,
        "body": [
            (
                "steps",
                {
                    "heading": "报警要点",
                    "steps": [
                        "详细地址：小区、楼号、单元、楼层",
                        "什么东西着火",
                        "火势大小、有没有人被困",
                        "你的姓名和电话",
                        "派人到路口接应消防车",
                    ],
                },
            ),
            (
                "callout",
                {
                    "tone": "info",
                    "heading": "免费",
                    "text": "<p>119报警电话免费，手机欠费、没有SIM卡也能拨打。</p>",
                },
            ),
        ],
    },
    {
        "slug": "festival-fireworks",
        "title": "节日用火：烟花爆竹和祭祀香烛",
        "summary": "在允许燃放的区域和时间燃放，远离楼道、车棚和阳台；香烛有人看守。",
        "topics": ["home"],
        "audiences": ["families"],
        "priority": 13,
        "body": [
            text("<p>春节、清明、中元节前后，因烟花和香烛引发的火灾明显增多。</p>"),
            (
                "do_dont",
                {
                    "do": ["购买正规产品", "燃放后用水浇透残骸"],
                    "dont": ["在阳台、楼道燃放", "香烛无人看守", "让孩子单独燃放"],
                },
            ),
        ],
    },
]

TOPICS = {
    "e-bike": ("电动车", "E-bikes"),
    "home": ("居家安全", "Home safety"),
    "escape": ("逃生自救", "Escape"),
    "equipment": ("消防器材", "Equipment"),
    "kitchen": ("厨房用火", "Kitchen"),
    "high-rise": ("高层建筑", "High-rise"),
    "workplace": ("单位与商铺", "Workplaces and shops"),
}
AUDIENCES = {
    "families": ("家庭", "Families"),
    "elderly": ("老人", "Older people"),
    "children": ("儿童", "Children"),
    "schools": ("学校", "Schools"),
    "companies": ("单位企业", "Companies"),
}

SYNONYMS = [
    "电动车, 电动自行车, 电瓶车",
    "烟雾报警器, 烟感报警器, 感烟探测器, 烟感",
    "灭火器, 灭火瓶",
    "逃生, 疏散, 撤离",
    "夏令营, 暑期营",
    "体验室, 体验馆, 体验点",
    "燃气, 煤气, 天然气",
    "app, 应用",
]
