"""The outbox in core: one list of kinds, a renderer registered for each by its app,
staff seeing the kinds their permissions cover, and the move of the old rows."""

import ast
import datetime
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import checks

from core.outbox import Kind, OutboxMessage, registry, sending
from core.sms import sms_backend_imports
from events.messages import render_booking_message
from events.permissions import ensure_booking_staff_group
from media.contest.groups import ensure_groups as ensure_contest_groups
from media.contest.messages import CONTEST_KINDS
from tests.events.factories import BookingFactory

CORE = Path(django_settings.BASE_DIR) / "core"
HIGHER_APPS = {"config", "media", "events", "education"}


def imported_roots(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


def test_core_imports_no_app_of_the_project():
    offenders = {
        f"{path.relative_to(CORE.parent)}: {root}"
        for path in CORE.rglob("*.py")
        for root in imported_roots(path)
        if root in HIGHER_APPS
    }
    assert offenders == set()


def test_every_kind_has_its_apps_renderer():
    assert registry.every_kind_has_a_renderer() == []
    assert registry.renderer(Kind.CONFIRMED) is render_booking_message
    assert set(CONTEST_KINDS) <= set(registry._REGISTRY)


def test_a_kind_nobody_renders_is_refused_by_record_and_by_the_checks(monkeypatch):
    monkeypatch.delitem(registry._REGISTRY, Kind.REACH_SUMMARY)
    (error,) = registry.every_kind_has_a_renderer()
    assert error.id == "core.E101" and "reach_summary" in error.msg
    with pytest.raises(LookupError):
        sending.record(Kind.REACH_SUMMARY, source_id=1)


def test_a_kind_has_one_renderer():
    with pytest.raises(ValueError):
        registry.register([Kind.CONFIRMED], lambda message: None, staff_permission="x.y")
    # Registering the same one again (a second ready()) is harmless.
    registry.register(
        [Kind.CONFIRMED], render_booking_message, staff_permission="events.manage_booking"
    )


def test_an_sms_backend_path_that_does_not_import_fails_the_checks(settings):
    assert sms_backend_imports() == []
    settings.SMS_BACKEND = "events.sms.LogSMSBackend"  # where it lived before
    (error,) = sms_backend_imports()
    assert error.id == "core.E102" and "core.sms.LogSMSBackend" in error.hint
    assert any(e.id == "core.E102" for e in checks.run_checks())


@pytest.mark.django_db
def test_staff_see_the_kinds_their_permissions_cover(django_user_model):
    rows = {
        kind: OutboxMessage.objects.create(kind=kind, source_id=1)
        for kind in (Kind.CONFIRMED, Kind.ACCESS_CODE, Kind.ENTRY_APPROVED, Kind.REACH_SUMMARY)
    }

    def visible(user):
        return set(OutboxMessage.objects.visible_to(user).values_list("kind", flat=True))

    desk = django_user_model.objects.create_user("desk")
    desk.groups.add(ensure_booking_staff_group())
    assert visible(desk) == {Kind.CONFIRMED, Kind.ACCESS_CODE}
    ensure_contest_groups()
    contest = django_user_model.objects.create_user("contest")
    contest.groups.add(Group.objects.get(name="Contest staff"))
    assert visible(contest) == {Kind.ENTRY_APPROVED}
    nobody = django_user_model.objects.create_user("nobody")
    assert visible(nobody) == set()
    boss = django_user_model.objects.create_superuser("boss")
    assert visible(boss) == set(rows)


@pytest.mark.django_db
def test_one_reminder_per_booking_is_held_by_the_database():
    from django.db import IntegrityError, transaction

    OutboxMessage.objects.create(kind=Kind.REMINDER, source_id=7)
    OutboxMessage.objects.create(kind=Kind.CONFIRMED, source_id=7)
    OutboxMessage.objects.create(kind=Kind.CONFIRMED, source_id=7)  # other kinds repeat
    OutboxMessage.objects.create(kind=Kind.REMINDER, source_id=8)
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxMessage.objects.create(kind=Kind.REMINDER, source_id=7)


BEFORE = [("events", "0016_session_message"), ("core", "0003_outbox_message")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_every_row_with_its_id_status_and_stamps_and_back():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    booking = BookingFactory()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Notification = old.get_model("events", "Notification")
    sent_at = datetime.datetime(2026, 11, 30, 8, 0, tzinfo=datetime.UTC)
    created_at = datetime.datetime(2026, 11, 30, 7, 59, tzinfo=datetime.UTC)
    failed = Notification.objects.create(
        booking_id=booking.pk, kind="reminder", attempts=5, last_error="SMTPError: gone"
    )
    sent = Notification.objects.create(
        source_id=42,
        kind="entry_withdrawn",
        phone="",
        sent_at=sent_at,
        attempts=2,
        email_sent_at=sent_at,
        reason="原因",
    )
    waiting = Notification.objects.create(
        booking_id=booking.pk, kind="cancelled", phone="", claimed_at=sent_at
    )
    Notification.objects.filter(pk=sent.pk).update(created_at=created_at)
    kept = Notification.objects.create(source_id=43, kind="entry_withdrawn", phone="13812345678")
    watcher = Group.objects.create(name="Watchers")
    # The old permission, as an existing site has it (this test database never had the model).
    old_type, _ = ContentType.objects.get_or_create(app_label="events", model="notification")
    watcher.permissions.add(
        Permission.objects.create(
            content_type=old_type, codename="view_notification", name="Can view notification"
        )
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    moved = {row.pk: row for row in OutboxMessage.objects.all()}
    assert set(moved) == {failed.pk, sent.pk, waiting.pk, kept.pk}
    assert (moved[failed.pk].kind, moved[failed.pk].source_id) == ("reminder", booking.pk)
    assert (moved[failed.pk].attempts, moved[failed.pk].last_error) == (5, "SMTPError: gone")
    assert moved[sent.pk].source_id == 42
    assert (moved[sent.pk].sent_at, moved[sent.pk].email_sent_at) == (sent_at, sent_at)
    assert (moved[sent.pk].created_at, moved[sent.pk].reason) == (created_at, "原因")
    assert moved[waiting.pk].claimed_at == sent_at
    assert moved[kept.pk].phone == "13812345678"
    statuses = dict(OutboxMessage.objects.with_status().values_list("pk", "status"))
    assert statuses[sent.pk] == "sent" and statuses[waiting.pk] == "waiting"
    assert watcher.permissions.filter(codename="view_outboxmessage").exists()
    # New rows come after the moved ones, and the reminder rule still holds.
    orphan = OutboxMessage.objects.create(kind=Kind.CONFIRMED, source_id=booking.pk + 1000)
    assert orphan.pk > kept.pk

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    back = {row.pk: row for row in old.get_model("events", "Notification").objects.all()}
    assert back[failed.pk].booking_id == booking.pk and back[failed.pk].source_id is None
    assert back[sent.pk].booking_id is None and back[sent.pk].source_id == 42
    assert set(back) == {failed.pk, sent.pk, waiting.pk, kept.pk}  # not the orphan
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
