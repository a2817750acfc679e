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

from education import geography

from ..models import ApprovedPeriod, Tally
from ..signals import figures_changed
from .totals import refresh_days
from .write import PendingCorrection, TallyRow, WriteError, pending_rows, write_lock, write_tallies


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


def _tally_row(tally, **changes):
    return TallyRow(
        metric_id=tally.metric_id,
        channel_id=tally.channel_id,
        place_id=tally.place_id,
        campaign_id=tally.campaign_id,
        period_kind=tally.period_kind,
        day=tally.period_start,
        count=changes.get("count", tally.count),
        qualifier=changes.get("qualifier") or tally.qualifier,
        note=changes.get("note", tally.note) or "",
    )


def _written(function, *args, **kwargs):
    """Call the write path; its rule errors become a ValidationError (LockedPeriodError
    when an approval holds the figure)."""
    try:
        return function(*args, **kwargs)
    except WriteError as error:
        raise (LockedPeriodError if error.locked else ValidationError)(error.messages) from error


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
    if count is None:
        raise ValidationError({"count": _("A count cannot be negative.")})
    row = TallyRow(
        metric_id=metric.pk,
        channel_id=channel.pk,
        place_id=place.pk,
        campaign_id=campaign.pk if campaign else None,
        period_kind=period_kind,
        day=day,
        count=count,
        qualifier=qualifier,
        note=note,
    )
    result = _written(write_tallies, [row], source=source, user=user, reason=reason)
    tally = Tally.objects.get(
        metric=metric,
        channel=channel,
        place=place,
        campaign=campaign,
        period_kind=period_kind,
        period_start=row.start,
    )
    return tally, bool(result.created)


def change_tally(tally, *, count, qualifier=None, note=None, user=None, reason=""):
    """Correct a tally's count (kept in the audit trail)."""
    row = _tally_row(tally, count=count, qualifier=qualifier, note=note)
    _written(write_tallies, [row], source=Tally.Source.ENTERED, user=user, reason=reason)
    return Tally.objects.get(pk=tally.pk)


def delete_tally(tally, *, user=None, reason=""):
    row = _tally_row(tally, count=None)
    _written(write_tallies, [row], source=Tally.Source.ENTERED, user=user, reason=reason)


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
            "tally": str(first),
            "first": f"{first.period_start:%Y-%m-%d}",
            "last": f"{first.period_end:%Y-%m-%d}",
            "start": f"{wide_start:%Y-%m-%d}",
            "end": f"{wide_end:%Y-%m-%d}",
        }
    )


def pending_corrections(*, start=None, end=None, campaign=None):
    """Derived figures changed inside approved periods, waiting for re-approval."""
    qs = PendingCorrection.objects.select_related("metric", "channel", "place", "tally")
    if start is not None and end is not None:
        qs = qs.filter(_covered(start, end, campaign.pk if campaign else None))
    return qs


def _apply_pending(queryset, *, user, reason):
    """Write pending corrections through the write path (an approval is applying them)."""
    for origin, rows in pending_rows(queryset).items():
        write_tallies(
            rows,
            source=Tally.Source.DERIVED,
            origin=origin,
            user=user,
            reason=reason,
            apply_pending=True,
        )


@transaction.atomic
def approve_period(*, start, end, campaign=None, user=None, note=""):
    """Approve and lock the figures between start and end (of one campaign, or all).

    Takes the write lock, so no figure is written while it approves. Pending
    corrections inside the period are applied first: approving a period again is how
    a recomputed figure inside an approval becomes public. The tallies approved are
    exactly those the approval locks; a period cutting through a week or month tally
    is refused (``check_approvable``).
    """
    write_lock()
    campaign = canonical_campaign(campaign)
    check_approvable(start=start, end=end, campaign=campaign)
    _apply_pending(
        pending_corrections(start=start, end=end, campaign=campaign),
        user=user,
        reason=_("applied on approval"),
    )
    period = ApprovedPeriod.objects.create(
        campaign=campaign, start=start, end=end, note=note, approved_by=user
    )
    Tally.objects.filter(_covered(start, end, period.campaign_id)).update(approved=True)
    refresh_days(start, end)
    figures_changed()
    return period


def approval_preview(*, start, end, campaign=None):
    """What approving would make public, computed by approving inside a transaction that
    is rolled back: the public totals afterwards and the pending corrections applied."""
    from .. import selectors

    campaign = canonical_campaign(campaign)
    applied = list(pending_corrections(start=start, end=end, campaign=campaign))
    with transaction.atomic():
        approve_period(start=start, end=end, campaign=campaign)
        public = selectors.tallies(campaign=campaign, public=True)
        figures = selectors.totals_by_metric(public)
        transaction.set_rollback(True)
    return {"campaign": campaign, "figures": figures, "pending": applied}


def canonical_campaign(campaign):
    """The campaign whose figures are kept: the default-locale page, never a copy."""
    return campaign.source_campaign if campaign is not None else None


@transaction.atomic
def revoke_approval(period, *, user, reason):
    """Withdraw an approval: its figures leave the public pages and can be edited again.

    Only someone allowed to revoke approvals may; the approval is kept with who
    revoked it, when and why. Tallies another approval in force still covers stay
    approved. Takes the write lock like every write to figures. Returns the number of
    tallies no longer approved.
    """
    if user is None or not user.has_perm("reach.revoke_approvedperiod"):
        raise PermissionDenied(_("You may not revoke approvals."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the approval is revoked.")})
    write_lock()
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
    refresh_days(period.start, period.end)
    figures_changed()  # a queryset update sends no model signals
    return withdrawn


def city(site=None):
    """Where a figure with no place of its own is counted: the city named in the site
    settings of ``site`` (the default site when not given; ``education/geography.py``
    says which site a figure belongs to)."""
    return geography.require_city(site or geography.default_site())
