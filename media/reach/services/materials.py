"""Materials: their short codes, and their quantity as part of the distributed figure.

A material's quantity (copies printed, plays booked) belongs to the tally of its
channel, place, campaign and first day, beside whatever else was counted there. Saving
a material moves exactly its own part through the write path: the part counted before
comes off the old key, the new quantity goes onto the new one, in one batch under the
write lock, so a refused write (an approved period, dates outside the campaign) leaves
both the material and the figures as they were.
"""

import secrets

from django.db import transaction

from ..models import Material, Tally
from ..models.material import CODE_ALPHABET, CODE_LENGTH
from .tallies import ValidationError, canonical_campaign
from .write import TallyRow, WriteError, write_lock, write_tallies


def new_code():
    """A fresh random short code (31⁶ ≈ 890 million: unguessable enough for a leaflet)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _stored_count(metric_id, channel_id, place_id, campaign_id, day):
    tally = Tally.objects.filter(
        metric_id=metric_id,
        channel_id=channel_id,
        place_id=place_id,
        campaign_id=campaign_id,
        period_kind="day",
        period_start=day,
    ).first()
    return (tally.count, tally.qualifier) if tally else (0, Tally.Qualifier.EXACT)


def _key_of(channel_id, place_id, campaign_id, day):
    from ..models import Channel

    metric_id = Channel.objects.values_list("metric_id", flat=True).get(pk=channel_id)
    return (metric_id, channel_id, place_id, campaign_id, day)


def _rows(before, after, quantity_before, quantity_after, note):
    """TallyRows moving a material's part from the ``before`` key to the ``after`` key."""
    changes = {}
    if before is not None and quantity_before:
        changes[before] = changes.get(before, 0) - quantity_before
    if after is not None and quantity_after:
        changes[after] = changes.get(after, 0) + quantity_after
    rows = []
    for key, delta in changes.items():
        if not delta:
            continue
        count, qualifier = _stored_count(*key)
        metric_id, channel_id, place_id, campaign_id, day = key
        rows.append(
            TallyRow(
                metric_id=metric_id,
                channel_id=channel_id,
                place_id=place_id,
                campaign_id=campaign_id,
                day=day,
                count=max(0, count + delta) or None,
                qualifier=qualifier,
                note=note,
            )
        )
    return rows


@transaction.atomic
def save_material(material, *, user=None):
    """Save a new or changed material and move its quantity into the figures.

    Raises ValidationError (nothing saved) when the write path refuses the figures.
    """
    write_lock()
    material.campaign = canonical_campaign(material.campaign)
    before = quantity_before = None
    if material.pk is not None:
        stored = Material.objects.select_for_update().get(pk=material.pk)
        quantity_before = stored.quantity_counted
        if stored.counted_day is not None:
            before = _key_of(
                stored.channel_id, stored.place_id, stored.campaign_id, stored.counted_day
            )
    if not material.code:
        # Under the write lock no other material is being saved: a free code stays free.
        material.code = new_code()
        while Material.objects.filter(code=material.code).exists():
            material.code = new_code()
    quantity = material.quantity or 0
    after = _key_of(
        material.channel_id,
        material.place_id,
        material.campaign_id,
        material.start_date,
    )
    rows = _rows(before, after, quantity_before, quantity, note=material.label)
    if rows:
        try:
            write_tallies(
                rows,
                source=Tally.Source.ENTERED,
                user=user,
                reason=f"material {material.code}",
            )
        except WriteError as error:
            raise ValidationError(error.messages) from error
    material.quantity_counted = quantity
    material.counted_day = material.start_date if quantity else None
    if material.created_by_id is None and material.pk is None:
        material.created_by = user
    material.save()
    return material
