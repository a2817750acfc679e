import datetime

import pytest
from django.db import IntegrityError, transaction

from media.reach import services
from media.reach.models import Tally, TallyRevision

from .factories import campaign, channel, metric, place

pytestmark = pytest.mark.django_db
DAY = datetime.date(2020, 8, 3)


@pytest.mark.parametrize("with_campaign", [False, True], ids=["no campaign", "campaign"])
def test_one_tally_per_key_is_a_database_constraint(request, with_campaign):
    plays = metric()
    key = {"metric": plays, "channel": channel(plays), "place": place(), "period_start": DAY}
    if with_campaign:
        key["campaign"] = campaign(request.getfixturevalue("home"))
    Tally.objects.create(count=1, **key)
    with pytest.raises(IntegrityError), transaction.atomic():
        Tally.objects.create(count=2, **key)


def test_entering_the_same_key_again_corrects_it_with_an_audit_trail(django_user_model):
    user = django_user_model.objects.create(username="clerk")
    plays = metric()
    args = {"metric": plays, "channel": channel(plays), "place": place(), "day": DAY}
    services.record_tally(count=10, user=user, **args)
    tally, created = services.record_tally(count=12, user=user, reason="typo", **args)
    assert not created and Tally.objects.get().count == 12
    revision = TallyRevision.objects.filter(action="update").get()
    assert (revision.old_count, revision.new_count, revision.reason) == (10, 12, "typo")
    assert revision.user == user


def test_negative_counts_are_refused():
    plays = metric()
    with pytest.raises(services.ValidationError):
        services.record_tally(
            metric=plays, channel=channel(plays), place=place(), day=DAY, count=-1
        )


def test_approved_periods_refuse_create_change_and_delete():
    plays = metric()
    args = {"metric": plays, "channel": channel(plays), "place": place()}
    tally, _ = services.record_tally(day=DAY, count=5, **args)
    services.approve_period(start=DAY, end=DAY + datetime.timedelta(days=6))
    tally.refresh_from_db()
    assert tally.approved
    with pytest.raises(services.LockedPeriodError):
        services.change_tally(tally, count=6)
    with pytest.raises(services.LockedPeriodError):
        services.delete_tally(tally)
    with pytest.raises(services.LockedPeriodError):
        services.record_tally(day=DAY + datetime.timedelta(days=1), count=1, **args)
    assert Tally.objects.get().count == 5
    # Outside the approved period work goes on.
    services.record_tally(day=DAY + datetime.timedelta(days=7), count=1, **args)


def attendance(day, persons, kind="camp", where="消防教育馆", sessions=1):
    return {"day": day, "kind": kind, "place": where, "persons": persons, "sessions": sessions}


def test_derived_tallies_are_idempotent_update_and_remove():
    rows = [attendance(DAY, 60), attendance(DAY, 40, kind="talk"), attendance(DAY, 20)]
    first = services.derive_tallies("attendance", rows)
    assert first["created"] == 4  # persons and sessions for two kinds
    persons = Tally.objects.get(metric__code="attendance", channel__code="camp")
    assert persons.count == 80 and persons.source == "derived"
    assert services.derive_tallies("attendance", rows) == {
        "created": 0,
        "updated": 0,
        "deleted": 0,
        "unchanged": 4,
        "pending": 0,
        "skipped": 0,
    }
    services.derive_tallies("attendance", [attendance(DAY, 61)])
    persons.refresh_from_db()
    assert persons.count == 61
    assert not Tally.objects.filter(channel__code="talk").exists()
    services.derive_tallies("attendance", [])
    assert not Tally.objects.filter(source="derived").exists()


def test_derived_tallies_never_overwrite_entered_figures():
    services.derive_tallies("attendance", [])  # creates the derived metrics
    persons = Tally._meta.get_field("metric").related_model.objects.get(code="attendance")
    # A venue of the default site's place tree (the site the derived figures belong to).
    where = place("消防教育馆", kind="venue", parent=services.city())
    # Typed in before derived metrics were refused by hand: the recompute leaves it.
    Tally.objects.create(
        metric=persons, channel=channel(persons, "camp"), place=where, period_start=DAY, count=999
    )
    result = services.derive_tallies("attendance", [attendance(DAY, 60)])
    assert result["skipped"] == 1
    assert Tally.objects.get(metric=persons).count == 999


def test_derived_contest_entries_and_entered_tallies_of_derived_key_refused():
    rows = [
        {"day": DAY, "contest_id": 1, "category": "drawing", "entries": 3},
        {"day": DAY, "contest_id": 2, "category": "drawing", "entries": 2},
        {"day": DAY, "contest_id": 1, "category": "essay", "entries": 1},
    ]
    services.derive_tallies("contest", rows)
    drawing = Tally.objects.get(channel__code="drawing")
    assert drawing.count == 5
    with pytest.raises(services.ValidationError):
        services.record_tally(
            metric=drawing.metric, channel=drawing.channel, place=drawing.place, day=DAY, count=50
        )


def test_derive_all_skips_a_source_whose_app_is_missing(monkeypatch):
    def missing():
        raise ModuleNotFoundError("No module named 'events.selectors'", name="events.selectors")

    monkeypatch.setattr(services.derived, "derive_attendance_tallies", missing)
    monkeypatch.setattr(
        services.derived, "derive_contest_tallies", lambda: services.derive_tallies("contest", [])
    )
    results = services.derive_all()
    assert results["attendance"] is None
    assert results["contest"]["created"] == 0


def test_schedules_run_the_derivations_and_the_weekly_summary():
    from django.utils.module_loading import import_string

    from config.schedules import SCHEDULES

    reach = {p.name: p.func for p in SCHEDULES if p.name.startswith("reach:")}
    assert set(reach) == {"reach: derive tallies", "reach: fold scans", "reach: weekly summary"}
    # Each source runs, or is skipped while its app is not installed: never an error.
    assert set(import_string(reach["reach: derive tallies"])()) == {"attendance", "contest"}


@pytest.fixture
def approver(django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("approver")
    user.user_permissions.add(Permission.objects.get(codename="revoke_approvedperiod"))
    return django_user_model.objects.get(pk=user.pk)  # a fresh permission cache


def public_total(**filters):
    from media.reach import selectors

    figures = selectors.totals_by_metric(selectors.tallies(public=True, **filters))
    return figures[0]["total"] if figures else 0


def test_revoking_an_approval_unpublishes_and_unlocks_with_an_audit_record(
    approver, django_capture_on_commit_callbacks
):
    from core import freshness

    plays = metric()
    args = {"metric": plays, "channel": channel(plays), "place": place()}
    tally, _ = services.record_tally(day=DAY, count=5, **args)
    period = services.approve_period(start=DAY, end=DAY)
    assert public_total() == 5
    before = freshness.generation(("reach",))
    with pytest.raises(services.ValidationError):
        services.revoke_approval(period, user=approver, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.revoke_approval(period, user=approver, reason="wrong count") == 1
    period.refresh_from_db()
    assert (period.revoked_by, period.revoke_reason) == (approver, "wrong count")
    assert period.revoked_at is not None
    tally.refresh_from_db()
    assert not tally.approved and public_total() == 0
    assert freshness.generation(("reach",)) != before
    # Unlocked again, and a changed figure stays off the public pages until re-approved.
    services.change_tally(tally, count=6)
    assert public_total() == 0
    services.approve_period(start=DAY, end=DAY)
    assert public_total() == 6
    with pytest.raises(services.ValidationError):
        services.revoke_approval(period, user=approver, reason="again")


def test_only_approvers_may_revoke(django_user_model):
    from django.core.exceptions import PermissionDenied

    plays = metric()
    services.record_tally(metric=plays, channel=channel(plays), place=place(), day=DAY, count=5)
    period = services.approve_period(start=DAY, end=DAY)
    clerk = django_user_model.objects.create_user("clerk")
    for user in (None, clerk):
        with pytest.raises(PermissionDenied):
            services.revoke_approval(period, user=user, reason="no")
    period.refresh_from_db()
    assert not period.revoked and Tally.objects.get().approved


def test_revoking_one_approval_keeps_what_another_still_approves(approver):
    plays = metric()
    args = {"metric": plays, "channel": channel(plays), "place": place()}
    services.record_tally(day=DAY, count=5, **args)
    services.record_tally(day=DAY + datetime.timedelta(days=1), count=7, **args)
    whole_week = services.approve_period(start=DAY, end=DAY + datetime.timedelta(days=6))
    services.approve_period(start=DAY, end=DAY)
    services.revoke_approval(whole_week, user=approver, reason="recount the week")
    assert public_total() == 5
    with pytest.raises(services.LockedPeriodError):
        services.record_tally(day=DAY, count=1, **args)


@pytest.mark.parametrize("write", ["record", "change", "import", "derive"])
def test_every_write_makes_a_figure_unapproved(write):

    if write == "derive":
        services.derive_tallies("attendance", [attendance(DAY, 60)])
        tally = Tally.objects.get(metric__code="attendance")
    else:
        leaflets = metric("leaflets", "copies")
        tally, _ = services.record_tally(
            metric=leaflets, channel=channel(leaflets, "truck"), place=place(), day=DAY, count=5
        )
    # As an approval deleted before revoking existed left it: approved, no approval.
    Tally.objects.update(approved=True)
    if write == "record":
        services.record_tally(
            metric=tally.metric, channel=tally.channel, place=tally.place, day=DAY, count=6
        )
    elif write == "change":
        services.change_tally(tally, count=6)
    elif write == "import":
        services.apply_rows(
            [
                ["date", "metric", "channel", "place", "count"],
                [str(DAY), "leaflets", "truck", "澄江街道", "6"],
            ]
        )
    else:
        services.derive_tallies("attendance", [attendance(DAY, 61)])
    tally.refresh_from_db()
    assert tally.count in {6, 61} and not tally.approved


def test_an_approval_may_not_cut_through_a_week_or_month_tally():
    plays = metric()
    args = {"metric": plays, "channel": channel(plays), "place": place()}
    week, _ = services.record_tally(day=DAY, count=70, period_kind="week", **args)  # Mon 3 Aug
    month, _ = services.record_tally(
        day=DAY, count=300, period_kind="month", **{**args, "place": place("南闸街道")}
    )
    with pytest.raises(services.ValidationError) as refused:
        services.approve_period(start=DAY, end=DAY + datetime.timedelta(days=2))
    # The message names the widest period that cuts through nothing.
    assert "2020-08-01" in str(refused.value) and "2020-08-31" in str(refused.value)
    assert not services.locking_period(None, DAY, DAY)
    services.approve_period(start=datetime.date(2020, 8, 1), end=datetime.date(2020, 8, 31))
    week.refresh_from_db()
    month.refresh_from_db()
    # Locked and approved are the same set.
    assert week.approved and month.approved
    assert public_total() == 370
