import datetime

import pytest
from django.db import IntegrityError, transaction

from media.reach import services
from media.reach.models import Tally, TallyRevision

from .factories import channel, metric, place

pytestmark = pytest.mark.django_db
DAY = datetime.date(2020, 8, 3)


def test_one_tally_per_key_is_a_database_constraint():
    plays = metric()
    key = {"metric": plays, "channel": channel(plays), "place": place(), "period_start": DAY}
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
    where = place("消防教育馆", kind="venue")
    services.record_tally(
        metric=persons, channel=channel(persons, "camp"), place=where, day=DAY, count=999
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
    assert set(reach) == {"reach: derive tallies", "reach: weekly summary"}
    # Each source runs, or is skipped while its app is not installed: never an error.
    assert set(import_string(reach["reach: derive tallies"])()) == {"attendance", "contest"}
