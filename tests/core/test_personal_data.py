"""A person's data: kept only as long as needed, and found, exported and erased on request."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from core.models import PersonalDataAction
from core.outbox import OutboxMessage
from events import retention
from events.models import Booking
from tests.events.factories import BookingFactory, SessionFactory
from tests.media.contest.factories import make_contest, make_entry

pytestmark = pytest.mark.django_db
PHONE = "13812345678"


def past_booking(days_ago, **fields):
    starts = timezone.now() - timedelta(days=days_ago)
    session = SessionFactory(starts_at=starts, ends_at=starts + timedelta(hours=2))
    return BookingFactory(session=session, **fields)


def test_retention_erases_contacts_after_the_period_and_keeps_the_counts(settings):
    settings.BOOKING_RETENTION_DAYS = 180
    old = past_booking(200, notes="两位老师陪同", attended_count=9, status=Booking.Status.ATTENDED)
    recent = past_booking(100)
    ahead = BookingFactory()
    assert retention.apply_retention() == 1
    old.refresh_from_db()
    assert (old.contact_name, old.phone, old.email, old.notes) == ("", "", "", "")
    assert old.personal_data_erased_at is not None
    assert (old.party_size, old.attended_count, old.status) == (10, 9, Booking.Status.ATTENDED)
    assert old.organization and old.reference
    for kept in (recent, ahead):
        kept.refresh_from_db()
        assert kept.phone == PHONE and kept.personal_data_erased_at is None
    assert retention.apply_retention() == 0  # idempotent


@pytest.fixture
def officer(django_user_model):
    user = django_user_model.objects.create_user("privacy-officer", password="pw-123456789")
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="handle_personal_data"),
    )
    return user


@pytest.fixture
def holdings(home):
    done = past_booking(20, organization="实验小学")
    OutboxMessage.objects.create(source_id=done.pk, kind="confirmed", sent_at=timezone.now())
    ahead = BookingFactory(organization="南菁中学")
    other = BookingFactory(phone="13900000000", organization="别人的学校")
    entry = make_entry(make_contest(home), guardian_phone=PHONE, guardian_name="王芳")
    OutboxMessage.objects.create(source_id=entry.pk, kind="entry_received", sent_at=timezone.now())
    return {"done": done, "ahead": ahead, "other": other, "entry": entry}


def test_a_lookup_finds_everything_held_for_a_phone_number(client, officer, holdings):
    client.force_login(officer)
    response = client.post("/admin/personal-data/", {"subject": "+86 138-1234-5678"})
    assert response.status_code == 200
    page = response.content.decode()
    for text in (holdings["done"].reference, holdings["ahead"].reference, "王芳", "南菁中学"):
        assert text in page
    assert holdings["other"].reference not in page
    assert "别人的学校" not in page
    audit = PersonalDataAction.objects.get()
    assert audit.action == "lookup" and audit.subject_hint == "138****5678"
    assert PHONE not in audit.subject_digest and audit.found == {"bookings": 2, "contest": 1}


def test_an_export_is_a_readable_file_of_every_record(client, officer, holdings):
    client.force_login(officer)
    response = client.post("/admin/personal-data/", {"subject": PHONE, "action": "export"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    assert holdings["done"].reference in text and "王芳" in text and "小雨" in text
    assert "预约已确认" in text and "参赛作品已收到" in text  # the messages sent to them
    assert holdings["other"].reference not in text
    assert PersonalDataAction.objects.filter(action="export").count() == 1


def test_erasure_needs_a_reason_and_spares_a_visit_still_ahead(client, officer, holdings):
    client.force_login(officer)
    refused = client.post("/admin/personal-data/", {"subject": PHONE, "action": "erase"})
    assert refused.status_code == 400
    assert Booking.objects.filter(phone=PHONE).count() == 2

    response = client.post(
        "/admin/personal-data/",
        {"subject": PHONE, "action": "erase", "reason": "本人电话申请 12-01", "confirm": "on"},
    )
    assert response.status_code == 302
    done, ahead, entry = (holdings[k] for k in ("done", "ahead", "entry"))
    for row in (done, ahead, entry):
        row.refresh_from_db()
    assert done.phone == "" and done.contact_name == "" and done.party_size == 10
    assert ahead.phone == PHONE  # the visit is ahead: cancel it first
    assert entry.guardian_phone == "" and entry.guardian_name == ""
    assert entry.title  # the child's work stays; withdrawing it is the guardian's choice
    holdings["other"].refresh_from_db()
    assert holdings["other"].phone == "13900000000"
    erase = PersonalDataAction.objects.get(action="erase")
    assert erase.reason == "本人电话申请 12-01" and erase.found == {"bookings": 1, "contest": 1}
    assert erase.username == "privacy-officer"


def test_only_staff_with_the_permission_reach_the_screen(client, django_user_model, holdings):
    assert client.post("/admin/personal-data/", {"subject": PHONE}).status_code == 302
    clerk = django_user_model.objects.create_user("clerk", password="pw-123456789")
    clerk.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(clerk)
    refused = client.post("/admin/personal-data/", {"subject": PHONE})
    assert refused.status_code == 302 and refused["Location"] == "/admin/"  # "no permission"
    assert "personal-data" not in client.get("/admin/").content.decode()
    assert not PersonalDataAction.objects.exists()


@pytest.mark.parametrize("junk", ["", "12345", "not an email", "1" * 300, "<script>@x"])
def test_junk_is_refused_with_a_message_and_nothing_is_looked_up(client, officer, junk):
    client.force_login(officer)
    response = client.post("/admin/personal-data/", {"subject": junk})
    assert response.status_code == 400
    assert not PersonalDataAction.objects.exists()
