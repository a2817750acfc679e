"""A judge's screen: the 0–10 range shown up front, their own score only (no anchoring
on the others' until results), and the next entry after each save."""

import pytest
from django.urls import reverse

from media.contest import services
from media.contest.models import Entry, Score
from tests.media.contest.factories import judge, make_entry

S = Entry.Status


@pytest.fixture
def judging(contest):
    return services.start_judging(contest)


def marks_post(contest, value):
    return {f"c{c.pk}": value for c in contest.criteria.all()}


def test_a_judge_never_sees_another_judges_score(client, judging):
    entry = make_entry(judging, status=S.APPROVED)
    # Names no random token on the page could contain by chance.
    first, second = judge("judge-first-qz"), judge("judge-second-qz")
    client.force_login(first)
    url = reverse("contest_admin:judge_entry", args=[entry.judging_code])
    assert client.post(url, {**marks_post(judging, 9), "comment": "构图很好"}).status_code == 302
    client.force_login(second)
    assert client.post(url, marks_post(judging, 6)).status_code == 302
    for page in (url, reverse("contest_admin:judging")):
        html = client.get(page).content.decode()
        assert "构图很好" not in html and "90.00" not in html and "judge-first-qz" not in html
    assert "60.00" in client.get(url).content.decode()  # their own total
    assert Score.objects.filter(entry=entry).count() == 2


def test_the_range_is_shown_and_enforced_before_and_after_submitting(client, judging):
    entry = make_entry(judging, status=S.APPROVED)
    client.force_login(judge())
    url = reverse("contest_admin:judge_entry", args=[entry.judging_code])
    html = client.get(url).content.decode()
    assert "0（最低）到 10（最高）" in html
    criterion = judging.criteria.first()
    assert f"{criterion.name} (×{criterion.weight}, 0–10)" in html
    # The browser refuses 11 itself (the form has no novalidate) ...
    assert 'min="0"' in html and 'max="10"' in html and "novalidate" not in html
    # ... and the server still does, saving nothing.
    assert client.post(url, marks_post(judging, 11)).status_code == 400
    assert client.post(url, marks_post(judging, -1)).status_code == 400
    assert not Score.objects.exists()


def test_saving_goes_to_the_next_entry_not_yet_scored_then_back_to_the_list(client, judging):
    a, b, c = (make_entry(judging, status=S.APPROVED, title=t) for t in ("甲", "乙", "丙"))
    order = sorted((a, b, c), key=lambda e: e.judging_code)
    client.force_login(judge())

    def score(entry):
        url = reverse("contest_admin:judge_entry", args=[entry.judging_code])
        return client.post(url, marks_post(judging, 7))

    def judge_url(entry):
        return reverse("contest_admin:judge_entry", args=[entry.judging_code])

    # Starting in the middle: the next is the one after, then it wraps to the first.
    assert score(order[1])["Location"] == judge_url(order[2])
    page = client.get(judge_url(order[2])).content.decode()
    assert f'href="{judge_url(order[0])}"' in page  # "next entry" link skips the scored one
    assert score(order[2])["Location"] == judge_url(order[0])
    response = score(order[0])
    assert response["Location"] == reverse("contest_admin:judging")
