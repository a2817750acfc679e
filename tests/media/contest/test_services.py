from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from media.contest import services
from media.contest.models import ContestPage, Entry, Score
from tests.media.contest.factories import judge, make_contest, make_entry, staff

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
    with django_capture_on_commit_callbacks(execute=True):
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


def test_a_duplicate_must_be_of_an_entry_of_the_same_contest(contest, home, moderator):
    other = make_entry(make_contest(home, slug="last-year", title="去年的大赛"))
    entry = make_entry(contest)
    with pytest.raises(services.TransitionError) as refused:
        services.flag_duplicate(entry, by=moderator, of=other)
    assert refused.value.code == "other_contest"
    entry.refresh_from_db()
    assert entry.status == S.SUBMITTED and entry.duplicate_of is None


# Every moderation move, written out: which target each state may reach.
ALLOWED = {
    S.SUBMITTED: {S.APPROVED, S.REJECTED, S.DUPLICATE, S.WITHDRAWN},
    S.APPROVED: {S.REJECTED, S.DUPLICATE, S.WITHDRAWN},
    S.REJECTED: {S.APPROVED, S.WITHDRAWN},
    S.DUPLICATE: {S.APPROVED, S.WITHDRAWN},
    S.WITHDRAWN: set(),
}
TARGETS = (S.APPROVED, S.REJECTED, S.DUPLICATE, S.WITHDRAWN)


def test_the_rule_covers_every_state():
    assert services.MODERATION_MOVES == ALLOWED
    assert set(ALLOWED) == set(S)


def move(entry, target, by):
    return {
        S.APPROVED: lambda: services.approve(entry, by=by),
        S.REJECTED: lambda: services.reject(entry, by=by, reason="理由"),
        S.DUPLICATE: lambda: services.flag_duplicate(entry, by=by),
        S.WITHDRAWN: lambda: services.withdraw(entry),
    }[target]()


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("start", list(S))
def test_moderation_moves(contest, moderator, start, target):
    entry = make_entry(contest, status=start)
    if target in ALLOWED[start]:
        move(entry, target, moderator)
        entry.refresh_from_db()
        assert entry.status == target
    elif start == target == S.WITHDRAWN:
        move(entry, target, moderator)  # a second withdrawal changes nothing
        entry.refresh_from_db()
        assert entry.status == S.WITHDRAWN
    else:
        before = Entry.objects.filter(pk=entry.pk).values().get()
        with pytest.raises(services.TransitionError) as error:
            move(entry, target, moderator)
        assert error.value.code == "bad_transition"
        assert Entry.objects.filter(pk=entry.pk).values().get() == before


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


def test_no_scores_once_results_are_published(contest):
    entry = make_entry(contest, status=S.APPROVED)
    j = judge()
    marks = {str(c.pk): 7 for c in contest.criteria.all()}
    contest = services.start_judging(contest)
    services.record_score(entry, judge=j, marks=marks)
    contest = services.publish_results(contest)
    with pytest.raises(services.TransitionError) as error:
        services.record_score(entry, judge=j, marks=dict.fromkeys(marks, 2))
    assert error.value.code == "wrong_stage"
    with pytest.raises(services.TransitionError):
        services.record_score(entry, judge=judge("late"), marks=marks)
    assert list(Score.objects.values_list("judge__username", "total")) == [
        ("judge", Decimal("70.00"))
    ]


def test_starting_judging_or_publishing_twice_is_refused_and_changes_nothing(contest):
    contest = services.start_judging(contest)
    with pytest.raises(services.TransitionError) as error:
        services.start_judging(contest)
    assert error.value.code == "wrong_stage"
    assert ContestPage.objects.get(pk=contest.pk).status == ContestPage.Status.JUDGING
    contest = services.publish_results(contest)
    published_at = contest.results_published_at
    for stage_change in (services.start_judging, services.publish_results):
        with pytest.raises(services.TransitionError):
            stage_change(contest)
    contest.refresh_from_db()
    assert contest.status == ContestPage.Status.RESULTS_PUBLISHED
    assert contest.results_published_at == published_at


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
    contest, home, moderator, django_capture_on_commit_callbacks
):
    # A second contest still inside its retention period when the first one's ends.
    later = make_contest(home, slug="next-contest", retention_days=730)
    kept = [
        make_entry(later),
        make_entry(later, status=S.REJECTED),
        make_entry(later, category="essay", status=S.APPROVED),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(kept[0], by=moderator)
    kept_rows = list(Entry.objects.filter(contest=later).order_by("pk").values())
    kept_files = [
        e.original.path for e in Entry.objects.filter(contest=later).exclude(original="")
    ] + [
        e.display_image.path for e in Entry.objects.filter(contest=later).exclude(display_image="")
    ]
    assert len(kept_files) == 3  # two originals, one public display file

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
    with django_capture_on_commit_callbacks(execute=True):
        changed = services.apply_retention(now=contest.retention_ends_at() + timedelta(seconds=1))
    assert changed == 4
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

    # The other contest, still within its period, is untouched: guardian data, consent
    # and originals all as they were.
    assert later.retention_ends_at() > contest.retention_ends_at() + timedelta(days=2)
    assert list(Entry.objects.filter(contest=later).order_by("pk").values()) == kept_rows
    assert all(row["guardian_phone"] and row["guardian_name"] for row in kept_rows)
    assert all(os.path.exists(path) for path in kept_files)


def entry_has_file(field):
    return bool(field) and field.storage.exists(field.name)


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


def test_a_withdrawal_rolled_back_keeps_the_files_it_would_have_deleted(
    contest, moderator, django_capture_on_commit_callbacks
):
    entry = make_entry(contest)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(entry, by=moderator)
    entry.refresh_from_db()
    files = [(f.storage, f.name) for f in (entry.original, entry.display_image, entry.thumbnail)]
    assert all(storage.exists(name) for storage, name in files)

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        services.withdraw(entry)
        raise Abort
    entry.refresh_from_db()
    assert entry.status == S.APPROVED
    assert all(storage.exists(name) for storage, name in files)

    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(entry)
    assert not any(storage.exists(name) for storage, name in files)
