"""Keeping the running totals' latest values and daily changes equal to the tallies.

A running-total metric (``Metric.aggregation == "last"``) is read as each channel ×
place's latest figure: the tallies on the latest period start, summed (the selectors'
rule, ``selectors._latest_rows``). ``RunningValue`` keeps that figure per channel ×
place × campaign × source × approval; ``RunningChange`` keeps, per day, how much the
figure summed over places changed, for each way the figures are read (``LEVELS``).

As with the sums (``totals``), nothing is adjusted by a difference: a write that
touched a metric from a day on recomputes that metric's figures from that day, from
the tallies, in the write's own transaction and under its lock. The days before are
left as they are: a figure on a day depends only on the tallies up to that day.
"""

import itertools
from collections import defaultdict

from django.apps import apps as global_apps
from django.db.models import Max

# A tally's key below its metric, in RunningValue's order.
KEY = ("channel", "place", "campaign", "source", "approved")
# The ways the changes are kept: (per campaign, per source, per approval); False: over all.
LEVELS = tuple(itertools.product((True, False), repeat=3))
ALL_CAMPAIGNS = "all"  # stands for "any campaign" in a level's key (None is "no campaign")
LAST = "last"  # Metric.Aggregation.LAST, spelled out for the migration's historical models


def _models(apps):
    return [apps.get_model("reach", name) for name in ("Metric", "Tally", "RunningValue",
                                                       "RunningChange")]  # fmt: skip


def refresh_running(since, *, apps=global_apps):
    """Recompute the running figures of each metric in ``since`` ({metric id: the first
    day a write touched, or None: every day}); a metric that is not a running total
    keeps none."""
    if not since:
        return
    metric_model, tally_model, value_model, change_model = _models(apps)
    running = set(
        metric_model.objects.filter(pk__in=list(since), aggregation=LAST).values_list(
            "pk", flat=True
        )
    )
    others = [pk for pk in since if pk not in running]
    if others:
        value_model.objects.filter(metric__in=others).delete()
        change_model.objects.filter(metric__in=others).delete()
    for metric_id in sorted(running):
        _refresh_metric(metric_id, since[metric_id], tally_model, value_model, change_model)


def _figure(start):
    return [start, 0, 0, 0, 0]  # period start, total, rows, approximate, at least


def _add(figure, count, qualifier):
    figure[1] += count
    figure[2] += 1
    figure[3] += qualifier == "approximate"
    figure[4] += qualifier == "at_least"


def _latest_before(tallies, first):
    """Each key's figure on its latest period start before ``first``."""
    before = tallies.filter(period_start__lt=first)
    latest = {
        tuple(row[f] for f in KEY): row["latest"]
        for row in before.values(*KEY).annotate(latest=Max("period_start"))
    }
    state = {}
    candidates = before.filter(period_start__in=set(latest.values()))
    for start, *key, count, qualifier in candidates.values_list(
        "period_start", *KEY, "count", "qualifier"
    ):
        key = tuple(key)
        if latest[key] == start:
            _add(state.setdefault(key, _figure(start)), count, qualifier)
    return state


def _group(level, key):
    """The key of ``level`` that a tally's ``key`` falls in: (level, channel, place,
    campaign or ALL_CAMPAIGNS, source or "", approved or None)."""
    channel, place, campaign, source, approved = key
    by_campaign, by_source, by_approval = level
    return (
        level,
        channel,
        place,
        campaign if by_campaign else ALL_CAMPAIGNS,
        source if by_source else "",
        approved if by_approval else None,
    )


def _level_values(state):
    """Each level key's figure from the keys' latest figures: the latest start wins,
    figures on the same start add up."""
    best = {}
    for key, (start, total, *_qualifiers) in state.items():
        for level in LEVELS:
            group = _group(level, key)
            found = best.get(group)
            if found is None or start > found[0]:
                best[group] = [start, total]
            elif start == found[0]:
                found[1] += total
    return {group: value for group, (_start, value) in best.items()}


def _refresh_metric(metric_id, first, tally_model, value_model, change_model):
    tallies = tally_model.objects.filter(metric_id=metric_id).order_by()
    state = {} if first is None else _latest_before(tallies, first)
    levels = _level_values(state)
    changes = defaultdict(int)
    later = tallies if first is None else tallies.filter(period_start__gte=first)
    rows = later.order_by("period_start").values_list("period_start", *KEY, "count", "qualifier")
    for day, day_rows in itertools.groupby(rows.iterator(chunk_size=5000), key=lambda r: r[0]):
        figures = {}
        for _day, *key, count, qualifier in day_rows:
            _add(figures.setdefault(tuple(key), _figure(day)), count, qualifier)
        state.update(figures)
        values = defaultdict(int)
        for key, figure in figures.items():
            for level in LEVELS:
                values[_group(level, key)] += figure[1]
        for group, value in values.items():
            level, channel, _place, *rest = group
            changes[(level, channel, *rest, day)] += value - levels.get(group, 0)
            levels[group] = value

    value_model.objects.filter(metric_id=metric_id).delete()
    value_model.objects.bulk_create(
        (
            value_model(
                metric_id=metric_id,
                **{
                    f"{f}_id" if f in ("channel", "place", "campaign") else f: v
                    for f, v in zip(KEY, key, strict=True)
                },
                period_start=start,
                total=total,
                rows=n,
                approximate=approximate,
                at_least=at_least,
            )
            for key, (start, total, n, approximate, at_least) in state.items()
        ),
        batch_size=2000,
    )
    stale = change_model.objects.filter(metric_id=metric_id)
    if first is not None:
        stale = stale.filter(day__gte=first)
    stale.delete()
    change_model.objects.bulk_create(
        (
            change_model(
                metric_id=metric_id,
                channel_id=channel,
                all_campaigns=campaign == ALL_CAMPAIGNS,
                campaign_id=None if campaign == ALL_CAMPAIGNS else campaign,
                source=source,
                approved=approved,
                day=day,
                change=change,
            )
            for (_level, channel, campaign, source, approved, day), change in changes.items()
        ),
        batch_size=2000,
    )
