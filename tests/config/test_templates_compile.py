"""Every template of the project compiles: a ``{% load %}`` of a library that does not
exist, or a tag that is not closed, fails here rather than as a 500 on the first page
that happens to use that template (an image block's template once loaded a misspelt
library, and no page of the demo had an image block)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines

ROOT = Path(settings.BASE_DIR)
FOLDERS = sorted(
    folder
    for folder in ROOT.rglob("templates")
    if folder.is_dir() and folder.relative_to(ROOT).parts[0] not in {".venv", "var", "tests"}
)
# Each file by its path in the repository: two apps may hold the same template name.
TEMPLATES = sorted(
    str(path.relative_to(ROOT))
    for folder in FOLDERS
    for path in folder.rglob("*")
    if path.suffix in {".html", ".txt", ".xml"}
)


def test_the_project_has_templates_to_check():
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("name", TEMPLATES)
def test_the_template_compiles(name):
    engines["django"].from_string((ROOT / name).read_text(encoding="utf-8"))
