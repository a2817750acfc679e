"""Reach figures, added up once and correctly.

The rules every total here obeys:

- Totals are per metric, so different units are never added together.
- A metric that is a running total (``aggregation == "last"``, e.g. app registrations)
  is never summed over time: each channel × place contributes its latest value.
- "People reached" adds only metrics that count unique people (unit: persons).
- The qualifier of a total is the weakest of its rows: any "approximate" row makes the
  total approximate, otherwise any "at least" row makes it "at least".
- Public figures come from approved tallies only.
- Tallies of one metric never overlap in time (the services enforce it), so summing
  rows of different period kinds counts each day once.
"""

from collections import defaultdict

from django.db.models import Max, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from education import geography

from .buckets import BUCKETS, bucket_of, next_bucket
from .models import CampaignPage, Metric, Place, RunningChange, RunningValue, Tally, TallyTotal

QUALIFIER_ORDER = [q.value for q in Tally.Qualifier]  # approximate < at_least < exact


def format_count(count, qualifier=Tally.Qualifier.EXACT):
    """'2,000+' for at least, '约 2,000' / 'about 2,000' for approximate."""
    number = f"{int(count):,}"
    if qualifier == Tally.Qualifier.AT_LEAST:
        return f"{number}+"
    if qualifier == Tally.Qualifier.APPROXIMATE:
        return _("about %(count)s") % {"count": number}
    return number


def weakest(*qualifiers):
    present = [q for q in qualifiers if q]
    return min(present) if present else Tally.Qualifier.EXACT


def tallies(
    *,
    campaign=None,
    metric=None,
    channel=None,
    place=None,
    source=None,
    start=None,
    end=None,
    public=False,
    metrics=None,
):
    """Tallies filtered for a dashboard or a page; ``place`` includes places inside it.

    The queryset carries ``summary``: the same filters over ``TallyTotal`` (the sums the
    write path keeps), which the totals below add up instead of the rows; and, without
    dates, ``running``: the running totals' kept latest values and daily changes
    (``RunningValue``, ``RunningChange``) for the same filters. A place filter has
    neither (sums are not kept per place); neither has a queryset filtered further,
    since a copy of a queryset does not carry them: both are summed row by row; nor do
    running totals between dates (a latest value up to a day is not kept).
    ``metrics``: every metric by id (``_metrics()``), when the caller has read them.
    """
    conditions = {}
    if campaign is not None:
        conditions["campaign"] = campaign
    if metric is not None:
        conditions["metric"] = metric
    if channel is not None:
        conditions["channel"] = channel
    if source:
        conditions["source"] = source
    if start is not None:
        conditions["period_start__gte"] = start
    if end is not None:
        conditions["period_end__lte"] = end
    if public:
        public_ids = (
            _metric_ids(public=True)
            if metrics is None
            else [pk for pk, metric in metrics.items() if metric.public]
        )
        conditions.update(approved=True, metric__in=public_ids)
    qs = Tally.objects.filter(**conditions)
    if place is not None:
        return qs.filter(place_id__in=place.descendant_ids())
    qs.summary = TallyTotal.objects.filter(**conditions)
    if start is None and end is None:
        qs.running = _Running(conditions, by_campaign=campaign is not None, public=public)
    return qs


class _Running:
    """The running totals the write path keeps for a dashboard's filters (see
    ``services.running``): each key's latest value, and the daily changes kept for
    this way of reading (one campaign or all, one source or all, approved or all)."""

    def __init__(self, conditions, *, by_campaign, public):
        self.latest = RunningValue.objects.filter(**conditions)
        level = {f: v for f, v in conditions.items() if f in ("metric", "channel", "metric__in")}
        level["all_campaigns"] = not by_campaign
        if by_campaign:
            level["campaign"] = conditions["campaign"]
        level["source"] = conditions.get("source", "")
        if public:
            level["approved"] = True
        else:
            level["approved__isnull"] = True
        self.changes = RunningChange.objects.filter(**level)


def _summary(qs):
    """The totals that stand for ``qs`` (see ``tallies``), or None."""
    return getattr(qs, "summary", None)


def _last(qs, field):
    """The latest ``period_start`` or ``period_end`` of the tallies, from their totals
    when kept."""
    summary = _summary(qs)
    return (qs if summary is None else summary).order_by().aggregate(last=Max(field))["last"]


def _metric_ids(**conditions):
    """Ids of the metrics that meet ``conditions``: a list, so that the tally query
    filters on its own column instead of joining the metric to every row (a handful of
    metrics against up to millions of tallies)."""
    return list(Metric.objects.filter(**conditions).values_list("pk", flat=True))


def _flows_and_running(qs, metrics=None):
    """``qs`` split into flows (summed) and running totals (latest value), by metric ids
    read in one query (none when the caller has read ``metrics`` already); then the
    flows' and the running totals' metric ids."""
    ids = defaultdict(list)
    pairs = (
        Metric.objects.values_list("pk", "aggregation")
        if metrics is None
        else ((pk, metric.aggregation) for pk, metric in metrics.items())
    )
    for pk, aggregation in pairs:
        ids[aggregation].append(pk)
    flows, running = ids[Metric.Aggregation.SUM], ids[Metric.Aggregation.LAST]
    return (
        qs.filter(metric__in=flows).order_by(),
        qs.filter(metric__in=running).order_by(),
        flows,
        running,
    )


def _qualifier(approximate, at_least):
    """The qualifier of a kept sum from how many of its rows are approximate or at least."""
    if approximate:
        return Tally.Qualifier.APPROXIMATE
    if at_least:
        return Tally.Qualifier.AT_LEAST
    return Tally.Qualifier.EXACT


def _latest_rows(running, fields):
    """Rows of running-total metrics at the latest period of each metric × channel × place.

    Two cheap queries instead of a correlated subquery: the latest day per group (one
    GROUP BY), then the rows on those days; matched in Python (a few hundred groups).
    """
    latest = {
        (row["metric"], row["channel"], row["place"]): row["latest"]
        for row in running.values("metric", "channel", "place").annotate(latest=Max("period_start"))
    }
    if not latest:
        return []
    candidates = running.filter(period_start__in=set(latest.values())).values(
        "metric", "channel", "place", "period_start", "count", "qualifier", *fields
    )
    return [
        row
        for row in candidates
        if latest.get((row["metric"], row["channel"], row["place"])) == row["period_start"]
    ]


def _kept_latest_rows(latest, fields):
    """``_latest_rows`` from the kept latest values (``RunningValue``): per metric ×
    channel × place the values on the latest start, whichever campaign, source or
    approval they belong to (a few hundred rows, not one per tally)."""
    rows = list(
        latest.order_by().values(
            "metric", "channel", "place", "campaign", "period_start", "total", "approximate",
            "at_least",
        )
    )  # fmt: skip
    newest = {}
    for row in rows:
        key = (row["metric"], row["channel"], row["place"])
        newest[key] = max(newest.get(key, row["period_start"]), row["period_start"])
    return [
        {
            "metric": row["metric"],
            **{f: row[f] for f in fields},
            "count": row["total"],
            "qualifier": _qualifier(row["approximate"], row["at_least"]),
        }
        for row in rows
        if newest[(row["metric"], row["channel"], row["place"])] == row["period_start"]
    ]


def _summed(summary, fields):
    """Sum and weakest qualifier per metric and ``fields`` from the kept totals."""
    rows = summary.values("metric", *fields).annotate(
        sum=Sum("total"), approximate=Sum("approximate"), at_least=Sum("at_least")
    )
    for row in rows:
        qualifier = _qualifier(row["approximate"], row["at_least"])
        yield {"metric": row["metric"], **{f: row[f] for f in fields}, "total": row["sum"],
               "qualifier": qualifier}  # fmt: skip


def _grouped(qs, *fields, metrics=None):
    """Sum and weakest qualifier per metric and ``fields``, summing flows, latest for totals."""
    flows, running, flow_ids, running_ids = _flows_and_running(qs, metrics)
    summary, kept = _summary(qs), getattr(qs, "running", None)
    if kept is None:
        latest = _latest_rows(running, fields)
    else:
        latest = _kept_latest_rows(kept.latest.filter(metric__in=running_ids), fields)
    if summary is not None and set(fields) <= {"channel", "campaign"}:
        rows = list(_summed(summary.filter(metric__in=flow_ids).order_by(), fields))
    else:
        rows = list(
            flows.values("metric", *fields).annotate(total=Sum("count"), qualifier=Min("qualifier"))
        )
    groups = {}
    for row in latest:
        key = (row["metric"], *(row[f] for f in fields))
        group = groups.setdefault(
            key,
            {
                "metric": row["metric"],
                **{f: row[f] for f in fields},
                "total": 0,
                "qualifier": Tally.Qualifier.EXACT,
            },
        )
        group["total"] += row["count"]
        group["qualifier"] = weakest(group["qualifier"], row["qualifier"])
    return rows + list(groups.values())


def _metrics():
    return {m.pk: m for m in Metric.objects.all()}


def _figure(metric, total, qualifier, target=None):
    figure = {
        "metric": metric,
        "total": total,
        "qualifier": qualifier,
        "display": format_count(total, qualifier),
        "unit": metric.get_unit_display(),
        "target": target,
        "percent": None,
        "percent_actual": None,
        "behind": False,
    }
    if target:
        figure["percent_actual"] = int(100 * total / target)
        figure["percent"] = min(100, figure["percent_actual"])
        figure["target_display"] = format_count(target)
        figure["behind"] = total < target
    return figure


def totals_by_metric(qs, targets=None, *, metrics=None, rows=None):
    """One figure per metric (unit-safe), in metric order; targets: {metric_id: target}.

    ``rows``: the same tallies already grouped by metric and something finer
    (``_grouped(qs, "channel")``), added up per metric here instead of read again.
    """
    metrics = metrics or _metrics()
    targets = targets or {}
    found = {}
    for row in _grouped(qs, metrics=metrics) if rows is None else rows:
        total = found.setdefault(row["metric"], {"total": 0, "qualifier": None})
        total["total"] += row["total"]
        total["qualifier"] = weakest(total["qualifier"], row["qualifier"])
    figures = []
    for metric_id in sorted(set(found) | set(targets), key=lambda pk: (metrics[pk].sort_order, pk)):
        row = found.get(metric_id, {"total": 0, "qualifier": Tally.Qualifier.EXACT})
        figures.append(
            _figure(metrics[metric_id], row["total"], row["qualifier"], targets.get(metric_id))
        )
    return figures


def people_reached(qs):
    """Unique people reached: only metrics that count people are added."""
    return _people(totals_by_metric(qs))


def _people(figures):
    """People reached, from the figures per metric (``totals_by_metric``)."""
    figures = [f for f in figures if f["metric"].counts_people]
    total = sum(f["total"] for f in figures)
    qualifier = weakest(*(f["qualifier"] for f in figures))
    return {"total": total, "qualifier": qualifier, "display": format_count(total, qualifier)}


def breakdown(qs, by, *, metrics=None, rows=None):
    """Per metric, the figures by ``by`` ("channel", "place" or "campaign"); ``rows``:
    ``_grouped(qs, by)`` when the caller has it."""
    names = {
        "channel": lambda ids: {
            channel.pk: channel.localized("name")
            for channel in Tally.channel.field.related_model.objects.filter(pk__in=ids).only(
                "pk", "name", "name_en"
            )
        },
        "place": lambda ids: dict(Place.objects.filter(pk__in=ids).values_list("pk", "name")),
        "campaign": lambda ids: dict(
            CampaignPage.objects.filter(pk__in=ids).values_list("pk", "title")
        ),
    }[by]
    metrics = metrics or _metrics()
    rows = _grouped(qs, by, metrics=metrics) if rows is None else rows
    labels = names({row[by] for row in rows})
    grouped = defaultdict(list)
    for row in rows:
        label = labels.get(row[by]) or _("(none)")
        grouped[row["metric"]].append(
            {
                "label": label,
                "total": row["total"],
                "display": format_count(row["total"], row["qualifier"]),
            }
        )
    return [
        {
            "metric": metrics[pk],
            "rows": sorted(grouped[pk], key=lambda r: (-r["total"], str(r["label"]))),
        }
        for pk in sorted(grouped, key=lambda pk: (metrics[pk].sort_order, pk))
    ]


def time_series(qs, bucket="week", *, metrics=None):
    """Per metric, [(bucket start, total)]: flows summed per bucket; running totals
    carried forward (each channel × place's latest value up to the bucket's end) into
    every later bucket up to the last one with figures, so a week without a new count
    shows the total reached so far, not a gap or zero."""
    bucket = bucket if bucket in BUCKETS else "week"
    metrics = metrics or _metrics()
    series = defaultdict(dict)
    # Group by day in the database (fast everywhere; SQLite's week/month truncation runs
    # in Python per row), then fold the days into weeks or months here.
    flows, running, flow_ids, running_ids = _flows_and_running(qs, metrics)
    summary = _summary(qs)
    if summary is not None:
        days = summary.filter(metric__in=flow_ids).order_by()
        days = days.values("metric", "period_start").annotate(total=Sum("total"))
    else:
        days = flows.values("metric", "period_start").annotate(total=Sum("count"))
    last_day = None  # the latest period start of any tally: flows' and running totals'
    for row in days:
        last_day = max(last_day or row["period_start"], row["period_start"])
        start = bucket_of(row["period_start"], bucket)
        series[row["metric"]][start] = series[row["metric"]].get(start, 0) + row["total"]

    totals, kept = defaultdict(int), getattr(qs, "running", None)
    if kept is None:
        changes = _changes_row_by_row(running)
    else:  # the daily changes the write path keeps: a row per channel and day
        changes = (
            kept.changes.filter(metric__in=running_ids)
            .values_list("metric", "day")
            .annotate(change=Sum("change"))
            .order_by("metric", "day")
        )
    for metric_id, day, change in changes:
        totals[metric_id] += change
        series[metric_id][bucket_of(day, bucket)] = totals[metric_id]
        last_day = max(last_day or day, day)

    if totals:
        last = bucket_of(last_day, bucket)
        for metric_id in totals:
            points = series[metric_id]
            moment, value = min(points), None
            while moment <= last:
                value = points.setdefault(moment, value)
                moment = next_bucket(moment, bucket)

    return [
        {"metric": metrics[pk], "points": sorted(series[pk].items())}
        for pk in sorted(series, key=lambda pk: (metrics[pk].sort_order, pk))
    ]


def _changes_row_by_row(running):
    """(metric, day, change) of running totals from the tallies, in order: each day's
    figure of a channel × place (its tallies on that day, added up) replaces the one
    before it."""
    days = (
        running.values_list("metric", "channel", "place", "period_start")
        .annotate(count=Sum("count"))
        .order_by("metric", "period_start")
    )
    current, change = {}, None
    for metric_id, channel_id, place_id, day, count in days.iterator(chunk_size=5000):
        if change is not None and (change[0], change[1]) != (metric_id, day):
            yield tuple(change)
            change = None
        if change is None:
            change = [metric_id, day, 0]
        change[2] += count - current.get((metric_id, channel_id, place_id), 0)
        current[(metric_id, channel_id, place_id)] = count
    if change is not None:
        yield tuple(change)


def campaign_targets(campaign):
    return dict(campaign.targets.values_list("metric_id", "target"))


def campaign_report(campaign, *, public=True, bucket="week"):
    """Everything a campaign page or the dashboard shows for one campaign."""
    # The metrics read once, and the totals added up from the figures by channel: the
    # page's figures, people reached and channels come from one pass over the tallies.
    metrics = _metrics()
    qs = tallies(campaign=campaign, public=public, metrics=metrics)
    by_channel = _grouped(qs, "channel", metrics=metrics)
    figures = totals_by_metric(qs, campaign_targets(campaign), metrics=metrics, rows=by_channel)
    channels = breakdown(qs, "channel", metrics=metrics, rows=by_channel)
    last = _last(qs, "period_end")
    return {
        "campaign": campaign,
        "figures": figures,
        "behind": [f for f in figures if f["behind"]],
        "people": _people(figures),
        "channels": [b for b in channels if len(b["rows"]) > 1],
        "series": time_series(qs, bucket, metrics=metrics),
        "last_day": last,
    }


def headline_figures(campaign, request=None):
    """The approved totals of a campaign for the home page, against its targets.

    Kept as data until they can change (``freshness.kept``): the figures change with the
    ``reach`` generation, the targets with the campaign page (``content``).
    """
    from django.utils.translation import get_language

    from core import freshness

    def added_up():
        qs = tallies(campaign=campaign, public=True)
        return {
            "figures": totals_by_metric(qs, campaign_targets(campaign)),
            "last_day": _last(qs, "period_end"),
        }

    name = f"reach:headline:{campaign.pk}:{get_language()}"
    return freshness.kept(request, name, ("content", "reach"), added_up)


def featured_campaign(public=True, default_locale=None, site=None):
    """The campaign running today, else the one that ended last (default locale; pass it
    if you hold it, to save looking it up); of ``site`` only when given."""
    from wagtail.models import Locale

    today = timezone.localdate()
    campaigns = CampaignPage.objects.live().filter(locale=default_locale or Locale.get_default())
    if site is not None:
        campaigns = campaigns.filter(geography.page_filter(site))
    if public:
        campaigns = campaigns.public()
    return (
        campaigns.filter(start_date__lte=today, end_date__gte=today).first()
        or campaigns.filter(start_date__lte=today).order_by("-end_date").first()
    )
