"""Tally totals: the tallies summed per metric × channel × campaign × source × approval ×
period, so that dashboards and public pages add up a few thousand rows, not millions.

Kept by the one write path (``services.totals``), in the transaction of every write to
tallies and of every approval and revocation; never written anywhere else.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .catalogue import Channel, Metric
from .tally import PeriodKind, Tally


class TallyTotal(models.Model):
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(
        "reach.CampaignPage", null=True, on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField(max_length=10, choices=Tally.Source.choices)
    approved = models.BooleanField()
    period_kind = models.CharField(max_length=5, choices=PeriodKind.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    total = models.PositiveBigIntegerField()
    rows = models.PositiveIntegerField()
    # How many of the rows are approximate or "at least": a total is as weak as its
    # weakest row, and counts (unlike a minimum) stay right when rows change or go.
    approximate = models.PositiveIntegerField()
    at_least = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("tally total")
        verbose_name_plural = _("tally totals")
        indexes = [
            models.Index(fields=["metric", "period_start"], name="reach_total_metric_idx"),
            models.Index(
                fields=["campaign", "metric", "period_start"], name="reach_total_camp_idx"
            ),
        ]

    def __str__(self):
        return f"{self.metric_id} {self.period_start:%Y-%m-%d}: {self.total}"
