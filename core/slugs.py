"""Readable slugs for pages with Chinese titles: 消防安全进校园 → xiao-fang-an-quan-jin-xiao-yuan.

Wagtail fills a new page's slug from its title in the browser, keeping Chinese
characters (``WAGTAIL_ALLOW_UNICODE_SLUGS``), which every link then carries
percent-encoded (/%E6%B6%88%E9%98%B2…). A new page's slug that is empty or not ASCII
is therefore replaced by the title's pinyin, made unique among its siblings. Editors
can still type any slug; an existing page keeps its slug (its links are out there).
"""

import re

from django.utils.text import slugify
from pypinyin import lazy_pinyin
from wagtail.admin.forms.pages import WagtailAdminPageForm

MAX_LENGTH = 80
NOT_ASCII = re.compile(r"[^\x00-\x7f]")


def pinyin_slug(text):
    """The ASCII slug of ``text``, Chinese characters spelled in pinyin without tones."""
    slug = slugify(" ".join(lazy_pinyin(text or "")))
    if len(slug) > MAX_LENGTH:
        slug = slug[:MAX_LENGTH].rsplit("-", 1)[0]
    return slug


def unique_among_children(parent, base):
    slug, n = base, 1
    while parent.get_children().filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


class PinyinSlugPageForm(WagtailAdminPageForm):
    """Every page type's admin form (set in core.apps)."""

    def clean_slug(self):
        slug = self.cleaned_data.get("slug") or ""
        if (
            self.instance.pk is None
            and self.parent_page is not None
            and (not slug or NOT_ASCII.search(slug))
        ):
            base = pinyin_slug(slug or self.data.get("title", ""))
            if base:
                return unique_among_children(self.parent_page, base)
        return slug
