"""Staff see messages to bookers that failed, and can have the outbox send them again."""

import smtplib
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from core.outbox import OutboxMessage, sending
from events import messages
from events.permissions import BOOKING_STAFF, ensure_booking_staff_group
from tests.events.factories import BookingFactory

pytestmark = pytest.mark.django_db

Status = OutboxMessage.Status
LIST_URL = "/admin/booking/notifications/"
RETRY_FAILED_URL = "/admin/booking-desk/notifications/retry-failed/"


@pytest.fixture(autouse=True)
def _three_attempts(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_user("desk", password="pw-123456789")
    user.groups.add(ensure_booking_staff_group())
    client.force_login(user)
    return client


def make(booking=None, **fields):
    booking = booking or BookingFactory()
    row = OutboxMessage.objects.create(
        source_id=booking.pk, kind=fields.pop("kind", "confirmed"), **fields
    )
    row.booking = booking
    return row


def failed(booking=None, **fields):
    return make(booking, **{"attempts": 3, "last_error": "SMTPServerDisconnected: gone", **fields})


def refuse_mail(*args, **kwargs):
    raise smtplib.SMTPServerDisconnected("mail server went away")


def status_of(notification):
    return OutboxMessage.objects.with_status().get(pk=notification.pk).status


def test_each_row_has_exactly_one_status():
    now = timezone.now()
    rows = {
        "written": (make(), Status.WAITING),
        "being sent": (make(claimed_at=now, attempts=1), Status.WAITING),
        "sent": (make(sent_at=now, attempts=1), Status.SENT),
        "sent on the last attempt": (make(sent_at=now, attempts=3), Status.SENT),
        "failed once": (make(attempts=1, last_error="SMTPError: busy"), Status.RETRYING),
        "out of attempts": (failed(), Status.FAILED),
        # The worker died during the last attempt: no error was written, none will be.
        "died on the last attempt": (
            make(attempts=3, claimed_at=now - timedelta(hours=1)),
            Status.FAILED,
        ),
    }
    for label, (notification, expected) in rows.items():
        assert status_of(notification) == expected, label
    for status in Status:
        wanted = {n.pk for n, expected in rows.values() if expected == status}
        assert set(OutboxMessage.objects.in_status(status).values_list("pk", flat=True)) == wanted
    deliverable = set(OutboxMessage.objects.deliverable().values_list("pk", flat=True))
    assert deliverable == {
        n.pk for n, expected in rows.values() if expected in (Status.WAITING, Status.RETRYING)
    }


def test_the_failed_status_follows_the_configured_attempts(settings):
    notification = make(attempts=3, last_error="SMTPError: busy")
    assert status_of(notification) == Status.FAILED
    settings.OUTBOX_MAX_ATTEMPTS = 5
    assert status_of(notification) == Status.RETRYING


def test_a_row_the_sender_gives_up_on_is_failed(monkeypatch):
    notification = make()
    monkeypatch.setattr(sending.EmailMessage, "send", refuse_mail)
    for _attempt in range(3):
        sending.deliver(notification.pk)
        assert status_of(notification) in (Status.RETRYING, Status.FAILED)
    assert status_of(notification) == Status.FAILED
    assert list(OutboxMessage.objects.failed()) == [notification]


def test_staff_list_notifications_with_status_and_a_short_error(staff):
    booking = BookingFactory(organization="江阴中专")
    failed(booking, last_error="SMTPServerDisconnected: " + "x" * 200)
    make(booking, kind="reminder", sent_at=timezone.now(), attempts=1)
    html = staff.get(LIST_URL).content.decode()
    assert booking.reference in html and "江阴中专" in html
    assert "失败" in html and "已发送" in html
    assert "x" * 200 not in html  # the listing shows the start; the inspect view all of it


def test_staff_filter_notifications_by_status_and_kind_and_search_them(staff):
    broken = failed(BookingFactory(organization="华士实验小学"))
    retrying = make(BookingFactory(organization="江阴中专"), attempts=1, last_error="busy")
    sent = make(
        BookingFactory(organization="澄江街道社区"),
        kind="reminder",
        sent_at=timezone.now(),
        attempts=1,
    )

    def shown(**params):
        html = staff.get(LIST_URL, params).content.decode()
        return {n for n in (broken, retrying, sent) if n.booking.reference in html}

    assert shown() == {broken, retrying, sent}
    assert shown(status="failed") == {broken}
    assert shown(status="retrying") == {retrying}
    assert shown(status="sent") == {sent}
    assert shown(status="waiting") == set()
    assert shown(kind="reminder") == {sent}
    assert shown(q="江阴中专") == {retrying}
    assert shown(q=broken.booking.reference) == {broken}
    assert staff.get(LIST_URL, {"status": "nonsense", "created_at_after": "x"}).status_code == 200


def test_staff_can_read_a_whole_notification(staff):
    notification = failed(last_error="SMTPServerDisconnected: " + "x" * 200)
    url = reverse("events_notification:inspect", args=[notification.pk])
    html = staff.get(url).content.decode()
    assert "x" * 200 in html
    assert "失败" in html
    assert reverse("events_admin:retry_notification", args=[notification.pk]) in html
    missing = reverse("events_notification:inspect", args=[notification.pk + 1])
    assert staff.get(missing).status_code == 404


def test_nobody_adds_edits_or_deletes_notifications(admin_client):
    notification = failed()
    for name, args in (("add", []), ("edit", [notification.pk]), ("delete", [notification.pk])):
        with pytest.raises(NoReverseMatch):
            reverse(f"events_notification:{name}", args=args)
    for path in ("new/", f"edit/{notification.pk}/", f"delete/{notification.pk}/"):
        assert admin_client.get(LIST_URL + path).status_code == 404
        assert admin_client.post(LIST_URL + path).status_code == 404
    assert OutboxMessage.objects.filter(pk=notification.pk).exists()


def test_a_retried_failed_message_is_delivered_exactly_once(
    staff, monkeypatch, django_capture_on_commit_callbacks
):
    notification = make()
    monkeypatch.setattr(sending.EmailMessage, "send", refuse_mail)
    for _attempt in range(3):
        sending.deliver(notification.pk)
    assert status_of(notification) == Status.FAILED
    monkeypatch.undo()  # the mail server is back

    url = reverse("events_admin:retry_notification", args=[notification.pk])
    assert "重新发送" in staff.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url)
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.sent_at is not None
    assert notification.attempts == 1
    assert notification.last_error == ""
    assert len(mail.outbox) == 1
    assert notification.booking.reference in mail.outbox[0].subject

    # A second click, a repeated POST and the sweeper all find it sent.
    with django_capture_on_commit_callbacks(execute=True):
        assert staff.post(url).status_code == 302
        assert sending.retry([notification.pk]) == 0
        sending.sweep(now=timezone.now() + timedelta(hours=1))
    assert len(mail.outbox) == 1


def test_retry_leaves_sent_waiting_and_in_flight_rows_alone(django_capture_on_commit_callbacks):
    now = timezone.now()
    sent = make(sent_at=now, attempts=3, last_error="")
    waiting = make(attempts=1, last_error="busy")
    last_attempt_under_way = make(attempts=3, claimed_at=now)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert sending.retry([sent.pk, waiting.pk, last_attempt_under_way.pk]) == 0
    assert callbacks == []  # nothing queued
    assert mail.outbox == []
    for notification, attempts in ((sent, 3), (waiting, 1), (last_attempt_under_way, 3)):
        notification.refresh_from_db()
        assert notification.attempts == attempts


def test_retrying_a_sent_row_from_the_admin_does_nothing(staff, django_capture_on_commit_callbacks):
    sent = make(sent_at=timezone.now(), attempts=1)
    url = reverse("events_admin:retry_notification", args=[sent.pk])
    assert "没有需要重试的内容" in staff.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url, follow=True)
    assert "没有需要重试" in response.content.decode()
    assert mail.outbox == []
    sent.refresh_from_db()
    assert sent.attempts == 1


def test_retry_all_failed_sends_each_failed_message_once(staff, django_capture_on_commit_callbacks):
    first, second = failed(), failed(kind="changed")
    sent = make(sent_at=timezone.now(), attempts=1)
    waiting = make()
    assert "2" in staff.get(RETRY_FAILED_URL).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(RETRY_FAILED_URL, {"next": LIST_URL + "?status=failed"})
    assert response.status_code == 302
    assert response["Location"] == LIST_URL + "?status=failed"
    sent_subjects = sorted(message.subject for message in mail.outbox)
    assert sent_subjects == sorted(
        messages.SUBJECTS[n.kind] % {"ref": n.booking.reference} for n in (first, second)
    )
    assert set(OutboxMessage.objects.failed()) == set()
    waiting.refresh_from_db()
    assert waiting.sent_at is None  # its own task or the sweeper sends it, not the retry
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(RETRY_FAILED_URL)
    assert len(mail.outbox) == 2
    assert OutboxMessage.objects.get(pk=sent.pk).attempts == 1


def test_an_off_site_next_address_is_ignored(staff):
    notification = failed()
    url = reverse("events_admin:retry_notification", args=[notification.pk])
    response = staff.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == LIST_URL


def test_staff_see_the_retry_buttons_only_on_failed_rows(staff):
    broken = failed()
    sent = make(sent_at=timezone.now(), attempts=1)
    html = staff.get(LIST_URL).content.decode()
    assert reverse("events_admin:retry_notification", args=[broken.pk]) in html
    assert reverse("events_admin:retry_notification", args=[sent.pk]) not in html
    assert RETRY_FAILED_URL in html
    OutboxMessage.objects.filter(pk=broken.pk).update(sent_at=timezone.now())
    assert RETRY_FAILED_URL not in staff.get(LIST_URL).content.decode()


def test_the_home_panel_counts_failed_messages_and_links_to_them(staff):
    assert "failed-notifications" not in staff.get("/admin/").content.decode()
    failed()
    failed()
    make(attempts=1, last_error="busy")  # still retrying: not a failure yet
    html = staff.get("/admin/").content.decode()
    assert "failed-notifications" in html
    assert "2 条" in html
    assert f"{LIST_URL}?status=failed" in html


def test_the_booking_staff_group_may_view_notifications():
    group = Group.objects.get(name=BOOKING_STAFF)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert "view_outboxmessage" in codenames
    assert not {"add_outboxmessage", "change_outboxmessage", "delete_outboxmessage"} & codenames


def test_booking_staff_see_only_messages_to_bookers(staff, admin_client):
    """The outbox holds every message; the booking listing, its panel and its retry
    show booking staff the kinds their permission covers (contest and reach rows are
    not theirs), and a superuser every kind."""
    to_booker = failed()
    to_guardian = OutboxMessage.objects.create(
        kind=OutboxMessage.Kind.ENTRY_REJECTED, source_id=to_booker.source_id, attempts=3
    )
    to_clerks = OutboxMessage.objects.create(
        kind=OutboxMessage.Kind.REACH_SUMMARY, source_id=738000, attempts=3
    )
    inspect = "events_notification:inspect"
    html = staff.get(LIST_URL).content.decode()
    assert reverse(inspect, args=[to_booker.pk]) in html
    for other in (to_guardian, to_clerks):
        assert reverse(inspect, args=[other.pk]) not in html
        assert staff.get(reverse(inspect, args=[other.pk])).status_code == 404
        retry = reverse("events_admin:retry_notification", args=[other.pk])
        assert staff.post(retry).status_code == 404
    assert "1 条" in staff.get("/admin/").content.decode()
    staff.post(RETRY_FAILED_URL)
    assert set(OutboxMessage.objects.failed()) == {to_guardian, to_clerks}

    admin_html = admin_client.get(LIST_URL).content.decode()
    for row in (to_guardian, to_clerks):
        assert reverse(inspect, args=[row.pk]) in admin_html


def test_superusers_see_the_panel_and_the_listing(admin_client):
    failed()
    assert "failed-notifications" in admin_client.get("/admin/").content.decode()
    assert admin_client.get(LIST_URL).status_code == 200


@pytest.mark.parametrize("group_name", ["Editors", "Contest staff", "Judges", "Reach clerks"])
def test_other_staff_groups_see_no_notifications(client, django_user_model, group_name, home):
    from education.moderation import ensure_groups as ensure_editor_groups
    from media.contest.groups import ensure_groups as ensure_contest_groups
    from media.reach.permissions import ensure_clerks_group

    ensure_editor_groups()
    ensure_contest_groups()
    ensure_clerks_group()
    group = Group.objects.get(name=group_name)
    assert not group.permissions.filter(codename="view_outboxmessage").exists()
    user = django_user_model.objects.create_user("other", password="pw-123456789")
    user.groups.add(group)
    client.force_login(user)
    notification = failed()
    home_html = client.get("/admin/").content.decode()
    assert "failed-notifications" not in home_html
    assert LIST_URL not in home_html  # not in the menu either
    retry_url = reverse("events_admin:retry_notification", args=[notification.pk])
    inspect_url = reverse("events_notification:inspect", args=[notification.pk])
    for url in (LIST_URL, inspect_url, retry_url, RETRY_FAILED_URL):
        assert client.get(url).status_code in (302, 403), url
    assert client.post(retry_url).status_code in (302, 403)
    assert client.post(RETRY_FAILED_URL).status_code in (302, 403)
    notification.refresh_from_db()
    assert notification.attempts == 3
