"""A small reader of gettext catalogs (.po), enough to compare ours with the frameworks'."""

import ast
from pathlib import Path


def read_po(path):
    """{(context, msgid): msgstr} of a catalog's current entries (msgstr[0] for plurals).

    Fuzzy and obsolete entries count as untranslated (gettext ignores them), so they map
    to "".
    """
    entries = {}
    current, field, fuzzy = {}, None, False

    def flush():
        nonlocal current, fuzzy
        if "msgid" in current and current["msgid"]:
            key = (current.get("msgctxt"), current["msgid"])
            entries[key] = "" if fuzzy else current.get("msgstr", "")
        current, fuzzy = {}, False

    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            field = None
        elif line.startswith("#~"):
            continue
        elif line.startswith("#,"):
            fuzzy = fuzzy or "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if field is not None:
                current[field] = current.get(field, "") + ast.literal_eval(line)
        else:
            keyword, _, value = line.partition(" ")
            if keyword == "msgctxt" and "msgid" in current:
                flush()
            field = {"msgstr[0]": "msgstr"}.get(keyword, keyword)
            if field.startswith("msgstr["):
                field = None  # the other plural forms
                continue
            current[field] = ast.literal_eval(value)
    flush()
    return entries
