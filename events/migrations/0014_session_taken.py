from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

# The statuses that held places when this migration was written (Booking.HOLDING).
HOLDING = ("pending", "confirmed", "attended", "no_show")


def count_places(apps, schema_editor):
    """Fill each session's counter with the places its stored bookings hold."""
    Session = apps.get_model("events", "Session")
    Booking = apps.get_model("events", "Booking")
    held = (
        Booking.objects.filter(session=OuterRef("pk"), status__in=HOLDING)
        .values("session")
        .annotate(total=Sum("party_size"))
        .values("total")
    )
    Session.objects.update(taken=Coalesce(Subquery(held), 0))


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0013_english_titles"),
    ]

    operations = [
        migrations.AddField(
            model_name="session",
            name="taken",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="places taken"
            ),
        ),
        migrations.RunPython(count_places, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="session",
            constraint=models.CheckConstraint(
                condition=models.Q(("taken__lte", models.F("capacity"))),
                name="events_session_taken_within_capacity",
            ),
        ),
    ]
