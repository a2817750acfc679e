"""The approver's next jobs on the admin home: figures entered but not yet approved,
per campaign, and corrections waiting inside approved periods."""

from django.db.models import Count, Max, Min
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.admin_panels import JobsPanel

from .models import PendingCorrection, Tally


def _approval_url(campaign_id, first, last):
    """The approval screen with the campaign and the period filled in."""
    query = {"campaign": campaign_id or "", "start": first.isoformat(), "end": last.isoformat()}
    return reverse("reach_approvals:add") + "?" + urlencode(query)


def figures_to_approve():
    """Each campaign with unapproved figures (its first and last day) and the pending
    corrections, each linking to where it is approved."""
    waiting = (
        Tally.objects.filter(approved=False)
        .values("campaign", "campaign__title")
        .annotate(n=Count("pk"), first=Min("period_start"), last=Max("period_end"))
        .order_by("first", "campaign")
    )
    jobs = [
        (
            ngettext(
                "%(campaign)s: %(n)s figure from %(first)s to %(last)s",
                "%(campaign)s: %(n)s figures from %(first)s to %(last)s",
                row["n"],
            )
            % {
                "campaign": row["campaign__title"] or _("Figures of no campaign"),
                "n": row["n"],
                "first": f"{row['first']:%Y-%m-%d}",
                "last": f"{row['last']:%Y-%m-%d}",
            },
            _approval_url(row["campaign"], row["first"], row["last"]),
        )
        for row in waiting
    ]
    if corrections := PendingCorrection.objects.count():
        jobs.append(
            (
                ngettext(
                    "%(n)s correction inside an approved period waits for re-approval",
                    "%(n)s corrections inside approved periods wait for re-approval",
                    corrections,
                )
                % {"n": corrections},
                reverse("reach_approvals:index"),
            )
        )
    return JobsPanel(
        "figures_to_approve",
        _("Figures to approve"),
        jobs,
        empty=_("No figures wait for approval."),
    )
