"""Tally totals: the tallies summed per metric × channel × campaign × source × approval ×
period, so that dashboards and public pages add up a few thousand rows, not millions;
and for running totals (latest values, which do not add up over time) each key's latest
value and the day-by-day changes of the figure.

Kept by the one write path (``services.totals``), in the transaction of every write to
tallies and of every approval and revocation; never written anywhere else.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from education.models import Place

from .catalogue import Channel, Metric
from .tally import PeriodKind, Tally


class KeptFigure(models.Model):
    """What a kept sum and a kept latest value share: the key's metric, channel,
    campaign, source and approval, and the figure with how many rows make it."""

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(
        "reach.CampaignPage", null=True, on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField(max_length=10, choices=Tally.Source.choices)
    approved = models.BooleanField()
    total = models.PositiveBigIntegerField()
    rows = models.PositiveIntegerField()
    # How many of the rows are approximate or "at least": a total is as weak as its
    # weakest row, and counts (unlike a minimum) stay right when rows change or go.
    approximate = models.PositiveIntegerField()
    at_least = models.PositiveIntegerField()

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.metric_id} {self.period_start:%Y-%m-%d}: {self.total}"


class TallyTotal(KeptFigure):
    period_kind = models.CharField(max_length=5, choices=PeriodKind.choices)
    period_start = models.DateField()
    period_end = models.DateField()

    class Meta:
        verbose_name = _("tally total")
        verbose_name_plural = _("tally totals")
        indexes = [
            models.Index(fields=["metric", "period_start"], name="reach_total_metric_idx"),
            models.Index(
                fields=["campaign", "metric", "period_start"], name="reach_total_camp_idx"
            ),
        ]


class RunningValue(KeptFigure):
    """A running-total metric's latest figure (``Metric.aggregation == "last"``) per
    metric × channel × place × campaign × source × approval: the tallies on the latest
    period start of that key, summed. A few hundred rows stand for every running total.

    Kept by the one write path with ``TallyTotal`` (``services.running``).
    """

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField()

    class Meta:
        verbose_name = _("running total's latest value")
        verbose_name_plural = _("running totals' latest values")
        indexes = [models.Index(fields=["metric", "campaign"], name="reach_running_value_idx")]


class RunningChange(models.Model):
    """How much a running-total metric's figure changed on one day, per channel, summed
    over places: the sum of these up to a day is the figure on that day (each place's
    latest value), so a series reads a row per day, not a row per place and day.

    Unlike sums, latest values of different campaigns, sources or approvals do not add
    up (a place's latest figure may be another campaign's), so the changes are kept
    for each way the figures are read: per campaign or over all (``all_campaigns``),
    per source or over all (``source`` empty), approved or not, or both (``approved``
    empty). A day with figures but no change keeps a row of 0: the series shows it.
    """

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    all_campaigns = models.BooleanField()
    campaign = models.ForeignKey(
        "reach.CampaignPage", null=True, on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField(max_length=10, blank=True)
    approved = models.BooleanField(null=True)
    day = models.DateField()
    change = models.BigIntegerField()

    class Meta:
        verbose_name = _("running total's change")
        verbose_name_plural = _("running totals' changes")
        indexes = [
            models.Index(fields=["metric", "day"], name="reach_running_change_idx"),
            models.Index(
                fields=["campaign", "all_campaigns", "metric", "day"],
                name="reach_running_camp_idx",
            ),
        ]

    def __str__(self):
        return f"{self.metric_id} {self.day:%Y-%m-%d}: {self.change:+}"
