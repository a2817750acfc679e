"""A judge, as a member of "Judges" (never a superuser), scores a contest blind.

Another judge has already scored every entry. Our judge sees each work by its judging
code only (no name, no school), the 0–10 range beside every mark, their own scores and
nothing of the other judge's, and moves on with "next entry" until all are scored. The
results screen stays closed to them. Contest staff then rank by the two judges' means,
award the top entry and publish: the public gallery shows that entry first with its
award; the judge has nothing left to score.

axe checks every judging screen; the 375 px screenshots go to
var/screenshots/judge_journey/.
"""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, assert_accessible
from tests.browser.staff.accounts import log_in, member
from tests.browser.staff.test_booking_staff_journey import phone_shot

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = SCREENSHOTS / "judge_journey"
# Marks per title (theme ×3, idea ×1, both the same here): the weighted total is ten times
# the mark. The other judge's are the opposite way round for two of them, and a comment
# our judge must never see.
OURS = {"我家的逃生路线图": 10, "消防员叔叔": 7, "灭火器在哪里": 5}
THEIRS = {"我家的逃生路线图": 6, "消防员叔叔": 8, "灭火器在哪里": 4}
THEIR_COMMENT = "构图饱满，色彩大胆"


def test_a_judge_scores_blind_sees_only_their_own_scores_and_results_follow_them(
    browser, live_server, settings, tmp_path, django_user_model
):
    from media.contest import services
    from media.contest.groups import CONTEST_STAFF, JUDGES, ensure_groups
    from media.contest.models import Entry, Score
    from tests.education.factories import make_site
    from tests.media.contest.factories import make_contest, make_entry, make_notice

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    ensure_groups()
    make_notice()
    contest = make_contest(make_site())
    entries = {
        title: make_entry(contest, title=title, status=Entry.Status.APPROVED, school="青阳中心小学")
        for title in OURS
    }
    contest = services.start_judging(contest)
    criteria = list(contest.criteria.all())
    other = member(django_user_model, "judge-two", JUDGES)
    for title, entry in entries.items():
        services.record_score(
            entry,
            judge=other,
            marks={str(c.pk): THEIRS[title] for c in criteria},
            comment=THEIR_COMMENT,
        )
    judge = member(django_user_model, "judge-one", JUDGES)
    staff = member(django_user_model, "contest-staff", CONTEST_STAFF)
    base = live_server.url
    page = log_in(browser, base, judge.username)

    page.goto(base + reverse("contest_admin:judging"))
    queue = page.locator("main table")
    expect(queue.locator("tbody tr")).to_have_count(3)
    for title in THEIRS:  # the other judge's totals are not in "your score"
        expect(queue).not_to_contain_text(f"{THEIRS[title] * 10}.00")
    assert_accessible(page)
    page.locator("main table tbody a").first.click()

    seen = []
    while True:
        main = page.locator("main")
        title = page.locator("main h2").inner_text()
        seen.append(title)
        entry = entries[title]
        expect(main).to_contain_text(entry.judging_code)
        # Blind, and nothing of the other judge's.
        for hidden in ("青阳中心小学", entry.display_name, THEIR_COMMENT, "60.00", "80.00"):
            expect(main).not_to_contain_text(hidden)
        expect(main).to_contain_text("0（最低）到 10（最高）")
        for criterion in criteria:
            field = page.locator(f"#id_c{criterion.pk}")
            assert (field.get_attribute("min"), field.get_attribute("max")) == ("0", "10")
            expect(page.locator(f"label[for=id_c{criterion.pk}]")).to_contain_text("0–10")
            field.fill(str(OURS[title]))
        if len(seen) == 1:
            expect(page.get_by_role("link", name="下一件作品", exact=False)).to_be_visible()
            assert_accessible(page)
            phone_shot(page, SHOTS, "1-score-entry")
        page.get_by_role("button", name="保存我的评分").click()
        if len(seen) == len(OURS):
            break
        expect(page.get_by_text("评分已保存。下面是下一件作品。")).to_be_visible()
        expect(page.locator("main h2")).not_to_have_text(title)
    expect(page.get_by_text("评分已保存。您已为全部作品评分。")).to_be_visible()
    assert sorted(seen) == sorted(OURS)
    # The queue shows our totals only.
    for title, mark in OURS.items():
        expect(page.locator("main tr", has_text=title)).to_contain_text(f"{mark * 10}.00")
    assert_accessible(page)
    mine = Score.objects.filter(judge=judge)
    assert {s.entry.title: s.total for s in mine} == {t: Decimal(m * 10) for t, m in OURS.items()}
    # The results, with everyone's scores, are not the judge's to see.
    page.goto(base + reverse("contest_admin:results", args=[contest.pk]))
    assert "/results/" not in page.url
    expect(page.locator("main")).not_to_contain_text("80.00")
    page.context.close()

    # Contest staff: the ranking follows both judges' means; they award and publish.
    desk = log_in(browser, base, staff.username)
    desk.goto(base + reverse("contest_admin:results", args=[contest.pk]))
    rows = desk.locator("main table tbody tr")
    expect(rows.nth(0)).to_contain_text("我家的逃生路线图")
    expect(rows.nth(0)).to_contain_text("80.00")  # (100 + 60) / 2
    expect(rows.nth(1)).to_contain_text("75.00")  # (70 + 80) / 2
    expect(rows.nth(2)).to_contain_text("45.00")  # (50 + 40) / 2
    winner = entries["我家的逃生路线图"]
    desk.locator(f"#entry-{winner.pk} select[name=award]").select_option("first")
    desk.locator(f"#entry-{winner.pk}").get_by_role("button", name="设置").click()
    expect(desk.locator(f"#entry-{winner.pk} select[name=award]")).to_have_value("first")
    desk.goto(base + reverse("contest_admin:stage", args=[contest.pk, "publish"]))
    desk.locator("main form button[type=submit]").click()
    expect(desk.get_by_role("button", name="撤销：重新隐藏结果")).to_be_visible()
    desk.context.close()

    gallery = browser.new_context(locale="zh-CN").new_page()
    gallery.goto(base + contest.url)
    first = gallery.locator(".entry-card").first
    expect(first).to_contain_text("我家的逃生路线图")
    expect(first).to_contain_text("一等奖")
    gallery.context.close()

    # Judging is over: nothing left to score, and the entry pages are gone.
    page = log_in(browser, base, judge.username)
    page.goto(base + reverse("contest_admin:judging"))
    expect(page.locator("main")).to_contain_text("目前没有正在评审的比赛。")
    response = page.goto(base + reverse("contest_admin:judge_entry", args=[winner.judging_code]))
    assert response.status == 404
    page.context.close()
