from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from media.contest import services
from media.contest.models import ContestPage, Entry, Score
from tests.media.contest.factories import judge, make_entry, staff

S = Entry.Status


@pytest.fixture
def moderator(db):
    return staff()


def sms_log(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "firebreak.sms"]


def test_approve_makes_public_files_and_tells_the_guardian(
    contest, moderator, caplog, django_capture_on_commit_callbacks
):
    entry = make_entry(contest)
    assert not entry.display_image
    caplog.set_level("INFO", logger="firebreak.sms")
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(entry, by=moderator)
    entry.refresh_from_db()
    assert entry.status == S.APPROVED and entry.moderated_by == moderator
    assert entry.display_image and entry.thumbnail
    assert any("approved" in m or "审核" in m or "画廊" in m for m in sms_log(caplog))


def test_reject_needs_a_reason_and_sends_it(
    contest, moderator, caplog, django_capture_on_commit_callbacks
):
    entry = make_entry(contest)
    with pytest.raises(services.TransitionError):
        services.reject(entry, by=moderator, reason="  ")
    caplog.set_level("INFO", logger="firebreak.sms")
    with django_capture_on_commit_callbacks(execute=True):
        services.reject(entry, by=moderator, reason="画面是打印的网络图片")
    entry.refresh_from_db()
    assert entry.status == S.REJECTED
    assert any("画面是打印的网络图片" in m for m in sms_log(caplog))


def test_rejecting_an_approved_entry_removes_its_public_files(
    contest, moderator, django_capture_on_commit_callbacks
):
    entry = make_entry(contest)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(entry, by=moderator)
    entry.refresh_from_db()
    display_path = entry.display_image.path
    services.reject(entry, by=moderator, reason="重复投稿")
    entry.refresh_from_db()
    assert not entry.display_image and not entry.thumbnail
    import os

    assert not os.path.exists(display_path)


def test_flag_duplicate_points_at_the_first_entry(contest, moderator):
    first = make_entry(contest, status=S.APPROVED)
    second = make_entry(contest)
    services.flag_duplicate(second, by=moderator, of=first)
    second.refresh_from_db()
    assert second.status == S.DUPLICATE and second.duplicate_of == first
    with pytest.raises(services.TransitionError):
        services.flag_duplicate(first, by=moderator, of=first)


@pytest.mark.parametrize(
    ("start", "move", "allowed"),
    [
        (S.SUBMITTED, "approve", True),
        (S.SUBMITTED, "reject", True),
        (S.SUBMITTED, "duplicate", True),
        (S.APPROVED, "approve", False),
        (S.APPROVED, "reject", True),
        (S.REJECTED, "approve", True),
        (S.REJECTED, "reject", False),
        (S.DUPLICATE, "approve", True),
        (S.DUPLICATE, "duplicate", False),
        (S.WITHDRAWN, "approve", False),
        (S.WITHDRAWN, "reject", False),
        (S.WITHDRAWN, "duplicate", False),
    ],
)
def test_moderation_moves(contest, moderator, start, move, allowed):
    entry = make_entry(contest, status=start)
    action = {
        "approve": lambda: services.approve(entry, by=moderator),
        "reject": lambda: services.reject(entry, by=moderator, reason="理由"),
        "duplicate": lambda: services.flag_duplicate(entry, by=moderator),
    }[move]
    if allowed:
        action()
    else:
        with pytest.raises(services.TransitionError):
            action()
        entry.refresh_from_db()
        assert entry.status == start


def test_submission_needs_an_open_contest_and_consent(contest, notice):
    data = {
        "category": "essay",
        "age_group": contest.age_groups.first(),
        "title": "作文",
        "display_name": "小雨",
        "school": "实验小学",
        "grade": 2,
        "guardian_name": "王芳",
        "guardian_phone": "13912345678",
        "essay_text": "内容",
    }
    with pytest.raises(services.TransitionError):
        services.submit_entry(contest=contest, data=data, notice=None)
    entry, token = services.submit_entry(contest=contest, data=data, notice=notice)
    assert entry.consent_version == notice.version and entry.consented_at
    assert entry.withdrawal_token_hash == services.hash_token(token) != token
    ContestPage.objects.filter(pk=contest.pk).update(closes_at=timezone.now())
    contest.refresh_from_db()
    with pytest.raises(services.TransitionError):
        services.submit_entry(contest=contest, data=data, notice=notice)


# Judging


def test_judging_stages_open_judging_published(contest, moderator):
    entry = make_entry(contest, status=S.APPROVED)
    j = judge()
    criteria = list(contest.criteria.all())
    marks = {str(c.pk): 8 for c in criteria}
    with pytest.raises(services.TransitionError):
        services.record_score(entry, judge=j, marks=marks)  # still open
    with pytest.raises(services.TransitionError):
        services.publish_results(contest)  # must judge first
    contest = services.start_judging(contest)
    assert contest.status == ContestPage.Status.JUDGING
    # the English alias follows
    assert set(
        ContestPage.objects.filter(translation_key=contest.translation_key).values_list(
            "status", flat=True
        )
    ) == {"judging"}
    score = services.record_score(entry, judge=j, marks=marks)
    assert score.total == Decimal("80.00")
    services.set_award(entry, Entry.Award.FIRST)
    contest = services.publish_results(contest)
    assert contest.results_are_public and contest.results_published_at
    with pytest.raises(services.TransitionError):
        services.set_award(entry, Entry.Award.SECOND)  # results are final


def test_publishing_a_revision_does_not_roll_the_stage_back(contest):
    revision = contest.save_revision()  # an editor's draft made while open
    services.start_judging(contest)
    type(revision).objects.get(pk=revision.pk).publish()  # as the editor would, later
    assert ContestPage.objects.get(pk=contest.pk).status == ContestPage.Status.JUDGING


def test_scores_weighted_validated_one_per_judge(contest):
    contest = services.start_judging(contest)
    entry = make_entry(contest, status=S.APPROVED)
    j = judge()
    theme, idea = contest.criteria.all()
    score = services.record_score(entry, judge=j, marks={str(theme.pk): 10, str(idea.pk): 2})
    assert score.total == Decimal("80.00")  # (10×3 + 2×1) / 4 × 10
    services.record_score(entry, judge=j, marks={str(theme.pk): 5, str(idea.pk): 5})
    assert Score.objects.get(entry=entry, judge=j).total == Decimal("50.00")
    with pytest.raises(services.TransitionError):
        services.record_score(entry, judge=j, marks={str(theme.pk): 11, str(idea.pk): 5})
    with pytest.raises(services.TransitionError):
        services.record_score(entry, judge=j, marks={str(theme.pk): 5})
    with pytest.raises(PermissionDenied):
        services.record_score(entry, judge=staff(), marks={str(theme.pk): 5, str(idea.pk): 5})
    with transaction.atomic(), pytest.raises(IntegrityError):
        Score.objects.create(entry=entry, judge=j, total=1)


def test_only_approved_entries_are_judged_and_awarded(contest):
    contest = services.start_judging(contest)
    entry = make_entry(contest, status=S.SUBMITTED)
    j = judge()
    marks = {str(c.pk): 5 for c in contest.criteria.all()}
    with pytest.raises(services.TransitionError):
        services.record_score(entry, judge=j, marks=marks)
    with pytest.raises(services.TransitionError):
        services.set_award(entry, Entry.Award.FIRST)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Entry.objects.filter(pk=entry.pk).update(award="first")


# Withdrawal and retention


def test_withdrawal_hides_and_deletes_work_and_personal_data(
    contest, moderator, caplog, django_capture_on_commit_callbacks
):
    entry = make_entry(contest)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(entry, by=moderator)
    entry.refresh_from_db()
    original, display = entry.original.path, entry.display_image.path
    found = services.find_by_token(entry.token)
    caplog.set_level("INFO", logger="firebreak.sms")
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(found)
    entry.refresh_from_db()
    import os

    assert entry.status == S.WITHDRAWN
    assert not os.path.exists(original) and not os.path.exists(display)
    assert entry.guardian_name == entry.guardian_phone == entry.display_name == ""
    assert sms_log(caplog)  # confirmation went out before the number was erased
    assert services.find_by_token("not-a-token") is None


def test_retention_removes_exactly_what_it_must(
    contest, moderator, django_capture_on_commit_callbacks
):
    awarded = make_entry(contest)
    plain = make_entry(contest)
    rejected = make_entry(contest)
    essay = make_entry(contest, category="essay")
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(awarded, by=moderator)
        services.approve(plain, by=moderator)
        services.approve(essay, by=moderator)
    services.reject(rejected, by=moderator, reason="不符合主题")
    contest = services.start_judging(contest)
    services.set_award(awarded, Entry.Award.FIRST)
    for entry in (awarded, plain, rejected, essay):
        entry.refresh_from_db()

    # Not yet: within the retention period nothing changes.
    assert services.apply_retention(now=contest.retention_ends_at() - timedelta(days=1)) == 0

    paths = {
        e.pk: (e.original.path, e.display_image.path if e.display_image else None)
        for e in (awarded, plain)
    }
    assert services.apply_retention(now=contest.retention_ends_at() + timedelta(seconds=1)) == 4
    import os

    for entry in (awarded, plain, rejected, essay):
        entry.refresh_from_db()
        assert entry.guardian_name == entry.guardian_phone == ""
        assert entry.personal_data_erased_at
    # the awarded original stays; other originals go; shown works keep their public files
    assert entry_has_file(awarded.original) and os.path.exists(paths[awarded.pk][0])
    assert not plain.original and not os.path.exists(paths[plain.pk][0])
    assert plain.display_image and os.path.exists(paths[plain.pk][1])
    assert not rejected.original
    assert essay.essay_text  # the work itself is what the public sees
    assert awarded.display_name and awarded.school  # public fields are kept
    # A second run has nothing left to do.
    assert services.apply_retention(now=contest.retention_ends_at() + timedelta(days=2)) == 0


def entry_has_file(field):
    return bool(field) and field.storage.exists(field.name)


def test_sms_withdrawal_link_is_minted_by_the_worker_not_queued(
    contest, caplog, django_capture_on_commit_callbacks
):
    from django_q.models import Success

    from media.contest.tasks import send_submission_receipt

    entry = make_entry(contest)
    caplog.set_level("INFO", logger="firebreak.sms")
    with django_capture_on_commit_callbacks(execute=True):
        send_submission_receipt.enqueue(entry.pk)
    (message,) = sms_log(caplog)
    token = message.rsplit("/contest/withdraw/", 1)[1].strip("/")
    assert services.find_by_token(token) == entry  # the SMS link works
    assert services.find_by_token(entry.token) == entry  # and so does the page's
    queued = " ".join(str(task.args) + str(task.kwargs) for task in Success.objects.all())
    assert token not in queued


def test_retention_runs_daily_from_the_schedule(contest):
    from django.utils.module_loading import import_string

    from config.schedules import DAILY, SCHEDULES

    (periodic,) = [p for p in SCHEDULES if p.name == "contest: retention"]
    assert periodic.schedule_type == DAILY
    entry = make_entry(contest)
    ContestPage.objects.filter(pk=contest.pk).update(
        closes_at=timezone.now() - timedelta(days=contest.retention_days + 1)
    )
    assert import_string(periodic.func)() == 1
    entry.refresh_from_db()
    assert entry.guardian_phone == "" and not entry.original
