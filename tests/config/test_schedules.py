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


def test_the_worker_publishes_scheduled_pages_every_minute():
    """Run the stored schedule the way django-q2's scheduler does, not our own call."""
    from datetime import timedelta

    from django.utils import timezone
    from django_q.brokers import get_broker
    from django_q.scheduler import scheduler

    from education.models import NewsIndexPage
    from tests.education.factories import make_site

    publishing = Schedule.objects.get(name="wagtail: publish scheduled pages")
    assert (publishing.schedule_type, publishing.minutes) == (Schedule.MINUTES, 1)

    home = make_site()
    page = NewsIndexPage(title="新闻", slug="news", live=False)
    home.add_child(instance=page)
    page.save_revision(approved_go_live_at=timezone.now() - timedelta(minutes=1))
    page.refresh_from_db()
    assert not page.live

    now = timezone.now()
    Schedule.objects.exclude(pk=publishing.pk).update(next_run=now + timedelta(days=1))
    Schedule.objects.filter(pk=publishing.pk).update(next_run=now - timedelta(seconds=1))
    scheduler(broker=get_broker())  # tasks run at once in the test settings

    page.refresh_from_db()
    assert page.live
    assert Schedule.objects.get(pk=publishing.pk).next_run > now
