"""The place tree moves from reach to education, state only: its table (``reach_place``),
rows, ids and constraints stay as they are, so reach's figures keep their places and no
row is copied. Centres (education) and site settings can then point at places, which
they could not while the tree was reach's (imports flow media → education).

The content type is renamed with it, so the permissions staff groups hold on places
(``view_place``, ``add_place``, ``change_place``) are the same rows afterwards.
"""

import django.db.models.deletion
from django.db import migrations, models


def move_content_type(apps, schema_editor, old="reach", new="education"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=new, model="place").exists():
        ContentType.objects.filter(app_label=old, model="place").update(app_label=new)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, old="education", new="reach")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("education", "0008_search_entry_text_index"),
        ("reach", "0009_running_totals_kept"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Place",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=80, verbose_name="name")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("city", "city"),
                                    ("district", "district"),
                                    ("town", "town or subdistrict"),
                                    ("community", "community or village"),
                                    ("venue", "venue"),
                                ],
                                max_length=12,
                                verbose_name="kind",
                            ),
                        ),
                        (
                            "parent",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="children",
                                to="education.place",
                                verbose_name="part of",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "place",
                        "verbose_name_plural": "places",
                        "db_table": "reach_place",
                        "ordering": ["kind", "name"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("name", "parent"), name="reach_place_unique"
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("parent", None)),
                                fields=("name",),
                                name="reach_place_root_unique",
                            ),
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
