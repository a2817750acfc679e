"""The fold: cache counters → ScanCount rows → derived scans tallies, exactly once."""

import datetime

import pytest
from django.core.cache import caches
from django.utils import timezone

from media.reach import scans, services
from media.reach.models import ScanCount, Tally

from .factories import campaign, material

pytestmark = pytest.mark.django_db


def bump(item, times, day=None):
    key = scans.counter_key(item.pk, day or timezone.localdate())
    cache = caches["ratelimit"]
    cache.add(key, 0, None)
    cache.incr(key, times)


def scans_tally():
    return Tally.objects.filter(metric__code="scans")


def test_the_fold_writes_counts_and_a_derived_scans_tally(home):
    item = material(home)
    bump(item, 5)
    result = services.fold_scans()
    assert result["scans"] == 5
    assert ScanCount.objects.get(material=item).count == 5
    tally = scans_tally().get()
    assert (tally.count, tally.source, tally.place_id) == (5, "derived", item.place_id)
    assert tally.channel.code == "leaflet"


def test_folding_twice_or_after_a_crash_never_counts_twice(home, monkeypatch):
    item = material(home)
    bump(item, 3)
    services.fold_scans()
    services.fold_scans()
    assert ScanCount.objects.get(material=item).count == 3
    bump(item, 2)

    # A crash in the middle of the fold (after the rows, at the tally write).
    def crash(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr("media.reach.services.scans.write_tallies", crash)
    with pytest.raises(RuntimeError):
        services.fold_scans()
    monkeypatch.undo()
    assert ScanCount.objects.get(material=item).count == 3
    services.fold_scans()
    services.fold_scans()
    assert ScanCount.objects.get(material=item).count == 5
    assert scans_tally().get().count == 5


def test_a_cache_restart_keeps_folded_scans_and_counts_the_new_ones(home):
    item = material(home)
    bump(item, 7)
    services.fold_scans()
    caches["ratelimit"].clear()  # a restart: counters and the epoch are gone
    bump(item, 2)
    services.fold_scans()
    assert ScanCount.objects.get(material=item).count == 9
    assert scans_tally().get().count == 9


def test_a_stale_read_never_moves_the_fold_backwards(home, monkeypatch):
    item = material(home)
    bump(item, 4)
    services.fold_scans()
    key = scans.counter_key(item.pk, timezone.localdate())
    caches["ratelimit"].set(key, 2, None)  # a fold that read earlier commits later
    services.fold_scans()
    caches["ratelimit"].set(key, 6, None)
    services.fold_scans()
    assert ScanCount.objects.get(material=item).count == 6


def test_yesterdays_late_scans_are_folded_into_yesterday(home):
    item = material(home)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    bump(item, 1, yesterday)
    services.fold_scans()
    assert ScanCount.objects.get(material=item).day == yesterday


def test_scans_inside_the_campaign_count_for_it(home):
    today = timezone.localdate()
    page = campaign(
        home, start=today - datetime.timedelta(days=3), end=today + datetime.timedelta(days=3)
    )
    item = material(home, campaign_page=page, start_date=today)
    bump(item, 2)
    services.fold_scans()
    assert scans_tally().get().campaign_id == page.pk


def test_scans_cannot_be_typed_in(home):
    from media.reach.services.write import derived_metric_codes

    assert "scans" in derived_metric_codes()


def test_a_materials_quantity_goes_into_the_tally_and_moves_with_it(home):
    from media.reach.models import Place, TallyRevision

    item = material(home, quantity=300)
    tally = Tally.objects.get(metric__code="leaflets")
    assert tally.count == 300
    item.quantity = 500
    services.save_material(item)
    assert Tally.objects.get(metric__code="leaflets").count == 500
    item.place = Place.objects.create(name="华士镇", kind=Place.Kind.TOWN, parent=None)
    services.save_material(item)
    rows = Tally.objects.filter(metric__code="leaflets")
    assert [(t.place.name, t.count) for t in rows] == [("华士镇", 500)]
    assert TallyRevision.objects.filter(reason=f"material {item.code}").count() >= 3
