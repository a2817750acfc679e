from datetime import datetime
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.test import RequestFactory

from media.contest import services
from media.contest.models import Entry
from media.contest.selectors import entries_for_reach
from tests.media.contest.factories import make_entry

TZ = ZoneInfo("Asia/Shanghai")


def test_entries_for_reach_counts_per_local_day_and_category(contest):
    # 23:30 on 1 March in Jiangyin is still 1 March locally (15:30 UTC).
    late = datetime(2026, 3, 1, 23, 30, tzinfo=TZ)
    early = datetime(2026, 3, 2, 0, 30, tzinfo=TZ)
    make_entry(contest, submitted_at=late)
    make_entry(contest, submitted_at=late, status=Entry.Status.APPROVED)
    make_entry(contest, submitted_at=late, category="essay", status=Entry.Status.REJECTED)
    make_entry(contest, submitted_at=early)
    make_entry(contest, submitted_at=late, status=Entry.Status.DUPLICATE)
    make_entry(contest, submitted_at=late, status=Entry.Status.WITHDRAWN)
    rows = entries_for_reach()
    assert rows == [
        {"day": late.date(), "contest_id": contest.pk, "category": "drawing", "entries": 2},
        {"day": late.date(), "contest_id": contest.pk, "category": "essay", "entries": 1},
        {"day": early.date(), "contest_id": contest.pk, "category": "drawing", "entries": 1},
    ]


def render_highlights(path="/"):
    request = RequestFactory().get(path)
    return Template("{% load contest_tags %}{% contest_highlights limit=4 %}").render(
        Context({"request": request})
    )


def test_highlights_show_the_call_while_open(contest, notice):
    html = render_highlights()
    assert contest.title in html and "/children-contest/#submit" in html


def test_highlights_show_awarded_drawings_once_published(
    contest, django_capture_on_commit_callbacks
):
    from tests.media.contest.factories import staff

    moderator = staff()
    winner = make_entry(contest, title="获奖作品")
    other = make_entry(contest, title="入围作品")
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(winner, by=moderator)
        services.approve(other, by=moderator)
    contest = services.start_judging(contest)
    services.set_award(winner, Entry.Award.FIRST)
    assert render_highlights().strip() == ""  # nothing to show while judging
    services.publish_results(contest)
    html = render_highlights()
    assert "获奖作品" in html and "入围作品" not in html
    assert "王芳" not in html


def test_a_withdrawn_winner_leaves_the_highlights_at_once(
    contest, django_capture_on_commit_callbacks
):
    """The drawings shown are kept as data, under the contest's generation."""
    from tests.media.contest.factories import staff

    winner = make_entry(contest, title="获奖作品")
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(winner, by=staff())
    contest = services.start_judging(contest)
    services.set_award(winner, Entry.Award.FIRST)
    services.publish_results(contest)
    assert "获奖作品" in render_highlights()
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(winner)
    assert "获奖作品" not in render_highlights()


def test_z_scores_normalise_each_judge_within_each_category_and_age_group(contest):
    """A judge strict with the younger group and lenient with the older one: each
    group's ranking must use that judge's scale in that group, not across both."""
    from media.contest.selectors import results
    from tests.media.contest.factories import judge

    contest = services.start_judging(contest)
    young, old = contest.age_groups.order_by("sort_order")
    criteria = list(contest.criteria.all())
    x, y = judge("x"), judge("y")

    def entry(title, group):
        return make_entry(contest, status=Entry.Status.APPROVED, title=title, age_group=group)

    def score(entry, who, mark):  # every criterion the same mark: the total is mark × 10
        services.record_score(entry, judge=who, marks={str(c.pk): mark for c in criteria})

    a1, b1, c1 = entry("甲", young), entry("乙", young), entry("丙", young)
    a2, b2, c2 = entry("丁", old), entry("戊", old), entry("己", old)
    # Younger group: X (strict here) puts 甲 above 乙, Y puts 乙 above 丙, so 甲 > 乙 > 丙.
    score(a1, x, 4)
    score(b1, x, 2)
    score(b1, y, 7)
    score(c1, y, 6)
    # Older group: X is lenient here, Y strict.
    score(a2, x, 9)
    score(b2, x, 10)
    score(b2, y, 5)
    score(c2, y, 4)

    young_table, old_table = results(contest)
    assert young_table["age_group"] == young.name and young_table["normalised"]
    assert [e.title for e in young_table["entries"]] == ["甲", "乙", "丙"]
    assert [e.mean_z for e in young_table["entries"]] == [1.0, 0.0, -1.0]
    # Pooling X's scores over both groups would have put 丙 first (mean z 0.447 against
    # 甲's -0.673): X's 40 on 甲 looks poor next to X's 90 and 100 for the older group.
    assert old_table["entries"][0].title == "戊"
    assert old_table["entries"][0].mean_z == 1.0
