"""Printed and played material that carries a QR code, and the scans it brings in.

A material is one leaflet batch, poster, screen slot, truck session, event stand or
school talk. Its quantity (copies printed, plays booked) is part of the distributed
figure of its channel, place and day: ``services.materials`` writes it into that tally
through the write path. Its short code makes the URL ``/q/<code>/`` printed as a QR
code; scans of it are kept per day in ``ScanCount`` (numbers only: nobody who
scanned is recorded anywhere).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from education.models import Place

from .catalogue import Channel

# Short codes: no 0/o, 1/l/i, so a code read out or typed from paper is unambiguous.
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 6


class Material(models.Model):
    """One piece (or batch) of outreach material with its QR code."""

    class Kind(models.TextChoices):
        LEAFLET = "leaflet", _("leaflet batch")
        POSTER = "poster", pgettext_lazy("material kind", "poster")
        SCREEN = "screen", _("screen slot")
        TRUCK = "truck", _("publicity-truck session")
        STAND = "stand", _("event stand")
        TALK = "talk", _("school talk")

    code = models.CharField(_("short code"), max_length=12, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    label = models.CharField(
        _("label"),
        max_length=60,
        help_text=_("Printed under each QR code, e.g. 电动车安全充电 · 华士镇."),
    )
    campaign = models.ForeignKey(
        "reach.CampaignPage",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="materials",
    )
    channel = models.ForeignKey(
        Channel,
        verbose_name=_("channel"),
        on_delete=models.PROTECT,
        related_name="materials",
        help_text=_("Where its copies or plays are counted, e.g. 宣传资料发放 · 宣传车巡回."),
    )
    place = models.ForeignKey(
        Place, verbose_name=_("place"), on_delete=models.PROTECT, related_name="materials"
    )
    target_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page it leads to"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Any page: a guide, the camp, a booking list, the campaign."),
    )
    quantity = models.PositiveIntegerField(
        _("quantity"),
        null=True,
        blank=True,
        help_text=_("Copies printed or plays booked; added to the channel's figure."),
    )
    # The part of ``quantity`` already written into the tally (services.materials).
    quantity_counted = models.PositiveIntegerField(default=0, editable=False)
    counted_day = models.DateField(null=True, editable=False)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True)
    retired = models.BooleanField(
        _("retired"),
        default=False,
        help_text=_("A retired code is no longer counted; its scans land on the campaign."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="reach_material_dates_ordered",
            )
        ]

    def __str__(self):
        return f"{self.label} ({self.code})"

    def get_scan_path(self):
        from django.urls import reverse

        return reverse("reach_scan", args=[self.code])


class ScanCount(models.Model):
    """Scans of one material on one day, folded from the cache's counters.

    ``seen`` is the cache counter's value at the last fold and ``epoch`` the cache's
    lifetime it belonged to: a fold adds only what the counter gained since, so a fold
    run twice adds nothing twice (``services.scans``).
    """

    material = models.ForeignKey(
        Material, verbose_name=_("material"), on_delete=models.PROTECT, related_name="scans"
    )
    day = models.DateField(pgettext_lazy("reach period", "day"))
    count = models.PositiveIntegerField(_("scans"), default=0)
    seen = models.PositiveIntegerField(default=0, editable=False)
    epoch = models.CharField(max_length=32, blank=True, editable=False)

    class Meta:
        ordering = ["-day", "material_id"]
        verbose_name = _("scans of a day")
        verbose_name_plural = _("scans per day")
        constraints = [
            models.UniqueConstraint(fields=["material", "day"], name="reach_scan_one_per_day")
        ]

    def __str__(self):
        return f"{self.material.code} {self.day:%Y-%m-%d}: {self.count}"
