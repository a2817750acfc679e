"""Update every translation catalog, or check that all are complete and current.

Catalogs: the shell's (``site/locale``, strings of ``site/templates`` and ``config``)
and one per app (``<app>/locale``). ``--check`` extracts the strings afresh in a
temporary copy of the tree and fails when a string is missing from a catalog, left
untranslated or marked fuzzy in Chinese.
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

APPS = ["core", "education", "events", "media/contest", "media/reach"]
LANGUAGES = ["zh_Hans", "en"]
SKIP = {".venv", "var", ".git", "node_modules", "__pycache__", ".pytest_cache"}


def catalogs(root):
    """(directory to run makemessages in, extra arguments) for each catalog."""
    ignores = [
        f"--ignore={name}"
        for name in [*SKIP, "core", "education", "events", "media", "tests", "benchmarks", "docs"]
    ]
    yield root, ignores
    for app in APPS:
        if (root / app / "locale").is_dir():
            yield root / app, [f"--ignore={name}" for name in SKIP]


def makemessages(root):
    manage = root / "manage.py"
    for directory, extra in catalogs(root):
        languages = [arg for code in LANGUAGES for arg in ("-l", code)]
        subprocess.run(
            [
                sys.executable,
                str(manage),
                "makemessages",
                *languages,
                "--no-obsolete",
                # No source references: a catalog changes only when a string does, so
                # two branches that add strings in different files rarely collide.
                "--no-location",
                "-v0",
                *extra,
            ],
            cwd=directory,
            check=True,
        )
        # The extraction time changes on every run; without it, catalogs change only
        # when their strings do.
        for language in LANGUAGES:
            path = po_path(directory, root, language)
            if path.exists():
                lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
                kept = [line for line in lines if not line.startswith('"POT-Creation-Date:')]
                path.write_text("".join(kept), encoding="utf-8")


def po_path(directory, root, language="zh_Hans"):
    locale = root / "site" / "locale" if directory == root else directory / "locale"
    return locale / language / "LC_MESSAGES" / "django.po"


class Command(BaseCommand):
    help = "Update all translation catalogs, or --check they are complete and current."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, check=False, **options):
        root = Path(settings.BASE_DIR)
        if not check:
            makemessages(root)
            self.stdout.write("catalogs updated; translate the new entries, then compilemessages")
            return
        problems = []
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "tree"
            shutil.copytree(root, copy, ignore=shutil.ignore_patterns(*SKIP, "*.mo"))
            makemessages(copy)
            for directory, _extra in catalogs(copy):
                ours = po_path(root / directory.relative_to(copy), root)
                fresh = po_path(directory, copy)
                label = ours.relative_to(root)
                if not ours.exists():
                    if fresh.exists():  # an app with no strings has no catalog
                        problems.append(f"{label}: missing")
                    continue
                # msgcmp: every string in the fresh extraction must be in our catalog.
                result = subprocess.run(
                    ["msgcmp", "--use-untranslated", str(ours), str(fresh)],
                    capture_output=True,
                    text=True,
                )
                if result.returncode:
                    problems.append(f"{label}: strings missing from the catalog:\n{result.stderr}")
                for flag, what in (("--untranslated", "untranslated"), ("--only-fuzzy", "fuzzy")):
                    result = subprocess.run(
                        ["msgattrib", flag, "--no-obsolete", str(ours)],
                        capture_output=True,
                        text=True,
                        check=True,
                    )
                    entries = [
                        line
                        for line in result.stdout.splitlines()
                        if line.startswith("msgid ") and line != 'msgid ""'
                    ]
                    if entries:
                        problems.append(f"{label}: {what}: " + "; ".join(entries[:20]))
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write("all catalogs complete and current")
