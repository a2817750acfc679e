from .geography import PARENT_KINDS, Place
from .guides import GuideAudience, GuideTopic, SafetyGuideIndexPage, SafetyGuidePage
from .home import HomePage
from .news import NewsIndexPage, NewsPage
from .places import CampPage, ExperienceCenterIndexPage, ExperienceCenterPage, ThemeParkPage
from .search import SearchSynonym
from .selfcheck import SelfCheckPage
from .settings import MenuItem, SiteSettings
from .standard import StandardPage

__all__ = [
    "CampPage",
    "ExperienceCenterIndexPage",
    "ExperienceCenterPage",
    "GuideAudience",
    "GuideTopic",
    "HomePage",
    "MenuItem",
    "NewsIndexPage",
    "NewsPage",
    "PARENT_KINDS",
    "Place",
    "SafetyGuideIndexPage",
    "SafetyGuidePage",
    "SearchSynonym",
    "SelfCheckPage",
    "SiteSettings",
    "StandardPage",
    "ThemeParkPage",
]
