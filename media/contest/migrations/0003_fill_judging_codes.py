# Existing entries get their judging code (a separate step from the schema changes, so
# PostgreSQL has no pending trigger events when the column becomes unique).

from django.db import migrations

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def fill_codes(apps, schema_editor):
    import secrets

    Entry = apps.get_model("contest", "Entry")
    used = set(
        Entry.objects.exclude(judging_code=None).values_list("judging_code", flat=True)
    )
    for entry in Entry.objects.filter(judging_code=None).only("pk").iterator():
        code = "".join(secrets.choice(ALPHABET) for _ in range(8))
        while code in used:
            code = "".join(secrets.choice(ALPHABET) for _ in range(8))
        used.add(code)
        Entry.objects.filter(pk=entry.pk).update(judging_code=code)


class Migration(migrations.Migration):
    dependencies = [
        ("contest", "0002_entry_judging_code"),
    ]

    operations = [
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
    ]
