"""The demo's bookable events and venues in English, keyed by their Chinese text.

Events and sessions are data that both languages share; their English twins
(``title_en``, ``summary_en``, ``venue_en``) are filled here where they are empty, so an
editor's own English is never overwritten and a demo loaded earlier gains them too.
"""

from .models import Event, Session

EVENTS = {
    "消防夏令营": (
        "Summer fire-safety camp",
        "Run with the city's Youth League: each batch is one day at the fire education "
        "centre, learning to escape a fire, use an extinguisher and give first aid, with a "
        "look at the fire engines and a firefighter's daily training. Schools enrol their "
        "pupils; a teacher comes with each group.",
    ),
    "红星美凯龙微型消防体验室参观": (
        "Visit to the Red Star Macalline fire experience room",
        "Practise calling 119, using an extinguisher and escaping low through smoke in the "
        "experience room, with a guide all the way. For residents, shop staff and school "
        "groups.",
    ),
    "杨市社区微型消防体验室参观": (
        "Visit to the Yangshi community fire experience room",
        "Practise calling 119, using an extinguisher and escaping low through smoke in the "
        "experience room, with a guide all the way. For residents, shop staff and school "
        "groups.",
    ),
    "红星美凯龙体验室 家庭开放日": (
        "Family open day at the Red Star Macalline experience room",
        "Sundays for families: parents and children practise calling 119, using an "
        "extinguisher and escaping through smoke together. No organisation needed; up to "
        "6 people per family.",
    ),
    "消防主题公园团体讲解参观": (
        "Guided group tour of the fire-safety theme park",
        "A guide takes your group round every zone: the fire engines and hydrants, and the "
        "smoke escape tunnel. About an hour.",
    ),
    "消防安全“开学第一课”进校园": (
        "“First lesson of the term”: fire safety at your school",
        "A fire-safety educator comes to your school to teach escaping a fire, safe "
        "electricity at home and safe e-bike charging. The school books; our staff confirm "
        "the date and come to you.",
    ),
    "企业消防演练与培训": (
        "Fire drills and training for companies",
        "Evacuation drills, hands-on extinguisher practice and fire control room training "
        "for your staff, at the theme park or on your premises.",
    ),
}

VENUES = {
    "江阴市消防教育馆": "Jiangyin Fire Education Centre",
    "红星美凯龙江阴商场 微型消防体验室": "Fire experience room, Red Star Macalline, Jiangyin",
    "杨市社区 微型消防体验室": "Fire experience room, Yangshi community",
    "五星公园消防主题公园 南门集合": "Fire-safety theme park, Wuxing Park: meet at the south gate",
    "预约学校（上门授课）": "At your school (we come to you)",
    "五星公园消防主题公园 培训室": "Fire-safety theme park, Wuxing Park: training room",
}


def _fill(row, **english):
    """Set the empty English fields of ``row``; True when it changed."""
    empty = [field for field in english if not getattr(row, field)]
    for field in empty:
        setattr(row, field, english[field])
    if empty:
        row.save(update_fields=empty)
    return bool(empty)


def load():
    """Fill the empty English twins of the demo's events and venues; return how many rows."""
    changed = 0
    for title, (title_en, summary_en) in EVENTS.items():
        for event in Event.objects.filter(title=title):
            changed += _fill(event, title_en=title_en, summary_en=summary_en)
    for venue, venue_en in VENUES.items():
        for session in Session.objects.filter(venue=venue, venue_en=""):
            changed += _fill(session, venue_en=venue_en)
    return changed
