"""Closing entries and publishing results: a confirmation with the consequences first,
an undo for a while, and the award texts once publishing can no longer be undone."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.outbox import OutboxMessage
from media.contest import services
from media.contest.models import ContestPage, Entry
from tests.media.contest.factories import judge, make_entry, staff

S = Entry.Status
AWARDED = OutboxMessage.Kind.ENTRY_AWARDED


def marks(contest, value):
    return {str(c.pk): value for c in contest.criteria.all()}


def test_closing_early_says_so_and_needs_a_second_step(client, contest):
    ContestPage.objects.filter(pk=contest.pk).update(closes_at=timezone.now() + timedelta(days=60))
    make_entry(contest, status=S.APPROVED)
    make_entry(contest)
    make_entry(contest)
    client.force_login(staff())
    results = client.get(reverse("contest_admin:results", args=[contest.pk]))
    # The results screen offers a link to the confirmation, never a one-click form.
    assert 'name="stage"' not in results.content.decode()
    url = reverse("contest_admin:stage", args=[contest.pk, "judging"])
    page = client.get(url)
    html = page.content.decode()
    assert page.context["impact"].days_early == 59
    assert page.context["impact"].awaiting_moderation == 2
    assert "59 天" in html and "2 件作品仍在等待审核" in html
    contest.refresh_from_db()
    assert contest.status == "open"  # looking changes nothing
    client.post(url)
    contest.refresh_from_db()
    assert contest.status == "judging"
    # The public page shows when entries really ended, not the old deadline.
    public = client.get(contest.url).content.decode()
    assert contest.entries_closed_at.astimezone().strftime("%Y-%m-%d") in public
    assert contest.closes_at.strftime("%Y-%m-%d %H") not in public


def test_closing_can_be_undone_until_a_judge_scores_or_the_window_passes(client, contest):
    entry = make_entry(contest, status=S.APPROVED)
    client.force_login(staff())
    client.post(reverse("contest_admin:stage", args=[contest.pk, "judging"]))
    undo = reverse("contest_admin:undo", args=[contest.pk, "reopen"])
    assert undo in client.get(reverse("contest_admin:results", args=[contest.pk])).content.decode()
    response = client.post(undo, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["已撤销。比赛当前阶段：征集中。"]
    contest.refresh_from_db()
    assert contest.status == "open" and contest.entries_closed_at is None
    assert contest.is_accepting_entries()

    contest = services.start_judging(contest)
    services.record_score(entry, judge=judge(), marks=marks(contest, 7))
    response = client.post(undo, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["评委已经开始评分。"]
    contest.refresh_from_db()
    assert contest.status == "judging"
    later = contest.entries_closed_at + services.UNDO_WINDOW
    assert services.reopen_blocker(contest, now=later) == "撤销的时限已过。"


def test_publishing_shows_awards_and_the_exact_text_then_texts_after_the_window(
    client, contest, phone, django_capture_on_commit_callbacks
):
    contest = services.start_judging(contest)
    winner = make_entry(contest, status=S.APPROVED, title="我家的逃生图")
    make_entry(contest, status=S.APPROVED, title="灭火器")
    services.set_award(winner, Entry.Award.FIRST)
    client.force_login(staff())
    url = reverse("contest_admin:stage", args=[contest.pk, "publish"])
    impact = client.get(url).context["impact"]
    assert impact.awards == [("一等奖", 1)] and impact.not_awarded == 1
    assert impact.messages == 1
    assert impact.sample_sms.startswith("恭喜！“我家的逃生图”荣获")
    assert contest.url in impact.sample_sms
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    contest.refresh_from_db()
    assert contest.results_are_public
    # Nothing is texted while publishing can still be undone.
    assert services.send_award_messages() == 0
    assert phone == []
    after = contest.results_published_at + services.UNDO_WINDOW
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_award_messages(now=after) == 1
    assert phone == [impact.sample_sms]
    # Run again: nothing twice; and publishing can no longer be undone.
    assert services.send_award_messages(now=after) == 0
    assert OutboxMessage.objects.filter(kind=AWARDED).count() == 1
    contest.refresh_from_db()
    assert services.unpublish_blocker(contest) == "撤销的时限已过。"


def test_undoing_publication_hides_the_awards_and_sends_nothing(
    client, contest, phone, django_capture_on_commit_callbacks
):
    contest = services.start_judging(contest)
    winner = make_entry(contest, status=S.APPROVED)
    services.set_award(winner, Entry.Award.SECOND)
    contest = services.publish_results(contest)
    client.force_login(staff())
    client.post(reverse("contest_admin:undo", args=[contest.pk, "unpublish"]))
    contest.refresh_from_db()
    assert contest.status == "judging" and not contest.results_are_public
    later = timezone.now() + 2 * services.UNDO_WINDOW
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_award_messages(now=later) == 0
    assert phone == []
    # Awards can be changed again, as during judging.
    assert services.set_award(winner, Entry.Award.FIRST).award == "first"


def test_an_award_withdrawn_before_the_send_is_not_texted(
    contest, phone, django_capture_on_commit_callbacks
):
    contest = services.start_judging(contest)
    winner = make_entry(contest, status=S.APPROVED)
    services.set_award(winner, Entry.Award.THIRD)
    contest = services.publish_results(contest)
    after = contest.results_published_at + services.UNDO_WINDOW
    services.send_award_messages(now=after)  # written, not yet sent (no commit run)
    Entry.objects.filter(pk=winner.pk).update(status=S.WITHDRAWN, award="")
    from core.outbox import sending

    for pk in OutboxMessage.objects.filter(kind=AWARDED).values_list("pk", flat=True):
        sending.deliver(pk)
    assert phone == []


@pytest.mark.parametrize("stage", ["publish", "unknown"])
def test_a_stage_not_offered_now_is_refused_without_change(client, contest, stage):
    client.force_login(staff())
    response = client.get(reverse("contest_admin:stage", args=[contest.pk, stage]), follow=True)
    assert response.status_code == 200
    contest.refresh_from_db()
    assert contest.status == "open"
    response = client.post(reverse("contest_admin:undo", args=[contest.pk, stage]), follow=True)
    assert response.status_code == 200
    contest.refresh_from_db()
    assert contest.status == "open"


def test_judges_cannot_change_stages(client, contest):
    client.force_login(judge())
    stage = reverse("contest_admin:stage", args=[contest.pk, "judging"])
    assert client.post(stage).status_code in (302, 403)
    assert client.get(stage).status_code in (302, 403)
    contest.refresh_from_db()
    assert contest.status == "open"
    services.start_judging(contest)
    assert client.post(reverse("contest_admin:undo", args=[contest.pk, "reopen"])).status_code in (
        302,
        403,
    )
    contest.refresh_from_db()
    assert contest.status == "judging"
