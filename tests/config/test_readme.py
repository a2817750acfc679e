"""The README's configuration tables name every environment variable the code reads."""

import re

from django.conf import settings

READS = re.compile(
    r"""(?:os\.environ\.get|os\.getenv|os\.environ\.setdefault|env_bool|env_list|_tuning)\(\s*"([A-Z][A-Z0-9_]+)"|os\.environ\["([A-Z][A-Z0-9_]+)"\]"""
)
SOURCES = ("config", "education", "events", "media")


def variables_read():
    found = set()
    for folder in SOURCES:
        for path in (settings.BASE_DIR / folder).rglob("*.py"):
            for match in READS.finditer(path.read_text(encoding="utf-8")):
                found.add(match.group(1) or match.group(2))
    return found


def test_every_environment_variable_is_documented():
    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    read = variables_read()
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"} <= read  # the scan sees the settings
    missing = sorted(name for name in read if f"`{name}`" not in readme)
    assert not missing, f"README.md does not document: {missing}"
