"""The outbox moves to core (core.OutboxMessage, core/migrations/0003_outbox_message.py).

Every row is copied as it is, by one INSERT … SELECT: same id (so a message in flight
keeps its idempotency ids and a contest receipt its withdrawal link), status, stamps,
attempts and error. A booking's message keeps the booking's id as ``source_id`` (its
kind says it is about a booking). Whoever could see the old listing (the permission
``events.view_notification``, by group or by user) may see the new one. Then the old
table goes.
"""

from django.core.management.color import no_style
from django.db import migrations

# The kinds whose row pointed at a booking (events/messages.py ABOUT_BOOKING), as they
# were when this migration was written.
ABOUT_BOOKING = (
    "confirmed",
    "pending",
    "waitlisted",
    "promoted",
    "promoted_pending",
    "changed",
    "cancelled",
    "rejected",
    "reminder",
    "session_notice",
)
COLUMNS = (
    "id, kind, {source}, phone, reason, created_at, claimed_at, sent_at, email_sent_at, "
    "attempts, last_error"
)


def copy_rows(apps, schema_editor):
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    OutboxMessage = apps.get_model("core", "OutboxMessage")
    Notification = apps.get_model("events", "Notification")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(OutboxMessage._meta.db_table)} "
            f"({COLUMNS.format(source='source_id')}) "
            f"SELECT {COLUMNS.format(source='COALESCE(booking_id, source_id)')} "
            f"FROM {quote(Notification._meta.db_table)}"
        )
        # Rows came with their ids: the next new row must come after them (PostgreSQL's
        # sequence; SQLite follows the largest id by itself).
        for statement in connection.ops.sequence_reset_sql(no_style(), [OutboxMessage]):
            cursor.execute(statement)
    grant_the_new_permission(apps)


def grant_the_new_permission(apps):
    """Groups and users who held ``events.view_notification`` get ``core.view_outboxmessage``.

    Permissions are made after migrations run (post_migrate), so the new one is made
    here when it does not exist yet, exactly as Django would make it."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    old = Permission.objects.filter(
        content_type__app_label="events", codename="view_notification"
    ).first()
    if old is None:
        return
    content_type, _created = ContentType.objects.get_or_create(
        app_label="core", model="outboxmessage"
    )
    new, _created = Permission.objects.get_or_create(
        content_type=content_type,
        codename="view_outboxmessage",
        defaults={"name": "Can view outgoing message"},
    )
    for group in Group.objects.filter(permissions=old):
        group.permissions.add(new)
    for user in old.user_set.all():
        user.user_permissions.add(new)


def copy_rows_back(apps, schema_editor):
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    OutboxMessage = apps.get_model("core", "OutboxMessage")
    Notification = apps.get_model("events", "Notification")
    Booking = apps.get_model("events", "Booking")
    about_booking = "kind IN ({})".format(", ".join(["%s"] * len(ABOUT_BOOKING)))
    source = (
        f"CASE WHEN {about_booking} THEN source_id END, "
        f"CASE WHEN {about_booking} THEN NULL ELSE source_id END"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(Notification._meta.db_table)} "
            f"({COLUMNS.format(source='booking_id, source_id')}) "
            f"SELECT {COLUMNS.format(source=source)} "
            f"FROM {quote(OutboxMessage._meta.db_table)} "
            # A booking's row whose booking is gone has nowhere to point in the old table.
            f"WHERE NOT {about_booking} OR source_id IN "
            f"(SELECT id FROM {quote(Booking._meta.db_table)})",
            [*ABOUT_BOOKING, *ABOUT_BOOKING, *ABOUT_BOOKING],
        )
        for statement in connection.ops.sequence_reset_sql(no_style(), [Notification]):
            cursor.execute(statement)
    OutboxMessage.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0016_session_message"),
        ("core", "0003_outbox_message"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(copy_rows, copy_rows_back),
        migrations.DeleteModel(name="Notification"),
    ]
