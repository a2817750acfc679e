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
