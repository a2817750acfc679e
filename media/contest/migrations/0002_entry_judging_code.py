# An opaque code for judges, filled in for existing entries by the next migration.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contest", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="entry",
            name="judging_code",
            field=models.CharField(editable=False, max_length=8, null=True),
        ),
    ]
