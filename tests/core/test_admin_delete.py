"""Deleting an event or session that bookings hold: refused, named, never a 500."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from events.models import Event, Session
from tests.events.factories import BookingFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("root", password="pw-for-tests-only"))
    return client


@pytest.mark.parametrize("what", ["session", "event"])
def test_what_bookings_hold_is_not_deleted_and_the_page_says_why(admin_client, what):
    session = SessionFactory()
    BookingFactory.create_batch(3, session=session)
    target = session if what == "session" else session.event
    url = reverse(f"events_{what}:delete", args=[target.pk])
    page = admin_client.get(url).content.decode()
    assert "3 " in page and "Yes, delete" not in page and "是的，删除" not in page
    response = admin_client.post(url)
    assert response.status_code == 302
    assert Session.objects.filter(pk=session.pk).exists()
    assert Event.objects.filter(pk=session.event_id).exists()
    followed = admin_client.get(response["Location"]).content.decode()
    assert "3 " in followed


def test_a_session_without_bookings_is_deleted(admin_client):
    session = SessionFactory()
    response = admin_client.post(reverse("events_session:delete", args=[session.pk]))
    assert response.status_code == 302
    assert not Session.objects.filter(pk=session.pk).exists()


def test_what_tallies_hold_is_not_deleted(admin_client):
    from media.reach.models import Metric, Place, Tally
    from tests.media.reach.factories import channel, metric, place

    plays = metric()
    town = place()
    Tally.objects.create(
        count=5, metric=plays, channel=channel(plays), place=town, period_start="2026-08-03"
    )
    for name, obj, model in (("reach_places", town, Place), ("reach_metrics", plays, Metric)):
        url = reverse(f"{name}:delete", args=[obj.pk])
        assert "Yes, delete" not in admin_client.get(url).content.decode()
        assert admin_client.post(url).status_code == 302
        assert model.objects.filter(pk=obj.pk).exists()


@pytest.mark.usefixtures("_private_root")
def test_a_consent_notice_that_entries_were_shown_is_not_deleted_alone_or_in_bulk(
    admin_client, contest
):
    from media.contest.models import ConsentNotice
    from tests.media.contest.factories import make_entry

    notice = make_entry(contest).consent_notice
    single = reverse("wagtailsnippets_contest_consentnotice:delete", args=[notice.pk])
    bulk = (
        reverse("wagtail_bulk_action", args=("contest", "consentnotice", "delete"))
        + f"?id={notice.pk}"
    )
    for url in (single, bulk):
        response = admin_client.post(url)
        assert response.status_code == 302, url
        assert ConsentNotice.objects.filter(pk=notice.pk).exists()
        assert "1 " in admin_client.get(response["Location"]).content.decode()


@pytest.fixture
def _private_root(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"


@pytest.fixture
def contest(home):
    from tests.media.contest.factories import make_contest

    return make_contest(home)
