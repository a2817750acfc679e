from django.db import migrations, models


def districts_to_towns(apps, schema_editor):
    """The old "district or town" kind: every such place so far is a town or subdistrict
    of the county-level city (镇, 街道, 高新区); a real district is set by hand."""
    Place = apps.get_model("reach", "Place")
    Place.objects.filter(kind="district").update(kind="town")


def towns_to_districts(apps, schema_editor):
    Place = apps.get_model("reach", "Place")
    Place.objects.filter(kind="town").update(kind="district")


class Migration(migrations.Migration):

    dependencies = [
        ('reach', '0002_approval_revocation'),
    ]

    operations = [
        migrations.AlterField(
            model_name='place',
            name='kind',
            field=models.CharField(choices=[('city', 'city'), ('district', 'district'), ('town', 'town or subdistrict'), ('community', 'community or village'), ('venue', 'venue')], max_length=12, verbose_name='kind'),
        ),
        migrations.RunPython(districts_to_towns, towns_to_districts),
    ]
