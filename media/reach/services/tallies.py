"""Entering, correcting, deleting and approving tallies.

Tallies inside an approved period are locked: these functions refuse to create,
change or delete them. Every change of a count is kept as a TallyRevision.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from ..models import ApprovedPeriod, Place, Tally, TallyRevision
from ..models.tally import normalise_period_start, period_end

CITY = "江阴市"


class LockedPeriodError(ValidationError):
    pass


def locking_period(campaign_id, start, end):
    """The approved period that locks tallies of this campaign between start and end."""
    return (
        ApprovedPeriod.objects.filter(start__lte=end, end__gte=start)
        .filter(Q(campaign__isnull=True) | Q(campaign_id=campaign_id))
        .first()
    )


def _check_unlocked(campaign_id, start, end):
    period = locking_period(campaign_id, start, end)
    if period is not None:
        raise LockedPeriodError(
            _("These figures were approved (%(period)s) and can no longer be changed.")
            % {"period": f"{period.start:%Y-%m-%d} – {period.end:%Y-%m-%d}"}
        )


def overlapping_other_kind(*, metric, channel, place, campaign, kind, start, end):
    """Tallies of another period kind over the same days: adding both would double count."""
    return Tally.objects.filter(
        metric=metric,
        channel=channel,
        place=place,
        campaign=campaign,
        period_start__lte=end,
        period_end__gte=start,
    ).exclude(period_kind=kind)


def _describe(tally):
    return (
        f"{tally.metric.name} / {tally.channel.name} / {tally.period_start:%Y-%m-%d} "
        f"({tally.get_period_kind_display()}) / {tally.place.name}"
    )[:300]


def _revise(tally, action, *, old=None, user=None, reason=""):
    return TallyRevision.objects.create(
        tally=tally if action != TallyRevision.Action.DELETE else None,
        description=_describe(tally),
        action=action,
        old_count=old[0] if old else None,
        new_count=tally.count if action != TallyRevision.Action.DELETE else None,
        old_qualifier=old[1] if old else "",
        new_qualifier=tally.qualifier if action != TallyRevision.Action.DELETE else "",
        reason=reason[:300],
        user=user,
    )


@transaction.atomic
def record_tally(
    *,
    metric,
    channel,
    place,
    day,
    count,
    period_kind="day",
    campaign=None,
    qualifier=Tally.Qualifier.EXACT,
    note="",
    user=None,
    source=Tally.Source.ENTERED,
    reason="",
):
    """Create the tally for this key, or correct it if it exists; returns (tally, created)."""
    if count is None or int(count) < 0:
        raise ValidationError({"count": _("A count cannot be negative.")})
    if channel.metric_id != metric.pk:
        raise ValidationError({"channel": _("This channel belongs to another metric.")})
    start = normalise_period_start(period_kind, day)
    end = period_end(period_kind, start)
    campaign_id = campaign.pk if campaign else None
    _check_unlocked(campaign_id, start, end)
    if overlapping_other_kind(
        metric=metric,
        channel=channel,
        place=place,
        campaign=campaign,
        kind=period_kind,
        start=start,
        end=end,
    ).exists():
        raise ValidationError(
            _(
                "These days are already counted in a tally of another period length "
                "(day/week/month) for the same metric, channel and place."
            )
        )
    tally = (
        Tally.objects.select_for_update()
        .filter(
            metric=metric,
            channel=channel,
            place=place,
            campaign=campaign,
            period_kind=period_kind,
            period_start=start,
        )
        .first()
    )
    if tally is None:
        tally = Tally.objects.create(
            metric=metric,
            channel=channel,
            place=place,
            campaign=campaign,
            period_kind=period_kind,
            period_start=start,
            count=int(count),
            qualifier=qualifier,
            note=note,
            source=source,
            created_by=user,
        )
        _revise(tally, TallyRevision.Action.CREATE, user=user, reason=reason)
        return tally, True
    if tally.source == Tally.Source.DERIVED and source != Tally.Source.DERIVED:
        raise ValidationError(
            _("This figure is computed from bookings or contest entries and cannot be typed in.")
        )
    old = (tally.count, tally.qualifier)
    tally.count, tally.qualifier, tally.note = int(count), qualifier, note or tally.note
    tally.save()
    if old != (tally.count, tally.qualifier):
        _revise(tally, TallyRevision.Action.UPDATE, old=old, user=user, reason=reason)
    return tally, False


@transaction.atomic
def change_tally(tally, *, count, qualifier=None, note=None, user=None, reason=""):
    """Correct a tally's count (kept in the audit trail)."""
    tally = Tally.objects.select_for_update().get(pk=tally.pk)
    _check_unlocked(tally.campaign_id, tally.period_start, tally.period_end)
    if count is None or int(count) < 0:
        raise ValidationError({"count": _("A count cannot be negative.")})
    old = (tally.count, tally.qualifier)
    tally.count = int(count)
    tally.qualifier = qualifier or tally.qualifier
    if note is not None:
        tally.note = note
    tally.save()
    if old != (tally.count, tally.qualifier):
        _revise(tally, TallyRevision.Action.UPDATE, old=old, user=user, reason=reason)
    return tally


@transaction.atomic
def delete_tally(tally, *, user=None, reason=""):
    _check_unlocked(tally.campaign_id, tally.period_start, tally.period_end)
    _revise(
        tally,
        TallyRevision.Action.DELETE,
        old=(tally.count, tally.qualifier),
        user=user,
        reason=reason,
    )
    tally.delete()


def check_tally_editable(tally):
    """Raise LockedPeriodError if an approved period covers this tally."""
    _check_unlocked(tally.campaign_id, tally.period_start, tally.period_end)


@transaction.atomic
def approve_period(*, start, end, campaign=None, user=None, note=""):
    """Approve and lock the figures between start and end (of one campaign, or all)."""
    if end < start:
        raise ValidationError({"end": _("The period cannot end before it starts.")})
    period = ApprovedPeriod.objects.create(
        campaign=campaign, start=start, end=end, note=note, approved_by=user
    )
    qs = Tally.objects.filter(period_start__gte=start, period_end__lte=end)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    qs.update(approved=True)
    return period


def city():
    place, _created = Place.objects.get_or_create(
        name=CITY, parent=None, defaults={"kind": Place.Kind.CITY}
    )
    return place
