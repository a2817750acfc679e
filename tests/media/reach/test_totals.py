"""The kept totals equal the tallies' sums after every kind of write, and the figures read
from them equal the figures summed row by row."""

import datetime

import pytest
from django.test import TestCase

from core import freshness
from media.reach import selectors, services
from media.reach.models import Metric, RunningChange, RunningValue, Tally, TallyTotal
from media.reach.services.totals import rebuild_totals

from .factories import campaign, channel, metric, place
from .kept import assert_running_as_rebuilt, assert_same_as_row_by_row, sums_kept, sums_recomputed

pytestmark = pytest.mark.django_db
DAY = datetime.date(2020, 7, 20)


def assert_kept(running=None):
    assert sums_kept() == sums_recomputed()
    assert_running_as_rebuilt()
    queries = [
        selectors.tallies(),
        selectors.tallies(public=True),
        selectors.tallies(source=Tally.Source.ENTERED),
    ]
    if running is not None:
        queries += [
            selectors.tallies(campaign=running),
            selectors.tallies(campaign=running, public=True),
            selectors.tallies(campaign=running, source=Tally.Source.IMPORTED, public=True),
        ]
    for qs in queries:
        assert_same_as_row_by_row(qs)


@pytest.fixture
def world(home):
    plays = metric("screen-plays", "plays")
    leaflets = metric("leaflets", "copies")
    users = metric("app-users", "persons", aggregation=Metric.Aggregation.LAST)
    running = campaign(home)
    return {
        "users": users,
        "app": channel(users, "app", "应用"),
        "mini": channel(users, "mini", "小程序"),
        "plays": plays,
        "bus": channel(plays, "bus", "公交车载屏"),
        "leaflets": leaflets,
        "truck": channel(leaflets, "truck", "宣传车巡回"),
        "town": place("澄江街道"),
        "other": place("南闸街道"),
        "campaign": running,
    }


def test_totals_follow_every_kind_of_write(world, django_user_model):
    from django.contrib.auth.models import Permission

    approver = django_user_model.objects.create_user("approver")
    approver.user_permissions.add(Permission.objects.get(codename="revoke_approvedperiod"))
    approver = django_user_model.objects.get(pk=approver.pk)
    plays, bus, town = world["plays"], world["bus"], world["town"]
    args = {"metric": plays, "channel": bus, "place": town, "campaign": world["campaign"]}
    tally, _ = services.record_tally(day=DAY, count=100, **args)
    services.record_tally(day=DAY, count=50, **{**args, "place": world["other"]})
    services.record_tally(
        day=DAY + datetime.timedelta(days=1), count=7, qualifier="at_least", **args
    )
    # Running totals: a campaign's figure and one without campaign on one day of one place
    # add up, a later figure replaces them, another place and channel count beside them.
    users = {"metric": world["users"], "place": town, "channel": world["app"]}
    for offset, count, where in (
        (0, 10, {}), (3, 12, {"campaign": world["campaign"]}), (3, 5, {}),
        (3, 4, {"place": world["other"]}), (9, 30, {}), (9, 7, {"channel": world["mini"]}),
    ):  # fmt: skip
        services.record_tally(day=DAY + datetime.timedelta(offset), count=count,
                              **{**users, **where})  # fmt: skip
    assert_kept(world["campaign"])
    assert TallyTotal.objects.get(period_start=DAY, metric=plays).total == 150

    services.change_tally(tally, count=120, qualifier="approximate")  # change
    assert_kept(world["campaign"])
    services.apply_rows(  # import: a new day and a correction; running totals between
        [
            ["日期", "指标", "渠道", "地点", "数量", "周期", "活动"],
            ["2020-07-27", "leaflets", "truck", "澄江街道", "900", "周", ""],
            [str(DAY), "screen-plays", "bus", "南闸街道", "55", "日", ""],
            ["2020-07-21", "app-users", "app", "澄江街道", "11", "日", "百日攻坚"],
            ["2020-07-21", "app-users", "app", "南闸街道", "2", "日", ""],
        ]
    )
    assert_kept(world["campaign"])
    users_tally = Tally.objects.get(metric=world["users"], period_start=DAY)
    services.change_tally(users_tally, count=9, qualifier="at_least")  # an earlier value
    assert_kept(world["campaign"])
    services.derive_tallies(  # derive
        "attendance",
        [{"day": DAY, "kind": "camp", "place": "消防教育馆", "persons": 60, "sessions": 1}],
    )
    assert_kept(world["campaign"])
    period = services.approve_period(start=DAY, end=DAY + datetime.timedelta(days=1))  # approve
    assert_kept(world["campaign"])
    assert TallyTotal.objects.filter(approved=True).exists()
    services.revoke_approval(period, user=approver, reason="wrong count")  # revoke
    assert_kept(world["campaign"])
    assert not TallyTotal.objects.filter(approved=True).exists()
    services.delete_tally(Tally.objects.get(pk=tally.pk))  # delete
    assert_kept(world["campaign"])
    latest = Tally.objects.get(
        metric=world["users"], channel=world["app"], period_start=DAY + datetime.timedelta(9)
    )
    services.delete_tally(latest)  # a running total's latest value goes: the one before counts
    assert_kept(world["campaign"])
    services.derive_tallies("attendance", [])  # the recompute removes what it derived
    assert_kept(world["campaign"])
    assert not TallyTotal.objects.filter(source=Tally.Source.DERIVED).exists()


def test_running_totals_take_the_latest_value_and_a_place_filter_is_summed_row_by_row(world):
    users, app = world["users"], world["app"]
    for offset, count in ((0, 10), (8, 25)):
        services.record_tally(
            metric=users, channel=app, place=world["town"], day=DAY + datetime.timedelta(offset),
            count=count,
        )  # fmt: skip
    figures = {
        f["metric"].code: f["total"] for f in selectors.totals_by_metric(selectors.tallies())
    }
    assert figures["app-users"] == 25  # the latest value, never 35
    assert RunningValue.objects.get().total == 25
    assert sorted(
        RunningChange.objects.filter(all_campaigns=True, source="", approved=None).values_list(
            "day", "change"
        )
    ) == [(DAY, 10), (DAY + datetime.timedelta(8), 15)]
    by_place = selectors.tallies(place=world["town"])
    assert getattr(by_place, "summary", None) is None
    assert selectors.totals_by_metric(by_place)[0]["total"] == 25
    between = selectors.tallies(start=DAY, end=DAY + datetime.timedelta(3))
    assert getattr(between, "running", None) is None  # latest up to a day: row by row
    assert selectors.totals_by_metric(between)[0]["total"] == 10
    assert_kept()


def test_a_metric_that_becomes_a_running_total_is_read_as_one(world):
    leaflets, truck = world["leaflets"], world["truck"]
    for offset, count in ((0, 10), (8, 25)):
        services.record_tally(
            metric=leaflets, channel=truck, place=world["town"],
            day=DAY + datetime.timedelta(offset), count=count,
        )  # fmt: skip
    assert not RunningValue.objects.exists()
    leaflets.aggregation = Metric.Aggregation.LAST  # the admin's metric form saves it
    leaflets.save()
    assert selectors.totals_by_metric(selectors.tallies())[0]["total"] == 25
    assert_kept()
    leaflets.aggregation = Metric.Aggregation.SUM
    leaflets.save()
    assert not RunningValue.objects.exists() and not RunningChange.objects.exists()
    assert selectors.totals_by_metric(selectors.tallies())[0]["total"] == 35
    assert_kept()


def test_the_backfill_rebuilds_totals_written_around_the_write_path(world):
    services.record_tally(
        metric=world["plays"], channel=world["bus"], place=world["town"], day=DAY, count=5
    )
    Tally.objects.create(
        metric=world["plays"], channel=world["bus"], place=world["other"], period_start=DAY,
        count=8,
    )  # fmt: skip
    assert sums_kept() != sums_recomputed()
    rebuild_totals()
    assert_kept()


def test_only_a_change_to_public_figures_makes_cached_pages_stale(world, monkeypatch):
    bumped = []
    monkeypatch.setattr(freshness, "bump", lambda *scopes: bumped.extend(scopes))
    args = {"metric": world["plays"], "channel": world["bus"], "place": world["town"]}
    with TestCase.captureOnCommitCallbacks(execute=True):
        tally, _ = services.record_tally(day=DAY, count=5, **args)
        services.change_tally(tally, count=6)
        services.derive_tallies(
            "attendance",
            [{"day": DAY, "kind": "camp", "place": "消防教育馆", "persons": 60, "sessions": 1}],
        )
    assert "reach" not in bumped  # nothing approved changed: the public pages are right
    # A figure approved before approvals were kept changes: the public total changes.
    Tally.objects.filter(pk=tally.pk).update(approved=True)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.change_tally(tally, count=7)
    assert "reach" in bumped
    bumped.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.approve_period(start=DAY, end=DAY)
    assert "reach" in bumped
