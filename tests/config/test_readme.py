"""The README's configuration tables name every environment variable the code reads."""

import re

from django.conf import settings

READS = re.compile(
    r"""(?:os\.environ\.get|os\.getenv|os\.environ\.setdefault|env_bool|env_list|_tuning)\(\s*"([A-Z][A-Z0-9_]+)"|os\.environ\["([A-Z][A-Z0-9_]+)"\]"""
)
SOURCES = ("config", "core", "education", "events", "media")


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


def test_the_rules_table_names_places_that_exist():
    """Each file and name in "Where each rule lives" is there, so the table cannot rot."""
    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Where each rule lives", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and ".py" in line]
    assert len(rows) >= 8
    for row in rows:
        place = row.split(" | ", 1)[1]
        for path, names in re.findall(r"`([\w/]+\.py)`((?: `\w+`| \(`\w+`)*)", place):
            source = (settings.BASE_DIR / path).read_text(encoding="utf-8")
            for name in re.findall(r"`(\w+)`", names):
                assert re.search(rf"^\s*(?:def |class )?{name}\b", source, re.M), (path, name)
