"""What is counted, through which channel, and where."""

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


class Place(models.Model):
    """Where outreach happened: district → town → community, or a venue."""

    class Kind(models.TextChoices):
        CITY = "city", _("city")
        DISTRICT = "district", _("district")
        TOWN = "town", _("town or subdistrict")
        COMMUNITY = "community", _("community or village")
        VENUE = "venue", pgettext_lazy("place kind", "venue")

    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        constraints = [
            models.UniqueConstraint(fields=["name", "parent"], name="reach_place_unique"),
            models.UniqueConstraint(
                fields=["name"], condition=models.Q(parent=None), name="reach_place_root_unique"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        parent_kind = self.parent.kind if self.parent_id else None
        if self.kind and parent_kind not in PARENT_KINDS[self.kind]:
            if parent_kind is None:
                message = _("A %(kind)s lies inside another place: choose it.")
            else:
                message = _(
                    "A %(kind)s cannot lie inside %(parent)s. Places go city → district → "
                    "town → community; a venue lies inside any of them."
                )
            raise ValidationError(
                {
                    "parent": message
                    % {
                        "kind": self.get_kind_display(),
                        "parent": self.parent.name if self.parent_id else "",
                    }
                }
            )
        node, seen = self.parent, {self.pk}
        while node is not None:
            if node.pk in seen:
                raise ValidationError({"parent": _("A place cannot be inside itself.")})
            seen.add(node.pk)
            node = node.parent

    def descendant_ids(self):
        """This place's id and every place inside it (a few hundred rows at most)."""
        children = {}
        for pk, parent_id in Place.objects.values_list("pk", "parent_id"):
            children.setdefault(parent_id, []).append(pk)
        ids, todo = [], [self.pk]
        while todo:
            pk = todo.pop()
            ids.append(pk)
            todo.extend(children.get(pk, []))
        return ids


K = Place.Kind
# Which kind of place each kind may lie inside (None: at the top of the tree).
PARENT_KINDS = {
    K.CITY: {None},
    K.DISTRICT: {None, K.CITY},
    K.TOWN: {K.CITY, K.DISTRICT},
    K.COMMUNITY: {K.TOWN},
    K.VENUE: {K.CITY, K.DISTRICT, K.TOWN, K.COMMUNITY},
}
