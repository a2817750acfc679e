from django.db import migrations, models

import media.contest.models.entry


class Migration(migrations.Migration):
    dependencies = [
        ("contest", "0003_fill_judging_codes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="entry",
            name="judging_code",
            field=models.CharField(
                default=media.contest.models.entry.new_judging_code,
                editable=False,
                max_length=8,
                unique=True,
                verbose_name="judging code",
            ),
        ),
    ]
