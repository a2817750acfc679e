import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def unapprove_orphans(apps, schema_editor):
    """Tallies left approved by a deleted approval were still public and editable: no
    approval covers them, so they are not approved."""
    from django.db.models import Q

    ApprovedPeriod = apps.get_model("reach", "ApprovedPeriod")
    Tally = apps.get_model("reach", "Tally")
    covered = Q(pk__in=[])
    for period in ApprovedPeriod.objects.all():
        q = Q(period_start__lte=period.end, period_end__gte=period.start)
        if period.campaign_id is not None:
            q &= Q(campaign_id=period.campaign_id)
        covered |= q
    Tally.objects.filter(approved=True).exclude(covered).update(approved=False)


class Migration(migrations.Migration):

    dependencies = [
        ('reach', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='approvedperiod',
            options={'ordering': ['-start'], 'permissions': [('revoke_approvedperiod', 'Can revoke an approval')], 'verbose_name': 'approved period', 'verbose_name_plural': 'approved periods'},
        ),
        migrations.AddField(
            model_name='approvedperiod',
            name='revoke_reason',
            field=models.CharField(blank=True, max_length=300, verbose_name='why it was revoked'),
        ),
        migrations.AddField(
            model_name='approvedperiod',
            name='revoked_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='revoked at'),
        ),
        migrations.AddField(
            model_name='approvedperiod',
            name='revoked_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='revoked by'),
        ),
        migrations.RunPython(unapprove_orphans, migrations.RunPython.noop),
    ]
