"""The demo site's words, written for residents of Jiangyin from the campaign report."""

from .blocks import text
from .centers import CENTERS
from .guides import AUDIENCES, GUIDES, SYNONYMS, TOPICS
from .news import NEWS, RECENT_NEWS, SELF_CHECK
from .site import CITY, HOME, MENU, SETTINGS

__all__ = [
    "AUDIENCES",
    "CENTERS",
    "CITY",
    "GUIDES",
    "HOME",
    "MENU",
    "NEWS",
    "RECENT_NEWS",
    "SELF_CHECK",
    "SETTINGS",
    "SYNONYMS",
    "TOPICS",
    "text",
]
