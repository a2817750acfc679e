"""One write path for reach figures: one test per defect it closes."""

import datetime
import io
import zipfile
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone

from events import services as booking_services
from events.models import Session
from events.selectors import attendance_for_reach
from media.reach import imports, selectors, services
from media.reach.models import (
    ApprovedPeriod,
    CampaignPage,
    ImportJob,
    PendingCorrection,
    Tally,
    TallyRevision,
)
from tests.events.factories import BookingFactory

from .factories import campaign as make_campaign
from .factories import channel, metric, place

pytestmark = pytest.mark.django_db
HEADER = ["日期", "指标", "渠道", "地点", "数量", "精确度", "周期", "活动", "备注"]
DAY = datetime.date(2020, 7, 20)


@pytest.fixture
def plays():
    plays = metric("screen-plays", "plays")
    channel(plays, "bus", "公交车载屏")
    place("澄江街道")
    return plays


def row(day, count, period="日", metric_code="screen-plays", where="澄江街道"):
    return [day, metric_code, "bus", where, str(count), "", period, "", ""]


def upload(rows, name="figures.csv"):
    text = "\n".join(",".join(r) for r in [HEADER, *rows]) + "\n"
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def public_media_get(name):
    """An anonymous GET from whatever serves MEDIA_ROOT publicly (the web server in
    production; Django's static file view here, as under ``make run``)."""
    from django.http import Http404
    from django.test import RequestFactory
    from django.views.static import serve

    request = RequestFactory().get(f"{settings.MEDIA_URL}{name}")
    try:
        response = serve(request, name, document_root=settings.MEDIA_ROOT)
    except Http404:
        return 404
    response.file_to_stream.close()  # not response.close(): that ends the "request"
    return response.status_code


def check(file):
    with TestCase.captureOnCommitCallbacks(execute=True):
        job = services.check_import(file)
    job.refresh_from_db()
    return job


def confirm(job):
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.confirm_import(job)
    job.refresh_from_db()
    return job


def test_a_day_and_its_month_in_one_file_are_refused_not_added(plays):
    job = check(upload([row("2020-07-20", 100), row("2020-07-01", 1000, period="月")]))
    assert job.status == ImportJob.Status.INVALID
    assert any("另一种周期" in e["message"] or "period" in e["message"] for e in job.errors)
    assert not Tally.objects.exists()


def test_a_month_over_a_stored_day_is_refused_and_the_reverse(plays):
    args = {"metric": plays, "channel": plays.channels.get(), "place": place("澄江街道")}
    services.record_tally(day=DAY, count=100, **args)
    job = check(upload([row("2020-07-01", 1000, period="月")]))
    assert job.status == ImportJob.Status.INVALID
    assert selectors.totals_by_metric(Tally.objects.all())[0]["total"] == 100


def test_a_day_on_the_last_day_of_a_stored_month_is_refused(plays):
    """The stored rows are looked up from 30 days before the file's first day: a month
    of 31 days stored is still found from its last day."""
    args = {"metric": plays, "channel": plays.channels.get(), "place": place("澄江街道")}
    services.record_tally(day=datetime.date(2020, 7, 1), count=1000, period_kind="month", **args)
    job = check(upload([row("2020-07-31", 100)]))
    assert job.status == ImportJob.Status.INVALID
    assert selectors.totals_by_metric(Tally.objects.all())[0]["total"] == 1000


def test_a_derived_figure_cannot_be_changed_by_hand():
    services.derive_tallies("contest", [{"day": DAY, "category": "drawing", "entries": 6}])
    tally = Tally.objects.get(source="derived")
    with pytest.raises(services.ValidationError):
        services.change_tally(tally, count=999)
    with pytest.raises(services.ValidationError):
        services.delete_tally(tally)
    assert Tally.objects.get(pk=tally.pk).count == 6


def test_every_path_writes_created_revisions_with_source_and_file(plays, django_user_model):
    clerk = django_user_model.objects.create(username="clerk")
    job = check(upload([row("2020-07-20", 100)], name="七月.csv"))
    job.created_by = clerk
    job.save()
    confirm(job)
    created = TallyRevision.objects.get(action="create", source="imported")
    assert (created.file, created.user, created.new_count) == ("七月.csv", clerk, 100)
    assert created.tally == Tally.objects.get(source="imported")
    services.derive_tallies("contest", [{"day": DAY, "category": "drawing", "entries": 6}])
    assert TallyRevision.objects.filter(action="create", source="derived").count() == 1


def test_a_recompute_inside_an_approved_period_keeps_the_figures_until_reapproval():
    entries = [{"day": DAY, "category": "drawing", "entries": 6}]
    services.derive_tallies("contest", entries)
    services.approve_period(start=DAY, end=DAY + timedelta(days=30))
    public = selectors.tallies(public=True)
    assert selectors.totals_by_metric(public)[0]["total"] == 6

    # The source changes (entries withdrawn): the approved figure neither changes nor
    # disappears; the change waits for re-approval.
    result = services.derive_tallies("contest", [])
    assert result["pending"] == 1 and result["deleted"] == 0
    assert selectors.totals_by_metric(selectors.tallies(public=True))[0]["total"] == 6
    pending = PendingCorrection.objects.get()
    assert pending.count is None and pending.tally.count == 6

    services.approve_period(start=DAY, end=DAY + timedelta(days=30))
    assert not Tally.objects.exists() and not PendingCorrection.objects.exists()
    assert TallyRevision.objects.filter(action="delete", source="derived").exists()


def test_a_late_check_in_becomes_a_pending_correction(django_capture_on_commit_callbacks):
    session_start = timezone.now() - timedelta(days=3)
    booking = BookingFactory(party_size=30, session__starts_at=session_start)
    day = timezone.localdate(session_start)
    with django_capture_on_commit_callbacks(execute=True):
        booking_services.check_in(booking.pk, 20, now=session_start)
    services.approve_period(start=day, end=day)
    with django_capture_on_commit_callbacks(execute=True):
        booking_services.check_in(booking.pk, 25, override_reason="签到表补录")
    persons = Tally.objects.get(metric__code="attendance")
    assert persons.count == 20 and persons.approved
    assert PendingCorrection.objects.get(metric__code="attendance").count == 25
    services.approve_period(start=day, end=day)
    persons.refresh_from_db()
    assert (persons.count, persons.approved) == (25, True)


def test_check_in_counts_only_on_the_session_day_unless_a_reason_is_given():
    booking = BookingFactory(party_size=30, session__starts_at=timezone.now() + timedelta(days=18))
    with pytest.raises(booking_services.BookingError):
        booking_services.check_in(booking.pk, 28)
    booking.refresh_from_db()
    assert booking.status == "confirmed" and booking.attended_count is None
    booking_services.check_in(booking.pk, 28, override_reason="提前到馆参观")
    booking.refresh_from_db()
    assert booking.attended_count == 28 and "提前到馆参观" in booking.status_reason


def test_a_cancelled_session_leaves_reach(django_capture_on_commit_callbacks):
    booking = BookingFactory(party_size=30, session__starts_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        booking_services.check_in(booking.pk, 28)
    assert Tally.objects.get(metric__code="attendance").count == 28
    with django_capture_on_commit_callbacks(execute=True):
        booking_services.update_session(
            booking.session_id, {"status": Session.Status.CANCELLED}, reason="台风"
        )
    assert attendance_for_reach() == []
    assert not Tally.objects.filter(metric__code="attendance").exists()


def test_approving_a_locale_copy_approves_the_canonical_campaign(home):
    from wagtail.models import Locale

    canonical = make_campaign(home)
    english = Locale.objects.get_or_create(language_code="en")[0]
    copy = CampaignPage.objects.filter(translation_key=canonical.translation_key).exclude(
        locale=canonical.locale
    ).first() or canonical.copy_for_translation(english, copy_parents=True)
    period = services.approve_period(start=DAY, end=DAY, campaign=copy)
    assert period.campaign_id == canonical.pk
    from media.reach.wagtail_hooks import ApprovedPeriodForm

    listed = list(ApprovedPeriodForm().fields["campaign"].queryset)
    assert listed == [canonical]


def test_the_dashboard_export_without_filters_is_what_the_screen_shows(home, admin_client):
    plays = metric("screen-plays", "plays")
    bus = channel(plays, "bus")
    town = place("澄江街道")
    today = timezone.localdate()
    featured = make_campaign(home, start=today - timedelta(days=5), end=today + timedelta(days=5))
    services.record_tally(metric=plays, channel=bus, place=town, day=today, count=197)
    services.record_tally(
        metric=plays, channel=bus, place=town, day=today, count=3, campaign=featured
    )
    screen = admin_client.get("/admin/reach_admin/").content.decode()
    assert f"campaign={featured.pk}" in screen
    export = admin_client.get("/admin/reach_admin/?format=csv").content.decode("utf-8-sig")
    assert ",3," in export and "200" not in export


def test_the_dry_run_shows_what_an_import_would_overwrite(plays):
    args = {"metric": plays, "channel": plays.channels.get(), "place": place("澄江街道")}
    services.record_tally(day=DAY, count=200, **args)
    job = check(upload([row("2020-07-20", 999), row("2020-07-21", 5)]))
    assert job.status == ImportJob.Status.CHECKED
    summary = job.plan["metrics"][0]
    assert summary["new"] == 1 and summary["unchanged"] == 0
    assert [old_new[1:] for old_new in summary["changed"]] == [[200, 999]]


def test_import_files_are_private_and_gone_when_the_import_ends(plays):
    job = check(upload([row("2020-07-20", 7)]))
    path = job.file.path
    assert not path.startswith(str(settings.MEDIA_ROOT))
    assert public_media_get(job.file.name) == 404
    confirm(job)
    assert job.status == ImportJob.Status.DONE and not job.file
    import os

    assert not os.path.exists(path)


def _xlsx_with_sheet(sheet_xml):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        _xlsx_with_sheet(
            b'<worksheet><dimension ref="A1:I20000001"/><sheetData></sheetData></worksheet>'
        ),
        _xlsx_with_sheet(b"<worksheet><sheetData>" + b"<row/>" * 3_000_000 + b"</sheetData>"),
    ],
    ids=["20 M rows declared", "highly compressed sheet"],
)
def test_xlsx_bombs_are_refused_in_the_request_before_parsing(plays, data):
    import time

    started = time.monotonic()
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        job = services.check_import(SimpleUploadedFile("bomb.xlsx", data))
    assert time.monotonic() - started < 2
    assert job.status == ImportJob.Status.INVALID and not job.file and not callbacks
    with pytest.raises(imports.ImportFileError):
        imports.read_table(data)


def test_quick_entry_keeps_the_day_and_place_after_saving(home, admin_client, plays):
    bus = plays.channels.get()
    town = place("澄江街道")
    day = timezone.localdate() - timedelta(days=2)
    response = admin_client.post(
        "/admin/reach_entry/", {"day": day.isoformat(), "place": town.pk, f"c{bus.pk}": "12"}
    )
    assert response.status_code == 302
    form = admin_client.get(response["Location"]).context["form"]
    assert str(form["day"].value()) == day.isoformat()
    assert str(form["place"].value()) == str(town.pk)


def test_derived_channels_are_named_by_their_labels():
    services.derive_tallies(
        "attendance",
        [{"day": DAY, "kind": "camp_batch", "place": "消防教育馆", "persons": 5, "sessions": 1}],
    )
    assert Tally.objects.filter(channel__code="camp_batch").first().channel.name != "camp_batch"


def test_the_write_lock_is_taken_by_approval_and_revocation(monkeypatch, django_user_model):
    from media.reach.services import tallies

    taken = []
    monkeypatch.setattr(tallies, "write_lock", lambda: taken.append(True))
    admin = django_user_model.objects.create_superuser("boss", "b@example.cn", "pw")
    period = services.approve_period(start=DAY, end=DAY, user=admin)
    services.revoke_approval(period, user=admin, reason="数字有误")
    assert len(taken) == 2
    assert ApprovedPeriod.objects.get().revoked


def test_import_files_already_in_public_media_are_moved_or_deleted(plays):
    from importlib import import_module

    from django.apps import apps
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    public = storages["default"]
    waiting_name = public.save("reach-imports/2026/12/import-1.bin", ContentFile(b"a,b\n"))
    done_name = public.save("reach-imports/2026/12/import-2.bin", ContentFile(b"c,d\n"))
    stray = public.save("reach-imports/2026/11/import-0.bin", ContentFile(b"e\n"))
    waiting = ImportJob.objects.create(filename="w.csv", status="checked", file=waiting_name)
    done = ImportJob.objects.create(filename="d.csv", status="done", file=done_name)
    assert public_media_get(waiting_name) == 200  # the leak being closed
    migration = import_module("media.reach.migrations.0005_move_import_files_out_of_public_media")
    migration.move_out_of_public_media(apps, None)
    for name in (waiting_name, done_name, stray):
        assert not public.exists(name)
        assert public_media_get(name) == 404
    waiting.refresh_from_db()
    done.refresh_from_db()
    assert storages["private"].exists(waiting.file.name) and not done.file
