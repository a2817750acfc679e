"""The design's import rule, checked on the source: config → media → events → education → core.

A lower app never imports a higher one (DESIGN.md §1), at module level or inside a
function; and no app imports a private module or name of the frameworks. Where a page
of a lower app shows data of a higher one, the higher app offers a template tag.
"""

import ast
from pathlib import Path

from django.conf import settings

LAYERS = ("core", "education", "events", "media", "config")
FRAMEWORKS = ("django", "wagtail", "modelsearch", "modelcluster", "django_q", "taggit")


def _imports(base, layer):
    for path in sorted((Path(base) / layer).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield path.relative_to(base), node.lineno, alias.name, []
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [alias.name for alias in node.names]
                yield path.relative_to(base), node.lineno, node.module, names


def upward_imports(base):
    """Each import of a higher app by a lower one, as "path:line imports module"."""
    return [
        f"{path}:{line} imports {module}"
        for rank, layer in enumerate(LAYERS)
        for path, line, module, _names in _imports(base, layer)
        if module.split(".")[0] in LAYERS[rank + 1 :]
    ]


def private_framework_imports(base):
    """Each import of a framework's private module or name."""
    return [
        f"{path}:{line} imports {module} {names}"
        for layer in LAYERS
        for path, line, module, names in _imports(base, layer)
        if module.split(".")[0] in FRAMEWORKS
        and (
            any(part.startswith("_") for part in module.split("."))
            or any(name.startswith("_") for name in names)
        )
    ]


def test_imports_flow_one_way():
    wrong = upward_imports(settings.BASE_DIR)
    assert not wrong, "a lower app imports a higher one:\n" + "\n".join(wrong)


def test_no_private_module_or_name_of_a_framework_is_imported():
    wrong = private_framework_imports(settings.BASE_DIR)
    assert not wrong, "\n".join(wrong)


def test_the_checks_see_a_wrong_import_even_inside_a_function(tmp_path):
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "bad.py").write_text(
        "import os\n\n\ndef f():\n    from events.models import Booking\n"
        "    from wagtail.admin import _hidden\n    import wagtail._private.x\n"
    )
    assert upward_imports(tmp_path) == ["core/bad.py:5 imports events.models"]
    assert private_framework_imports(tmp_path) == [
        "core/bad.py:6 imports wagtail.admin ['_hidden']",
        "core/bad.py:7 imports wagtail._private.x []",
    ]
