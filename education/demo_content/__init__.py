"""The demo site's words, written for residents of Jiangyin from the campaign report."""

from .blocks import text
from .centers import CENTERS
from .guides import AUDIENCES, GUIDES, SYNONYMS, TOPICS
from .news import NEWS, SELF_CHECK

__all__ = ["AUDIENCES", "CENTERS", "GUIDES", "NEWS", "SELF_CHECK", "SYNONYMS", "TOPICS", "text"]
