"""Derived tallies: attendance from bookings and entries from the contest, computed from
their records (never typed in), idempotently.

Each figure belongs to the site of the page its record hangs on (the event's page, the
contest's page; the default site without one, ``education/geography.py``): it is
counted at a place of that site's tree (the session's venue, else the site's city) and
in that site's campaign running on the day.
"""

import logging
from collections import defaultdict
from typing import NamedTuple

from education import geography

from ..models import Channel, Metric, Tally
from .rows import key_fields
from .tallies import city
from .write import TallyRow, write_tallies

logger = logging.getLogger(__name__)


class DerivedMetric(NamedTuple):
    code: str
    name: str
    name_en: str
    unit: str
    counts_people: bool
    sort_order: int = 90


DERIVED_METRICS = {
    # source: {row field: the metric it counts}
    "attendance": {
        "persons": DerivedMetric(
            "attendance", "活动参与人数", "People at booked events", Metric.Unit.PERSONS, True
        ),
        "sessions": DerivedMetric(
            "attendance-sessions",
            "预约活动场次",
            "Booked sessions held",
            Metric.Unit.SESSIONS,
            False,
        ),
    },
    "contest": {
        "entries": DerivedMetric(
            "contest-entries", "绘画作文征集作品", "Contest entries", Metric.Unit.ENTRIES, False
        ),
    },
    # QR scans of materials, folded from the cache by services.scans (not by derive_all).
    "scans": {
        "scans": DerivedMetric(
            "scans", "扫码阅读", "QR code scans", Metric.Unit.PERSON_TIMES, False, sort_order=95
        ),
    },
}


def _both_languages(label):
    """A choice's label as (the site's first language, English)."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        first = str(label)
    with translation.override("en"):
        return first, str(label)


def derived_metric(spec):
    """The metric ``spec`` (a ``DerivedMetric``) counts, made on first use; its English
    name is filled in where an older install has none."""
    metric, created = Metric.objects.get_or_create(
        code=spec.code,
        defaults={
            "name": spec.name,
            "name_en": spec.name_en,
            "unit": spec.unit,
            "counts_people": spec.counts_people,
            "sort_order": spec.sort_order,
        },
    )
    if not created and not metric.name_en:
        metric.name_en = spec.name_en
        metric.save(update_fields=["name_en"])
    return metric


def labelled_channel(metric, code, label=None):
    """The channel of a derived figure, named by its choice's label in both languages
    (营期 / Camp batch, not ``camp_batch``); by its code when it has no label."""
    name, name_en = _both_languages(label) if label is not None else (code, "")
    channel, created = Channel.objects.get_or_create(
        metric=metric, code=code[:40], defaults={"name": name[:80], "name_en": name_en[:80]}
    )
    stale = {}
    if not created and channel.name == channel.code and name != code:
        stale["name"] = name[:80]
    if not created and not channel.name_en and name_en:
        stale["name_en"] = name_en[:80]
    if stale:
        for field, value in stale.items():
            setattr(channel, field, value)
        channel.save(update_fields=list(stale))
    return channel


def _labels(source):
    """{code: label} of the source's kinds or categories."""
    if source == "attendance":
        from events.models import Event

        return dict(Event.Kind.choices)
    from media.contest.models.contest import Category

    return dict(Category.choices)


class _Sites:
    """Each row's site (from its page), and that site's places, campaigns and channels,
    looked up once per derivation rather than once per row."""

    def __init__(self):
        self.by_page, self.places, self.campaigns, self.channels = {}, {}, {}, {}

    def channel(self, metric, code, label):
        key = (metric.pk, code)
        if key not in self.channels:
            self.channels[key] = labelled_channel(metric, code, label)
        return self.channels[key]

    def of_page(self, page_id):
        from wagtail.models import Page

        if page_id not in self.by_page:
            page = Page.objects.filter(pk=page_id).first() if page_id else None
            self.by_page[page_id] = geography.site_of_page(page)
        return self.by_page[page_id]

    def place(self, site, name):
        key = (site.pk if site else None, name)
        if key not in self.places:
            self.places[key] = geography.place_named(site, name) if name else city(site)
        return self.places[key]

    def campaign_on(self, site, day):
        from wagtail.models import Locale

        from ..models import CampaignPage

        key = site.pk if site else None
        if key not in self.campaigns:
            self.campaigns[key] = list(
                CampaignPage.objects.filter(locale=Locale.get_default())
                .filter(geography.page_filter(site))
                .order_by("start_date")
            )
        for campaign in self.campaigns[key]:
            if campaign.runs_on(day):
                return campaign
        return None


def _derived_keys(source, rows):
    """{(metric, channel, place, campaign, day): count} from rows in the contract format."""
    sites = _Sites()
    labels = _labels(source)
    counts = defaultdict(int)
    for field, spec in DERIVED_METRICS[source].items():
        metric = derived_metric(spec)
        for row in rows:
            value = int(row.get(field) or 0)
            if value <= 0:
                continue
            # The event's page, or the contest (a page itself).
            site = sites.of_page(row.get("page_id", row.get("contest_id")))
            if source == "attendance":
                kind = str(row["kind"])
                channel = sites.channel(metric, kind, labels.get(kind))
                place = sites.place(site, str(row["place"] or ""))
            else:
                category = str(row["category"])
                channel = sites.channel(metric, category, labels.get(category))
                place = sites.place(site, "")
            day = row["day"]
            counts[(metric, channel, place, sites.campaign_on(site, day), day)] += value
    return counts


def derive_tallies(source, rows):
    """Make the derived tallies of ``source`` match ``rows`` (idempotent), through the
    write path: its rules decide what is written, skipped (a key someone entered) or
    kept as a pending correction (inside an approved period). Derived figures no
    longer in ``rows`` are removed the same way. Returns counts of what happened.
    """
    if source not in DERIVED_METRICS:
        raise ValueError(f"unknown source {source!r}")
    wanted = _derived_keys(source, rows)
    batch = [
        TallyRow(
            metric_id=metric.pk,
            channel_id=channel.pk,
            place_id=place.pk,
            campaign_id=campaign.pk if campaign else None,
            day=day,
            count=count,
        )
        for (metric, channel, place, campaign, day), count in wanted.items()
    ]
    keys = {(r.metric_id, r.channel_id, r.place_id, r.campaign_id, r.day) for r in batch}
    for tally in Tally.objects.filter(source=Tally.Source.DERIVED, origin=source):
        key = (tally.metric_id, tally.channel_id, tally.place_id, tally.campaign_id)
        if (*key, tally.period_start) not in keys:
            batch.append(TallyRow(**key_fields(tally), day=tally.period_start, count=None))
    result = write_tallies(batch, source=Tally.Source.DERIVED, origin=source, reason=source)
    return {
        "created": result.created,
        "updated": result.updated,
        "deleted": result.deleted,
        "unchanged": result.unchanged,
        "pending": result.pending,
        "skipped": result.skipped,
    }


def derive_attendance_tallies():
    """People who attended booked sessions, as derived tallies."""
    from events.selectors import attendance_for_reach

    return derive_tallies("attendance", attendance_for_reach())


def derive_contest_tallies():
    """Contest entries received, as derived tallies."""
    from media.contest.selectors import entries_for_reach

    return derive_tallies("contest", entries_for_reach())


def derive_all():
    """Run every derivation whose source app is installed; skip (and log) the others."""
    results = {}
    for name, derive in (
        ("attendance", derive_attendance_tallies),
        ("contest", derive_contest_tallies),
    ):
        try:
            results[name] = derive()
        except ImportError as error:
            # Only a source app that is not installed yet is skipped; any other import
            # error is a bug and surfaces.
            if not (error.name or "").startswith(("events", "media.contest")):
                raise
            logger.info("reach: %s source not available yet (%s); skipped", name, error)
            results[name] = None
    return results
