"""The kept totals under concurrent writes, on PostgreSQL (two connections at once).

Two writers record figures of the same metrics at the same moment, and an approval
races a write. A pause injected around the recompute of the totals (after the rows
are stored, and before the commit) widens the race window. The control runs turn the
write lock off and must break the totals or the approval: that proves the tests can
see the race. With the lock, the kept totals and running figures equal the tallies'
own sums, and no figure inside an approval in force is left unapproved.
"""

import datetime
import threading
import time

import pytest
from django.db import connection, connections

from media.reach import selectors, services
from media.reach.models import ApprovedPeriod, Metric, Tally
from media.reach.services import tallies as tally_services
from media.reach.services import write

from .factories import channel, metric, place
from .kept import (
    assert_same_as_row_by_row,
    running_as_rebuilt,
    sums_kept,
    sums_recomputed,
)

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections at once"),
    pytest.mark.django_db(transaction=True),
]
DAY = datetime.date(2024, 7, 1)
PAUSE = 0.4


@pytest.fixture
def world():
    plays = metric("plays", "plays")
    users = metric("users", "persons", aggregation=Metric.Aggregation.LAST)
    return {
        "plays": (plays, channel(plays)),
        "users": (users, channel(users)),
        "places": [place(f"街道{n}") for n in range(4)],
    }


def slow_recompute(monkeypatch, *, locked):
    """Every write pauses before and after recomputing its totals; without ``locked``
    writes and approvals take no write lock."""
    real = write.refresh_touched

    def paused(touched):
        time.sleep(PAUSE)
        real(touched)
        time.sleep(PAUSE)

    monkeypatch.setattr(write, "refresh_touched", paused)
    if not locked:
        monkeypatch.setattr(write, "write_lock", lambda: None)
        monkeypatch.setattr(tally_services, "write_lock", lambda: None)


def together(*jobs, delays=None):
    """Run each job in its own thread and connection, started at once (each after its
    delay); returns the errors raised."""
    start, errors = threading.Barrier(len(jobs)), []

    def run(job, delay):
        start.wait()
        time.sleep(delay)
        try:
            job()
        except Exception as error:  # noqa: BLE001 - reported to the caller
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(job, delay))
        for job, delay in zip(jobs, delays or [0] * len(jobs), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


def writer(world, places, count):
    """A batch of figures of both metrics on the same three days, at ``places``."""
    rows = [
        services.TallyRow(
            metric_id=m.pk,
            channel_id=c.pk,
            place_id=p.pk,
            day=DAY + datetime.timedelta(days=offset),
            count=count + offset,
        )
        for m, c in (world["plays"], world["users"])
        for p in places
        for offset in range(3)
    ]
    return lambda: services.write_tallies(rows, source=Tally.Source.ENTERED)


def totals_right():
    return sums_kept() == sums_recomputed() and running_as_rebuilt()


@pytest.mark.parametrize("locked", [False, True], ids=["control-without-lock", "locked"])
def test_two_writers_of_the_same_metrics_keep_the_totals_right(world, monkeypatch, locked):
    services.record_tally(  # totals to recompute already exist on these days
        metric=world["plays"][0], channel=world["plays"][1], place=world["places"][3],
        day=DAY, count=1,
    )  # fmt: skip
    slow_recompute(monkeypatch, locked=locked)
    places = world["places"]
    errors = together(writer(world, places[:2], 10), writer(world, places[2:3], 100))
    assert errors == []
    assert Tally.objects.count() == 1 + 2 * 3 * 3
    if not locked:
        assert not totals_right(), "the control run must show the race"
        return
    assert totals_right()
    for qs in (selectors.tallies(), selectors.tallies(public=True)):
        assert_same_as_row_by_row(qs)


@pytest.mark.parametrize("locked", [False, True], ids=["control-without-lock", "locked"])
def test_an_approval_racing_a_write_leaves_nothing_unapproved(world, monkeypatch, locked):
    slow_recompute(monkeypatch, locked=locked)
    end = DAY + datetime.timedelta(days=6)

    def approve():
        services.approve_period(start=DAY, end=end)

    # The write stores its rows first; the approval comes while it recomputes.
    errors = together(writer(world, world["places"][:2], 10), approve, delays=[0, PAUSE / 2])
    assert ApprovedPeriod.objects.in_force().count() == 1
    left_out = Tally.objects.filter(period_start__range=(DAY, end), approved=False)
    if not locked:
        assert errors == []
        assert left_out.exists() or not totals_right(), "the control run must show the race"
        return
    # Locked: the write commits first and the approval approves it, or the approval
    # comes first and the write is refused; either way nothing inside is unapproved.
    assert all(isinstance(e, services.WriteError) for e in errors), errors
    assert not left_out.exists()
    assert totals_right()
    for qs in (selectors.tallies(), selectors.tallies(public=True)):
        assert_same_as_row_by_row(qs)
