"""The home page, the site settings and the main menu of the demo site."""

HOME = {
    "title": "首页",
    "slug": "home",
    "hero_title": "学消防知识，护平安江阴",
    "hero_text": (
        "五星公园消防主题公园、社区和商场里的微型消防体验室、暑期消防夏令营、"
        "安全指南和宣传活动，都在这里。"
    ),
    "intro": (
        "<p>这是江阴市消防救援大队的消防宣传教育平台。学校和企业可以在线预约参观、"
        "夏令营和消防课；家长可以为孩子投稿消防绘画和作文；每一次宣传的覆盖人数，"
        "都会在这里公开统计。</p>"
    ),
    "search_description": "江阴消防宣传教育平台：主题公园、体验室、夏令营、安全指南与宣传活动。",
}

# The city the demo department serves (the root of its place tree), in Chinese and English.
CITY = ("江阴市", "Jiangyin")

# The main menu: short labels that fit a phone, each a slug under the home page or a
# path of the site.
MENU = [
    ("主题公园", "Theme park", "theme-park"),
    ("体验室", "Experience rooms", "experience-centers"),
    ("夏令营", "Summer camp", "summer-camp"),
    ("团体预约", "Book a visit", "/booking/"),
    ("安全指南", "Safety guides", "safety-guides"),
    ("家庭自查", "Home check", "self-check"),
    ("作品征集", "Contest", "children-contest-2"),
    ("宣传活动", "Campaigns", "campaigns"),
    ("新闻", "News", "news"),
]

SETTINGS = {
    "fire_hotline": "119",
    "service_hotline": "0510-8686 0119",
    "service_hours": "工作日 8:30–17:30",
    "service_hours_en": "Weekdays 8:30–17:30",
    "address": "江苏省无锡市江阴市五星公园消防主题公园",
    "address_en": "Fire-Safety Theme Park, Wuxing Park, Jiangyin, Wuxi, Jiangsu",
    "department_name": "江阴市消防救援大队",
    "department_name_en": "Jiangyin Fire and Rescue Brigade",
    "short_name": "江阴消防",
    "short_name_en": "Jiangyin Fire",
    "email": "xuanchuan@firebreak.invalid",
    "wechat_account": "江阴消防",
    "footer_text": "江阴市消防救援大队主办。本站内容用于公益消防宣传教育。",
    "footer_text_en": (
        "Run by the Jiangyin Fire and Rescue Brigade for public fire-safety education."
    ),
    "icp_number": "苏ICP备00000000号-1",
}
