"""Our catalogs are complete, never relabel Wagtail's or Django's strings, and give
each concept one translation across the apps (docs/glossary.md)."""

from collections import defaultdict
from pathlib import Path

import django
import pytest
import wagtail
from django.conf import settings
from django.core.management import CommandError, call_command

from tests.config.pocatalog import read_po

CHINESE = "zh_Hans/LC_MESSAGES/django.po"


def our_catalogs():
    root = Path(settings.BASE_DIR)
    return {
        str(path.relative_to(root)): read_po(path)
        for path in sorted(root.glob(f"**/locale/{CHINESE}"))
        if ".venv" not in path.parts and "var" not in path.parts
    }


def framework_translations():
    """{(context, msgid): msgstr} of Wagtail's and Django's Chinese catalogs."""
    found = {}
    for package in (wagtail, django):
        for path in Path(package.__file__).parent.glob(f"**/locale/{CHINESE}"):
            for key, text in read_po(path).items():
                if text:
                    found[key] = text
    return found


def test_every_interface_string_is_translated_into_chinese(capsys):
    try:
        call_command("translations", check=True)
    except CommandError as error:
        pytest.fail(f"translation catalogs are incomplete:\n{error}")
    assert "complete and current" in capsys.readouterr().out


def test_no_string_of_ours_relabels_one_of_wagtails_or_djangos():
    """Catalogs merge: our plain "Pages" = 分页 would also rename Wagtail's "Pages" menu.

    A string that could mean something else needs a pgettext context. Repeating the
    framework's own translation, or filling one it lacks, is allowed.
    """
    theirs = framework_translations()
    relabelled = [
        f"{catalog}: {msgid!r} is {text!r} here but {theirs[(context, msgid)]!r} in the framework"
        for catalog, entries in our_catalogs().items()
        for (context, msgid), text in entries.items()
        if text and theirs.get((context, msgid), text) != text
    ]
    assert relabelled == []


def test_one_translation_per_string_across_our_apps():
    """The same string (and context) in two apps is one entry at run time: the first app
    listed wins, so two translations mean one app shows the other's word."""
    seen = defaultdict(set)
    for catalog, entries in our_catalogs().items():
        for key, text in entries.items():
            if text:
                seen[key].add((text, catalog))
    conflicting = {
        key: sorted(found) for key, found in seen.items() if len({t for t, _ in found}) > 1
    }
    assert conflicting == {}


@pytest.mark.django_db
def test_admin_home_reads_wagtails_words_and_fills_its_gaps(client, django_user_model, home):
    from django.contrib.auth.models import Group

    from education.moderation import ensure_groups

    ensure_groups()
    editor = django_user_model.objects.create_user("editor", password="pw-123456789")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "搜索所有页面…" in html  # a string Wagtail leaves untranslated
    assert "Search all pages" not in html
    assert "统计看板" not in html  # the reach dashboard's word, not the admin home's
    assert "分页" not in html  # the pager's word, not the Pages menu's


def test_djangos_empty_choice_reads_chinese_on_every_form():
    """Django 6.1's new empty label for selects; its Chinese is ours (core's catalog)."""
    from django import forms
    from django.contrib.auth.models import Group
    from django.utils import translation

    class Form(forms.Form):
        group = forms.ModelChoiceField(queryset=Group.objects.none(), required=False)

    with translation.override("zh-hans"):
        html = str(Form()["group"])
    assert '<option value="" selected>- 请选择 -</option>' in html


def test_admin_home_counts_images_and_documents_in_chinese(admin_client, home):
    html = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "0 张图片" in html and "0 个文档" in html
    assert "Images <span" not in html and "Documents <span" not in html
