"""Reads: the public gallery, the judges' queue, results with means and z-scores, and
the figures the reach tallies take from the contest."""

import statistics
from collections import defaultdict
from decimal import Decimal

from django.db.models import Case, Count, Q, When
from django.db.models.functions import TruncDate
from django.utils import timezone
from wagtail.models import Locale

from education import geography

from .models import Category, ContestPage, Entry, Score

PUBLIC_FIELDS = (
    "id",
    "contest_id",
    "category",
    "title",
    "display_name",
    "school",
    "grade",
    "essay_text",
    "thumbnail",
    "display_image",
    "image_width",
    "image_height",
    "award",
    "submitted_at",
    "age_group__id",
    "age_group__name",
    "contest__status",
)


def public_entries(contest):
    """Approved entries, with only what the public may see (never guardian fields)."""
    return (
        Entry.objects.filter(contest=contest, status=Entry.Status.APPROVED)
        .select_related("age_group", "contest")
        .only(*PUBLIC_FIELDS)
    )


def gallery(contest, *, category="", age_group="", award="", school=""):
    """The filtered gallery. Unknown filter values simply match nothing extra."""
    entries = public_entries(contest)
    if category in Category.values:
        entries = entries.filter(category=category)
    if age_group.isdigit() and len(age_group) < 12:
        entries = entries.filter(age_group_id=int(age_group))
    if award and contest.results_are_public:
        if award == "any":
            entries = entries.exclude(award="")
        elif award in Entry.Award.values:
            entries = entries.filter(award=award)
    if school:
        entries = entries.filter(school=school[:60])
    if contest.results_are_public:
        # Winners first, highest award first; then everyone else, newest first.
        ranks = [
            When(award=award, then=rank)
            for rank, award in enumerate(Entry.Award.values)
            if award != Entry.Award.NONE
        ]
        rank = Case(*ranks, default=len(Entry.Award.values))
        return entries.order_by(rank, "-submitted_at", "-id")
    return entries.order_by("-submitted_at", "-id")


def gallery_schools(contest):
    return list(
        Entry.objects.filter(contest=contest, status=Entry.Status.APPROVED)
        .order_by("school")
        .values_list("school", flat=True)
        .distinct()
    )


def current_contest(default_locale=None, site=None, candidates=None):
    """The open contest if any, else the one with the latest published results (read in
    the default language's locale; pass it if you hold it, to save looking it up); of
    ``site`` only when given. ``candidates``: ``contest_candidates()`` for the same, if
    the caller keeps them."""
    open_contest, published = candidates or contest_candidates(default_locale, site)
    if open_contest is not None and open_contest.is_accepting_entries():
        return open_contest
    return published


def contest_candidates(default_locale=None, site=None):
    """What ``current_contest`` chooses from: (the latest open contest, the one with the
    latest published results). They change only with pages and the contests' stages, so
    a caller may keep them; whether the open one accepts entries is a matter of the
    clock, and is read at each choice."""
    contests = ContestPage.objects.live().filter(locale=default_locale or Locale.get_default())
    if site is not None:
        contests = contests.filter(geography.page_filter(site))
    open_contest = contests.filter(status=ContestPage.Status.OPEN).order_by("-opens_at").first()
    published = (
        contests.filter(status=ContestPage.Status.RESULTS_PUBLISHED)
        .order_by("-results_published_at")
        .first()
    )
    return open_contest, published


def other_open_call(contest):
    """Another contest accepting entries now, for a closed contest's page to point to
    (a menu item or an old link may lead to last year's contest)."""
    candidates = (
        ContestPage.objects.live()
        .filter(locale_id=contest.locale_id, status=ContestPage.Status.OPEN)
        .exclude(pk=contest.pk)
        .order_by("-opens_at")
    )
    return next((other for other in candidates if other.is_accepting_entries()), None)


def highlights(contest, limit):
    entries = public_entries(contest).filter(category=Category.DRAWING).exclude(thumbnail="")
    if contest.results_are_public:
        entries = entries.exclude(award="").order_by("award", "-submitted_at")
    return list(entries[:limit])


# Judging


# What a judge may know of an entry: the work, its category and age group, and the
# judging code. Not the id (it is in the public entry URL), the name, school, grade or
# guardian, nor the public file names.
BLIND_FIELDS = (
    "id",
    "judging_code",
    "category",
    "title",
    "essay_text",
    "display_image",
    "original",
    "contest_id",
    "age_group__name",
    "age_group__sort_order",
)


def judging_queue(contest, judge):
    """Approved entries of a contest in judging, blind (see BLIND_FIELDS)."""
    entries = (
        Entry.objects.filter(contest=contest, status=Entry.Status.APPROVED)
        .select_related("age_group")
        .only(*BLIND_FIELDS)
        .order_by("category", "age_group__sort_order", "judging_code")
    )
    mine = dict(
        Score.objects.filter(judge=judge, entry__contest=contest).values_list("entry_id", "total")
    )
    return [(entry, mine.get(entry.pk)) for entry in entries]


def blind_entry(judging_code):
    """The approved entry with this judging code in a contest being judged, blind."""
    return (
        Entry.objects.filter(
            judging_code=judging_code,
            status=Entry.Status.APPROVED,
            contest__status=ContestPage.Status.JUDGING,
        )
        .select_related("age_group")
        .only(*BLIND_FIELDS)
        .first()
    )


def next_to_judge(entry, judge):
    """The next entry of the same contest this judge has not scored yet, after ``entry``
    in queue order (then from the start), or None when every entry has their score."""
    queue = [e for e, mine in judging_queue(entry.contest_id, judge) if mine is None]
    queue = [e for e in queue if e.pk != entry.pk]
    if not queue:
        return None
    keys = [(e.category, e.age_group.sort_order, e.judging_code) for e in queue]
    here = (entry.category, entry.age_group.sort_order, entry.judging_code)
    later = [e for e, key in zip(queue, keys, strict=True) if key > here]
    return (later or queue)[0]


# Results


def _zscores(scores, group_of):
    """Each score's z-score among its judge's scores in the same category × age group.

    Results are ranked per category × age group, and a judge may be strict with the
    drawings of the little ones and lenient with the essays of the older ones: pooling a
    judge's scores across groups would carry that difference into each group's ranking.
    ``group_of`` maps an entry id to its (category, age group).
    """
    pools = defaultdict(list)
    for score in scores:
        pools[score.judge_id, group_of[score.entry_id]].append(float(score.total))
    stats = {}
    for key, totals in pools.items():
        mean = statistics.fmean(totals)
        spread = statistics.pstdev(totals) if len(totals) > 1 else 0.0
        stats[key] = (mean, spread)
    result = {}
    for score in scores:
        mean, spread = stats[score.judge_id, group_of[score.entry_id]]
        result[score.pk] = (float(score.total) - mean) / spread if spread else 0.0
    return result


def results(contest):
    """Per category × age group: entries with judges' count, mean, mean z-score, rank.

    When every judge scored the same entries, the mean ranks; when judges scored
    different subsets, each judge's scores in the group are z-normalised first (a
    lenient and a strict judge then count alike) and the mean z-score ranks.
    """
    entries = list(
        Entry.objects.filter(contest=contest, status=Entry.Status.APPROVED)
        .select_related("age_group")
        .only(
            "id",
            "judging_code",
            "category",
            "title",
            "award",
            "grade",
            "age_group__name",
            "age_group__sort_order",
            "contest_id",
        )
    )
    scores = list(Score.objects.filter(entry__in=[e.pk for e in entries]))
    z = _zscores(scores, {e.pk: (e.category, e.age_group_id) for e in entries})
    per_entry = defaultdict(list)
    for score in scores:
        per_entry[score.entry_id].append(score)
    groups = defaultdict(list)
    for entry in entries:
        entry_scores = per_entry.get(entry.pk, [])
        entry.n_scores = len(entry_scores)
        entry.mean = (
            (sum(s.total for s in entry_scores) / len(entry_scores)).quantize(Decimal("0.01"))
            if entry_scores
            else None
        )
        entry.mean_z = (
            round(statistics.fmean(z[s.pk] for s in entry_scores), 3) if entry_scores else None
        )
        entry.judge_ids = frozenset(s.judge_id for s in entry_scores)
        groups[(entry.category, entry.age_group.sort_order or 0, entry.age_group.name)].append(
            entry
        )
    table = []
    for (category, _order, age_name), members in sorted(groups.items()):
        judge_sets = {e.judge_ids for e in members if e.n_scores}
        normalised = len(judge_sets) > 1
        key = "mean_z" if normalised else "mean"
        members.sort(key=lambda e: (getattr(e, key) is None, -(getattr(e, key) or 0), e.pk))
        for rank, entry in enumerate(members, start=1):
            entry.rank = rank if entry.n_scores else None
        table.append(
            {
                "category": Category(category).label,
                "category_value": category,
                "age_group": age_name,
                "normalised": normalised,
                "entries": members,
            }
        )
    return table


# Reach


def entries_for_reach():
    """Entries received per (local submission date, contest, category), for reach tallies.

    Withdrawn and duplicate-flagged entries are not counted.
    """
    rows = (
        Entry.objects.exclude(status__in=[Entry.Status.WITHDRAWN, Entry.Status.DUPLICATE])
        .annotate(day=TruncDate("submitted_at", tzinfo=timezone.get_default_timezone()))
        .values("day", "contest_id", "category")
        .annotate(entries=Count("id"))
        .order_by("day", "contest_id", "category")
    )
    return [
        {
            "day": row["day"],
            "contest_id": row["contest_id"],
            "category": row["category"],
            "entries": row["entries"],
        }
        for row in rows
    ]


# Moderation

CURRENT, CLOSED = "current", "closed"


def contests_with_entries():
    return ContestPage.objects.filter(entries__isnull=False).distinct().order_by("-opens_at")


def in_scope(entries, scope):
    """Entries of the contests chosen: those still open or in judging (``CURRENT``),
    those whose results are published (``CLOSED``: their leftovers), or one contest by id."""
    published = ContestPage.Status.RESULTS_PUBLISHED
    if scope == CLOSED:
        return entries.filter(contest__status=published)
    if scope == CURRENT:
        return entries.exclude(contest__status=published)
    return entries.filter(contest_id=scope)


def awaiting_moderation(scope=CURRENT):
    """Submitted entries, by default of the contests still open or in judging."""
    return in_scope(Entry.objects.filter(status=Entry.Status.SUBMITTED), scope)


def similar_entries(entry, limit=10):
    """Other entries of the same contest that may be the same work: same title and
    school, or the same guardian's phone."""
    same_guardian = Q(guardian_phone=entry.guardian_phone) & ~Q(guardian_phone="")
    return (
        Entry.objects.filter(contest=entry.contest_id)
        .exclude(pk=entry.pk)
        .filter(Q(title=entry.title, school=entry.school) | same_guardian)
        .only("id", "title", "display_name", "status")[:limit]
    )


def left_to_score(judge):
    """Approved entries of contests in judging that ``judge`` has not scored yet."""
    return Entry.objects.filter(
        status=Entry.Status.APPROVED, contest__status=ContestPage.Status.JUDGING
    ).exclude(scores__judge=judge)


def contests_in_judging():
    return ContestPage.objects.filter(
        status=ContestPage.Status.JUDGING, entries__isnull=False
    ).distinct()
