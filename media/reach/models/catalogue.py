"""What is counted and through which channel (where: ``education.models.Place``)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.i18n import ENGLISH_HELP, EnglishFields


class Metric(EnglishFields, models.Model):
    """A quantity counted in one unit, e.g. screen plays or smoke detectors installed."""

    class Unit(models.TextChoices):
        PLAYS = "plays", _("plays")
        COPIES = "copies", _("copies")
        ITEMS = "items", pgettext_lazy("reach unit", "items")
        SESSIONS = "sessions", pgettext_lazy("reach unit", "sessions")
        EVENTS = "events", pgettext_lazy("reach unit", "events")
        PERSONS = "persons", _("persons")
        PERSON_TIMES = "person_times", _("person-times")
        ENTERPRISES = "enterprises", _("enterprises")
        DEVICES = "devices", _("devices")
        ENTRIES = "entries", pgettext_lazy("reach unit", "entries")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("sum (a flow: add up the periods)")
        LAST = "last", _("last value (a running total: take the latest)")

    code = models.SlugField(
        _("code"), max_length=40, unique=True, help_text=_("Short code used in CSV imports.")
    )
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(
        _("name in English"), max_length=80, blank=True, help_text=ENGLISH_HELP
    )
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    aggregation = models.CharField(
        _("aggregation"), max_length=4, choices=Aggregation.choices, default=Aggregation.SUM
    )
    counts_people = models.BooleanField(
        _("counts unique people"),
        default=False,
        help_text=_("Only metrics in persons may count people; they add up to 'people reached'."),
    )
    public = models.BooleanField(
        _("shown to the public"), default=True, help_text=_("Show on campaign pages.")
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("metric")
        verbose_name_plural = _("metrics")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(counts_people=False) | models.Q(unit="persons"),
                name="reach_metric_people_in_persons",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.get_unit_display()})"

    def clean(self):
        if self.counts_people and self.unit != self.Unit.PERSONS:
            raise ValidationError(
                {"counts_people": _("Only a metric counted in persons can count people.")}
            )

    @property
    def is_running_total(self):
        return self.aggregation == self.Aggregation.LAST


class Channel(EnglishFields, models.Model):
    """A breakdown of a metric, e.g. bus screens, outdoor big screens, building TV."""

    metric = models.ForeignKey(
        Metric, verbose_name=_("metric"), on_delete=models.CASCADE, related_name="channels"
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(
        _("name in English"), max_length=80, blank=True, help_text=ENGLISH_HELP
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["metric__sort_order", "sort_order", "code"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        constraints = [
            models.UniqueConstraint(fields=["metric", "code"], name="reach_channel_code_unique")
        ]

    def __str__(self):
        return f"{self.metric.name} · {self.name}"
