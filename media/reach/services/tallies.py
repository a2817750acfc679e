"""Entering, correcting, deleting, approving tallies and revoking approvals.

Tallies an approval in force overlaps are locked: these functions refuse to create,
change or delete them. An approval locks and approves the same tallies: it may not cut
through a week or month tally. Any write to a tally makes it unapproved again, so a
changed figure is never public until someone approves it. Every change of a count is
kept as a TallyRevision.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ApprovedPeriod, Place, Tally, TallyRevision
from ..models.tally import normalise_period_start, period_end
from ..signals import figures_changed

CITY = "江阴市"


class LockedPeriodError(ValidationError):
    pass


def locking_period(campaign_id, start, end):
    """The approved period that locks tallies of this campaign between start and end."""
    return (
        ApprovedPeriod.objects.in_force()
        .filter(start__lte=end, end__gte=start)
        .filter(Q(campaign__isnull=True) | Q(campaign_id=campaign_id))
        .first()
    )


def _covered(start, end, campaign_id):
    """Tallies an approval of (start, end, campaign) covers: those overlapping it."""
    q = Q(period_start__lte=end, period_end__gte=start)
    if campaign_id is not None:
        q &= Q(campaign_id=campaign_id)
    return q


def covered_by(period):
    """A filter for the tallies an approval covers (locks, and approves while in force)."""
    return _covered(period.start, period.end, period.campaign_id)


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
    tally.approved = False
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
    tally.approved = False
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


def tallies_cut_by(start, end, campaign=None):
    """Tallies that overlap start–end without lying inside it (a week or a month
    crossing its edge), first the earliest."""
    return (
        Tally.objects.filter(_covered(start, end, campaign.pk if campaign else None))
        .filter(Q(period_start__lt=start) | Q(period_end__gt=end))
        .order_by("period_start", "pk")
    )


def check_approvable(*, start, end, campaign=None):
    """Refuse a period that would lock a tally it does not approve (one cut at an edge)."""
    if end < start:
        raise ValidationError({"end": _("The period cannot end before it starts.")})
    cut = tallies_cut_by(start, end, campaign)
    first = cut.select_related("metric", "channel", "place").first()
    if first is None:
        return
    # Suggest the smallest period that cuts through nothing (a widened edge may meet
    # another long tally, so widen until it stops growing).
    wide_start, wide_end = start, end
    while (found := tallies_cut_by(wide_start, wide_end, campaign)).exists():
        edges = found.aggregate(first=Min("period_start"), last=Max("period_end"))
        wide_start, wide_end = min(wide_start, edges["first"]), max(wide_end, edges["last"])
    raise ValidationError(
        _(
            "This period cuts through %(count)s tallies counted by week or month, e.g. "
            "%(tally)s (%(first)s – %(last)s). Approve %(start)s – %(end)s instead, so that "
            "every figure locked is also approved."
        )
        % {
            "count": cut.count(),
            "tally": _describe(first),
            "first": f"{first.period_start:%Y-%m-%d}",
            "last": f"{first.period_end:%Y-%m-%d}",
            "start": f"{wide_start:%Y-%m-%d}",
            "end": f"{wide_end:%Y-%m-%d}",
        }
    )


@transaction.atomic
def approve_period(*, start, end, campaign=None, user=None, note=""):
    """Approve and lock the figures between start and end (of one campaign, or all).

    The tallies approved are exactly those the approval locks; a period cutting
    through a week or month tally is refused (``check_approvable``).
    """
    check_approvable(start=start, end=end, campaign=campaign)
    period = ApprovedPeriod.objects.create(
        campaign=campaign, start=start, end=end, note=note, approved_by=user
    )
    Tally.objects.filter(_covered(start, end, period.campaign_id)).update(approved=True)
    return period


@transaction.atomic
def revoke_approval(period, *, user, reason):
    """Withdraw an approval: its figures leave the public pages and can be edited again.

    Only someone allowed to revoke approvals may; the approval is kept with who
    revoked it, when and why. Tallies another approval in force still covers stay
    approved. Returns the number of tallies no longer approved.
    """
    if user is None or not user.has_perm("reach.revoke_approvedperiod"):
        raise PermissionDenied(_("You may not revoke approvals."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the approval is revoked.")})
    period = ApprovedPeriod.objects.select_for_update().get(pk=period.pk)
    if period.revoked:
        raise ValidationError(_("This approval was already revoked."))
    period.revoked_at, period.revoked_by, period.revoke_reason = timezone.now(), user, reason[:300]
    period.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    still = Q(pk__in=[])
    for other in ApprovedPeriod.objects.in_force().filter(
        start__lte=period.end, end__gte=period.start
    ):
        still |= _covered(other.start, other.end, other.campaign_id)
    withdrawn = (
        Tally.objects.filter(_covered(period.start, period.end, period.campaign_id), approved=True)
        .exclude(still)
        .update(approved=False)
    )
    figures_changed()  # a queryset update sends no model signals
    return withdrawn


def city():
    place, _created = Place.objects.get_or_create(
        name=CITY, parent=None, defaults={"kind": Place.Kind.CITY}
    )
    return place
