"""The moderation queue per contest: a contest column and filter; leftovers of a
contest whose results are published are kept apart and pointed out."""

from django.urls import reverse

from media.contest import services
from media.contest.models import Entry
from tests.media.contest.factories import make_contest, make_entry, staff


def test_queue_shows_current_contests_by_default_and_leftovers_apart(client, contest, home):
    last_year = make_contest(home, slug="last-year", title="去年的大赛")
    make_entry(last_year, status=Entry.Status.APPROVED)
    leftover = make_entry(last_year, title="迟到的作品")
    services.publish_results(services.start_judging(last_year))
    waiting = make_entry(contest, title="今年的作品")
    client.force_login(staff())
    url = reverse("contest_admin:moderation")

    response = client.get(url)
    html = response.content.decode()
    assert [e.pk for e in response.context["entries"]] == [waiting.pk]
    assert "迟到的作品" not in html
    assert contest.title in html  # the contest column
    assert "1 件已公布结果的比赛作品仍在等待审核" in html

    response = client.get(url, {"contest": "closed"})
    assert [e.pk for e in response.context["entries"]] == [leftover.pk]
    response = client.get(url, {"contest": str(contest.pk)})
    assert [e.pk for e in response.context["entries"]] == [waiting.pk]
    # Hostile values fall back to the default view, never an error.
    for value in ("'; drop", "9" * 40, "-1"):
        response = client.get(url, {"contest": value})
        assert response.status_code == 200
        assert [e.pk for e in response.context["entries"]] == [waiting.pk]


def test_home_panels_show_moderators_and_judges_their_next_jobs(client, contest):
    from tests.media.contest.factories import judge

    make_entry(contest)
    make_entry(contest)
    scored = make_entry(contest, status=Entry.Status.APPROVED)
    make_entry(contest, status=Entry.Status.APPROVED)
    client.force_login(staff())
    home = reverse("wagtailadmin_home")
    assert "2 件作品等待审核" in client.get(home).content.decode()
    contest = services.start_judging(contest)
    marker = judge()
    services.record_score(
        scored, judge=marker, marks={str(c.pk): 5 for c in contest.criteria.all()}
    )
    client.force_login(marker)
    html = client.get(home).content.decode()
    assert "还有 1 件作品待评分" in html and "等待审核" not in html


def test_queue_pages_through_wagtails_paginator_and_filters_by_category_and_status(client, contest):
    drawings = [make_entry(contest, title=f"画 {n}") for n in range(51)]
    essay = make_entry(contest, category="essay", title="我的作文")
    approved = make_entry(contest, status=Entry.Status.APPROVED, title="已通过的画")
    client.force_login(staff())
    url = reverse("contest_admin:moderation")

    first = client.get(url)
    assert len(first.context["entries"]) == 50
    assert first.context["paginator"].count == 52
    second = client.get(url, {"p": "2"})
    assert [e.pk for e in second.context["entries"]] == [drawings[-1].pk, essay.pk]
    assert client.get(url, {"p": "junk"}).status_code == 200

    essays = client.get(url, {"category": "essay"})
    assert [e.pk for e in essays.context["entries"]] == [essay.pk]
    done = client.get(url, {"status": "approved"})
    assert [e.pk for e in done.context["entries"]] == [approved.pk]
    found = client.get(url, {"q": "作文"})
    assert [e.pk for e in found.context["entries"]] == [essay.pk]
    # A refused value reads as its default; the others still filter.
    mixed = client.get(url, {"status": "nonsense", "category": "essay"})
    assert [e.pk for e in mixed.context["entries"]] == [essay.pk]
    # The results alone, as Wagtail's filters fetch them, hold to the same rules.
    results = client.get(reverse("contest_admin:moderation_results"), {"category": "essay"})
    assert results.status_code == 200
    assert [e.pk for e in results.context["entries"]] == [essay.pk]
