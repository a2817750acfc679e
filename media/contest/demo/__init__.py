"""The contest's demo content (contest.toml beside this module): last year's contest,
judged with its awards published, and this year's, open now; entries with generated
drawings, all made through the contest services. Idempotent: a contest that exists is
left as it is."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from core import demo

from .. import services
from ..groups import JUDGES, ensure_groups
from ..models import AgeGroup, ConsentNotice, ContestPage, Criterion, Entry
from ..selectors import results
from ..uploads import sanitize_image

DATA = demo.read(__file__, "contest")
S = Entry.Status


def _page(home, data, past):
    fields = {k: v for k, v in data.items() if k not in ("plan", "judged", "seed")}
    fields["intro"] = fields["intro"].replace("{past}", str(past.pk if past else ""))
    fields, _related = demo.model_fields(ContestPage, fields)
    closes_at = fields["closes_at"]
    # Entries come in while the call is open; a past call then gets its real deadline.
    fields["closes_at"] = max(closes_at, timezone.now() + timedelta(hours=1))
    page = ContestPage(**fields, locale=home.locale, search_description=DATA["search_description"])
    for order, (name, low, high) in enumerate(DATA["age_groups"]):
        page.age_groups.add(AgeGroup(name=name, min_grade=low, max_grade=high, sort_order=order))
    for order, (name, description, weight) in enumerate(DATA["criteria"]):
        page.criteria.add(
            Criterion(name=name, description=description, weight=weight, sort_order=order)
        )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page, closes_at


def _submit(contest, notice, category, n, rng):
    """One entry as a guardian submits it, dated within the contest's call."""
    group = list(contest.age_groups.all())[n % 3]
    essay = DATA["essays"][n % len(DATA["essays"])]
    data = {
        "category": category,
        "age_group": group,
        "title": essay["title"]
        if category == "essay"
        else DATA["drawing_titles"][n % len(DATA["drawing_titles"])],
        "essay_text": essay["text"] if category == "essay" else "",
        "display_name": DATA["names"][n % len(DATA["names"])],
        "school": DATA["schools"][n % len(DATA["schools"])],
        "grade": rng.randint(group.min_grade, group.max_grade),
        "guardian_name": f"家长{n:03d}",
        "guardian_phone": f"139{n:08d}",
    }
    drawing = None
    if category == "drawing":
        drawing = sanitize_image(SimpleUploadedFile(f"{n}.png", demo.png(demo.drawing(n))))
    entry, _token = services.submit_entry(
        contest=contest, data=data, notice=notice, drawing=drawing
    )
    days = max(0, min((timezone.now() - contest.opens_at).days - 1, 85))
    when = contest.opens_at + timedelta(days=rng.randint(0, days), hours=rng.randint(0, 10))
    Entry.objects.filter(pk=entry.pk).update(submitted_at=when, consented_at=when)
    return entry


def _moderate(entry, status, approved):
    if status == S.APPROVED:
        services.approve(entry, by=None)
        services.build_renditions(entry.pk)  # now, not when the worker gets to it
        approved.append(entry)
    elif status == S.REJECTED:
        services.reject(entry, by=None, reason=DATA["rejection_reason"])
    elif status == S.DUPLICATE:
        services.flag_duplicate(entry, by=None, of=approved[0])
    elif status == S.WITHDRAWN:
        services.withdraw(entry)


def _judge(contest, approved):
    """Three judges score every approved entry; the best of each age group win awards."""
    User = get_user_model()
    group = ensure_groups()[JUDGES]
    judges = []
    for username in DATA["judges"]:
        user, created = User.objects.get_or_create(
            username=username, defaults={"is_staff": True, "first_name": username[6:]}
        )
        if created:
            user.set_unusable_password()
            user.save()
        user.groups.add(group)
        judges.append(User.objects.get(pk=user.pk))  # fresh permission cache
    contest = services.start_judging(contest)
    criteria = list(contest.criteria.all())
    rng = random.Random(2024)
    for entry in approved:
        quality = rng.randint(4, 9)
        for judge in judges:
            marks = {str(c.pk): max(0, min(10, quality + rng.randint(-1, 1))) for c in criteria}
            services.record_score(entry, judge=judge, marks=marks)
    for age_group in results(contest):
        for entry, award in zip(age_group["entries"], DATA["awards"], strict=False):
            services.set_award(entry, award)
    services.publish_results(contest)


def load(stdout=None):
    """Both contests and their entries; returns them (past, open)."""
    home = demo.home()
    if home is None:
        return None
    ensure_groups()
    made = []
    with transaction.atomic():
        notice, _created = ConsentNotice.objects.get_or_create(
            version=DATA["notice"]["version"],
            defaults={"title": DATA["notice"]["title"], "text": DATA["notice"]["text"]},
        )
        for data in DATA["contests"]:
            contest = ContestPage.objects.filter(slug=data["slug"], locale=home.locale).first()
            if contest is None:
                contest, closes_at = _page(home, data, made[0] if made else None)
                rng, approved, n = random.Random(data["seed"]), [], 0
                for status, drawings, essays in data["plan"]:
                    for category in ["drawing"] * drawings + ["essay"] * essays:
                        n += 1
                        _moderate(_submit(contest, notice, category, n, rng), status, approved)
                if closes_at != contest.closes_at:
                    contest.closes_at = closes_at
                    contest.save_revision().publish()
                if data.get("judged"):
                    _judge(contest, approved)
            made.append(contest)
    if stdout:
        for contest in made:
            stdout.write(f"contest: {contest.title} with {contest.entries.count()} entries")
    return tuple(made)
