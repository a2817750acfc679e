"""Tallies: one counted figure for a metric, channel, period, place and campaign."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import storage
from education.models import Place

from .catalogue import Channel, Metric


def private_storage():
    """Where import files are kept: the "private" storage, never served by URL."""
    return storage.private_storage


class PeriodKind(models.TextChoices):
    DAY = "day", pgettext_lazy("reach period", "day")
    WEEK = "week", _("week")
    MONTH = "month", _("month")


def period_end(kind, start):
    """The last day of a period that starts on ``start``."""
    if kind == PeriodKind.WEEK:
        return start + datetime.timedelta(days=6)
    if kind == PeriodKind.MONTH:
        next_month = (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return next_month - datetime.timedelta(days=1)
    return start


def normalise_period_start(kind, day):
    """Weeks start on Monday and months on the 1st, so periods of one kind never overlap."""
    if kind == PeriodKind.WEEK:
        return day - datetime.timedelta(days=day.weekday())
    if kind == PeriodKind.MONTH:
        return day.replace(day=1)
    return day


def one_per_key(prefix):
    """One figure per metric, channel, period, place and campaign. Two constraints,
    because a UNIQUE index treats every NULL campaign as different from the others."""
    key = ["metric", "channel", "period_kind", "period_start", "place"]
    return [
        models.UniqueConstraint(
            fields=[*key, "campaign"],
            condition=models.Q(campaign__isnull=False),
            name=f"{prefix}_one_per_campaign_key",
        ),
        models.UniqueConstraint(
            fields=key,
            condition=models.Q(campaign__isnull=True),
            name=f"{prefix}_one_per_key",
        ),
    ]


class Tally(models.Model):
    """A count for one metric × channel × period × place × campaign.

    Periods of one metric are recorded at one granularity where they overlap: the
    services refuse a month tally over days already counted for the same metric,
    channel, place and campaign (and the reverse), so every sum adds each period once.
    """

    class Qualifier(models.TextChoices):
        # Alphabetical order doubles as precedence: Min() over a group gives the
        # qualifier of the whole sum (approximate > at least > exact).
        APPROXIMATE = "approximate", _("approximate")
        AT_LEAST = "at_least", _("at least")
        EXACT = "exact", _("exact")

    class Source(models.TextChoices):
        ENTERED = "entered", _("entered")
        IMPORTED = "imported", _("imported")
        DERIVED = "derived", _("derived")

    metric = models.ForeignKey(
        Metric, verbose_name=_("metric"), on_delete=models.PROTECT, related_name="tallies"
    )
    channel = models.ForeignKey(
        Channel, verbose_name=_("channel"), on_delete=models.PROTECT, related_name="tallies"
    )
    period_kind = models.CharField(
        _("period"), max_length=5, choices=PeriodKind.choices, default=PeriodKind.DAY
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    place = models.ForeignKey(
        Place, verbose_name=_("place"), on_delete=models.PROTECT, related_name="tallies"
    )
    campaign = models.ForeignKey(
        "reach.CampaignPage",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tallies",
    )
    count = models.PositiveBigIntegerField(_("count"))
    qualifier = models.CharField(
        _("qualifier"), max_length=12, choices=Qualifier.choices, default=Qualifier.EXACT
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.ENTERED
    )
    origin = models.CharField(
        _("derived from"),
        max_length=20,
        blank=True,
        help_text=_("For derived tallies: the records they were computed from."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    approved = models.BooleanField(_("approved"), default=False, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        ordering = ["-period_start", "metric_id", "channel_id"]
        verbose_name = _("tally")
        verbose_name_plural = _("tallies")
        constraints = [
            *one_per_key("reach_tally"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="reach_tally_period_ordered",
            ),
        ]
        indexes = [
            # Covers what a campaign's totals, series and breakdowns read, so they scan
            # this index alone, in metric × day order, never the table.
            models.Index(
                fields=[
                    "campaign",
                    "metric",
                    "period_start",
                    "channel",
                    "place",
                    "count",
                    "qualifier",
                    "approved",
                ],
                name="reach_tally_campaign_cover",
            ),
            models.Index(fields=["metric", "period_start"], name="reach_tally_metric_idx"),
            models.Index(fields=["place", "period_start"], name="reach_tally_place_idx"),
        ]

    def __str__(self):
        return f"{self.metric.name} {self.period_start:%Y-%m-%d} {self.place}: {self.count}"

    def save(self, *args, **kwargs):
        self.period_end = period_end(self.period_kind, self.period_start)
        super().save(*args, **kwargs)


class TallyRevision(models.Model):
    """One change to a tally: the audit trail of corrections."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")

    tally = models.ForeignKey(
        Tally,
        verbose_name=_("tally"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="revisions",
    )
    description = models.CharField(_("tally"), max_length=300)
    action = models.CharField(_("action"), max_length=6, choices=Action.choices)
    old_count = models.PositiveBigIntegerField(_("old count"), null=True, blank=True)
    new_count = models.PositiveBigIntegerField(_("new count"), null=True, blank=True)
    old_qualifier = models.CharField(_("old qualifier"), max_length=12, blank=True)
    new_qualifier = models.CharField(_("new qualifier"), max_length=12, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Tally.Source.choices, blank=True)
    file = models.CharField(_("from file"), max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("tally revision")
        verbose_name_plural = _("tally revisions")

    def __str__(self):
        return f"{self.get_action_display()}: {self.description}"


class PendingCorrection(models.Model):
    """A derived figure that changed inside an approved period, waiting for re-approval.

    Derived figures follow their sources, but an approved figure never changes by
    itself: the recompute records the new value here (``count`` empty: the figure would
    disappear) and the next approval of the period applies it.
    """

    tally = models.ForeignKey(
        Tally,
        verbose_name=_("tally"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="pending_corrections",
    )
    metric = models.ForeignKey(Metric, verbose_name=_("metric"), on_delete=models.CASCADE)
    channel = models.ForeignKey(Channel, verbose_name=_("channel"), on_delete=models.CASCADE)
    period_kind = models.CharField(
        _("period"), max_length=5, choices=PeriodKind.choices, default=PeriodKind.DAY
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    place = models.ForeignKey(Place, verbose_name=_("place"), on_delete=models.CASCADE)
    campaign = models.ForeignKey(
        "reach.CampaignPage",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    count = models.PositiveBigIntegerField(_("new count"), null=True, blank=True)
    qualifier = models.CharField(
        _("qualifier"), max_length=12, choices=Tally.Qualifier.choices, default="exact"
    )
    origin = models.CharField(_("derived from"), max_length=20, blank=True)
    at = models.DateTimeField(_("at"), auto_now=True)

    class Meta:
        ordering = ["period_start", "pk"]
        verbose_name = _("pending correction")
        verbose_name_plural = _("pending corrections")
        constraints = [
            *one_per_key("reach_pending"),
        ]

    def __str__(self):
        old = self.tally.count if self.tally_id else "—"
        new = "—" if self.count is None else self.count
        return f"{self.channel} {self.period_start:%Y-%m-%d} {self.place}: {old} → {new}"


class ApprovedPeriodQuerySet(models.QuerySet):
    def in_force(self):
        """Approvals not revoked: only these lock tallies and make them public."""
        return self.filter(revoked_at__isnull=True)


class ApprovedPeriod(models.Model):
    """Figures approved for publication; tallies inside are locked against changes.

    An approval is never deleted: revoking it (``services.revoke_approval``) keeps the
    row with who revoked it, when and why, and takes the figures off the public pages.
    """

    campaign = models.ForeignKey(
        "reach.CampaignPage",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="approved_periods",
        help_text=_("Leave empty to approve the figures of every campaign and of none."),
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoke_reason = models.CharField(_("why it was revoked"), max_length=300, blank=True)

    objects = ApprovedPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["-start"]
        verbose_name = _("approved period")
        verbose_name_plural = _("approved periods")
        permissions = [("revoke_approvedperiod", _("Can revoke an approval"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="reach_approved_ordered"
            )
        ]

    def __str__(self):
        scope = self.campaign.title if self.campaign_id else _("all tallies")
        text = f"{scope}: {self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"
        if self.revoked:
            return _("%(period)s (revoked)") % {"period": text}
        return text

    @property
    def revoked(self):
        return self.revoked_at is not None


class ImportJob(models.Model):
    """An uploaded CSV/XLSX: validated in a dry run, then imported in the background."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("being checked")
        CHECKED = "checked", _("checked, waiting for confirmation")
        INVALID = "invalid", _("has errors")
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("importing")
        DONE = "done", _("imported")
        FAILED = "failed", _("failed, nothing imported")

    UNDER_WAY = (Status.CHECKING, Status.QUEUED, Status.RUNNING)

    file = models.FileField(
        _("file"), upload_to="reach-imports/%Y/%m/", storage=private_storage, blank=True
    )
    filename = models.CharField(_("file name"), max_length=200)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices)
    total = models.PositiveIntegerField(_("rows"), default=0)
    processed = models.PositiveIntegerField(_("rows processed"), default=0)
    created = models.PositiveIntegerField(_("tallies created"), default=0)
    updated = models.PositiveIntegerField(_("tallies changed"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    plan = models.JSONField(
        _("what the import changes"),
        default=dict,
        blank=True,
        help_text=_("The dry run's count per metric: new, changed (old → new), unchanged."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(
        pgettext_lazy("timestamp", "finished at"), null=True, blank=True
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def percent(self):
        return int(100 * self.processed / self.total) if self.total else 0

    @property
    def finished(self):
        return self.status in {self.Status.DONE, self.Status.FAILED, self.Status.INVALID}
