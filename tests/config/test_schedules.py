import pytest
from django_q.models import Schedule

from config.schedules import SCHEDULES, sync_schedules

pytestmark = pytest.mark.django_db


def test_migrate_creates_every_schedule():
    # The test database was built by migrate: its post_migrate signal synced them.
    names = set(Schedule.objects.values_list("name", flat=True))
    assert {periodic.name for periodic in SCHEDULES} <= names


def test_sync_is_idempotent_and_drops_what_is_no_longer_listed():
    Schedule.objects.create(
        name="platform: retired job", func="config.health.heartbeat", schedule_type=Schedule.DAILY
    )
    sync_schedules()
    sync_schedules()
    assert Schedule.objects.filter(name="platform: worker heartbeat").count() == 1
    assert not Schedule.objects.filter(name="platform: retired job").exists()
