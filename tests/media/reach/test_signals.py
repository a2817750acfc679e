"""Reach figures follow the one freshness mechanism: the ``reach`` scope."""

import datetime

import pytest

from core import freshness
from media.reach import selectors, services
from media.reach.models import ApprovedPeriod

from .factories import campaign, channel, metric, place

pytestmark = pytest.mark.django_db
DAY = datetime.date(2020, 8, 3)


def test_a_bulk_delete_of_approvals_bumps_once_now_and_once_at_commit(monkeypatch):
    from django.db import connection

    plays = metric()
    args = {"metric": plays, "channel": channel(plays), "place": place()}
    for offset in range(6):
        day = DAY + datetime.timedelta(days=offset)
        services.record_tally(day=day, count=5, **args)
        services.approve_period(start=day, end=day)
    freshness.generation()  # a page was rendered since: the delete must make it stale
    bumped = []
    monkeypatch.setattr(freshness, "_next_generation", bumped.append)
    assert ApprovedPeriod.objects.all().delete()[1]["reach.ApprovedPeriod"] == 6
    assert bumped == ["reach"]
    queued = [
        hook.scope
        for _, hook, _ in connection.run_on_commit
        if isinstance(hook, freshness._CommitBump)
    ]
    assert queued.count("reach") == 1  # the test's one transaction: one bump at its commit


def test_cached_headline_figures_follow_an_approval(home, django_capture_on_commit_callbacks):
    running = campaign(home)
    plays = metric()
    args = {"metric": plays, "channel": channel(plays), "place": place(), "campaign": running}
    services.record_tally(day=DAY, count=1200, **args)
    services.approve_period(start=DAY, end=DAY, campaign=running)
    assert selectors.headline_figures(running)["figures"][0]["total"] == 1200
    with django_capture_on_commit_callbacks(execute=True):
        services.record_tally(day=DAY + datetime.timedelta(days=1), count=300, **args)
        services.approve_period(start=DAY, end=DAY + datetime.timedelta(days=1), campaign=running)
    assert selectors.headline_figures(running)["figures"][0]["total"] == 1500


def test_cached_headline_figures_follow_a_new_target(home):
    """An editor who sets a campaign's target publishes its page: the home page's
    figures show the target at once, though no figure changed (the content scope)."""
    from media.reach.models import CampaignTarget

    running = campaign(home)
    plays = metric()
    args = {"metric": plays, "channel": channel(plays), "place": place(), "campaign": running}
    services.record_tally(day=DAY, count=1200, **args)
    services.approve_period(start=DAY, end=DAY, campaign=running)
    assert selectors.headline_figures(running)["figures"][0]["target"] is None
    running.targets.add(CampaignTarget(metric=plays, target=4800))
    running.save_revision().publish()
    figure = selectors.headline_figures(running)["figures"][0]
    assert (figure["target"], figure["percent"]) == (4800, 25)
