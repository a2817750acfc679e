"""The review workflow and its task carry Chinese names, the staff's language: the
editor's action read "提交给Guides and news review". Names are data, so existing
databases are renamed here; ``education/moderation.py`` creates them so on new ones."""

from django.db import migrations

RENAMES = {
    "workflow": ("Guides and news review", "指南与新闻审核"),
    "task": ("Moderator approval", "审核员审批"),
}


def rename(apps, old_index, new_index):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    for model, kind in ((Workflow, "workflow"), (Task, "task")):
        names = RENAMES[kind]
        model.objects.filter(name=names[old_index]).update(name=names[new_index])


def to_chinese(apps, schema_editor):
    rename(apps, 0, 1)


def to_english(apps, schema_editor):
    rename(apps, 1, 0)


class Migration(migrations.Migration):
    dependencies = [("education", "0006_self_check_not_applicable_and_guide")]

    operations = [migrations.RunPython(to_chinese, to_english)]
