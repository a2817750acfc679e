"""Every icon our admin screens name exists in Wagtail (an unknown name shows nothing)."""

import re
from pathlib import Path

import wagtail
from django.conf import settings

ICON_NAME = re.compile(r"""(?:icon_name|icon|header_icon)["']?\s*[=:]\s*["']([a-z0-9-]+)["']""")


def test_every_icon_named_by_our_admin_exists():
    icons = Path(wagtail.__file__).parent / "admin/templates/wagtailadmin/icons"
    known = {path.stem for path in icons.glob("*.svg")}
    root = Path(settings.BASE_DIR)
    used = {
        (str(path.relative_to(root)), name)
        for app in ("core", "education", "events", "media", "config")
        for path in (root / app).rglob("*.py")
        if "migrations" not in path.parts
        for name in ICON_NAME.findall(path.read_text(encoding="utf-8"))
    }
    assert len(used) > 10
    assert sorted((where, name) for where, name in used if name not in known) == []
