"""What closing entries and publishing results will do, shown to contest staff before
they confirm (media/contest/admin_views.py). The changes themselves, and their undo,
are services (media/contest/services.py)."""

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from .messages import award_sms
from .models import ContestPage, Entry
from .services import UNDO_WINDOW, awarded_entries, reopen_blocker, unpublish_blocker


@dataclass
class StageImpact:
    stage: str
    undo_minutes: int
    days_early: int = 0
    awaiting_moderation: int = 0
    approved: int = 0
    awards: list = field(default_factory=list)  # (label, count)
    not_awarded: int = 0
    messages: int = 0
    sample_sms: str = ""
    messages_at: object = None


def impact(contest, stage, now=None):
    """The consequences of ``stage`` ("judging" or "publish") for this contest, now."""
    now = now or timezone.now()
    entries = Entry.objects.filter(contest=contest)
    counts = dict(entries.values_list("status").annotate(n=Count("pk")))
    result = StageImpact(
        stage=stage,
        undo_minutes=int(UNDO_WINDOW.total_seconds() // 60),
        awaiting_moderation=counts.get(Entry.Status.SUBMITTED, 0),
        approved=counts.get(Entry.Status.APPROVED, 0),
    )
    if stage == "judging":
        if contest.closes_at > now:
            result.days_early = (contest.closes_at - now).days
        return result
    awarded = awarded_entries(contest).select_related("contest")
    by_award = dict(awarded.values_list("award").annotate(n=Count("pk")))
    result.awards = [
        (label, by_award[value]) for value, label in Entry.Award.choices if value in by_award
    ]
    result.not_awarded = result.approved - sum(by_award.values())
    texted = awarded.exclude(guardian_phone="").order_by("pk")
    result.messages = texted.count()
    first = texted.first()
    if first is not None:
        result.sample_sms = award_sms(first)
    result.messages_at = now + UNDO_WINDOW
    return result


def is_known_stage(stage, contest):
    """The stage change offered from this contest's current stage, or False."""
    return (stage, contest.status) in {
        ("judging", ContestPage.Status.OPEN),
        ("publish", ContestPage.Status.JUDGING),
    }


def undo_on_offer(contest):
    """The undo on offer for the contest's last stage change: (action, until) or None."""
    if contest.status == ContestPage.Status.JUDGING and not reopen_blocker(contest):
        return ("reopen", contest.entries_closed_at + UNDO_WINDOW)
    if contest.status == ContestPage.Status.RESULTS_PUBLISHED and not unpublish_blocker(contest):
        return ("unpublish", contest.results_published_at + UNDO_WINDOW)
    return None
