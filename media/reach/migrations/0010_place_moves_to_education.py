"""Reach's figures point at the place tree's new home (``education.Place``), state only:
the table, its rows and the foreign keys' columns and constraints do not change
(see education's migration 0009_place)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("education", "0009_place"),
        ("reach", "0009_running_totals_kept"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="place",
                    name="reach_place_unique",
                ),
                migrations.RemoveConstraint(
                    model_name="place",
                    name="reach_place_root_unique",
                ),
                migrations.AlterField(
                    model_name="tally",
                    name="place",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="tallies",
                        to="education.place",
                        verbose_name="place",
                    ),
                ),
                migrations.AlterField(
                    model_name="pendingcorrection",
                    name="place",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        to="education.place",
                        verbose_name="place",
                    ),
                ),
                migrations.AlterField(
                    model_name="runningvalue",
                    name="place",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="education.place",
                    ),
                ),
                migrations.AlterField(
                    model_name="material",
                    name="place",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="materials",
                        to="education.place",
                        verbose_name="place",
                    ),
                ),
                migrations.DeleteModel(
                    name="Place",
                ),
            ],
        ),
    ]
