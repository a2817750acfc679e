"""A closed call's leftovers: entries nobody moderated before the call closed are rejected
in one step, with one reason, after a confirmation that counts them; each through the
moderation rule, so each guardian is texted the reason."""

from django.urls import reverse

from media.contest import services
from media.contest.models import Entry
from tests.media.contest.factories import judge, make_contest, make_entry, staff

S = Entry.Status
REASON = "征集截止时未完成审核，作品不符合规格"


def _confirmation(contest):
    return reverse("contest_admin:reject_leftovers", args=[contest.pk])


def test_leftovers_are_counted_confirmed_then_rejected_with_the_reason(
    client, contest, home, phone, django_capture_on_commit_callbacks
):
    approved = make_entry(contest, status=S.APPROVED)
    late = [make_entry(contest, title="迟到的作品一"), make_entry(contest, title="迟到的作品二")]
    other = make_contest(home, slug="still-open", title="仍在征集的比赛")
    waiting_elsewhere = make_entry(other)
    user = staff()
    client.force_login(user)
    # While the call is open nothing is a leftover: entries are moderated as usual.
    assert client.get(_confirmation(contest)).context["entries"] == []

    contest = services.start_judging(contest)
    queue = client.get(reverse("contest_admin:moderation")).content.decode()
    assert "儿童消防绘画作文大赛：截止征集时仍有 2 件作品等待审核。" in queue
    assert _confirmation(contest) in queue
    assert _confirmation(other) not in queue

    page = client.get(_confirmation(contest))
    html = page.content.decode()
    assert [e.pk for e in page.context["entries"]] == [e.pk for e in late]
    assert "截止征集时仍有 2 件作品等待审核。" in html
    assert "2 位监护人会收到写有原因的短信。" in html and "拒绝这 2 件作品" in html
    assert "13912345678" not in html  # the count, never the numbers
    shown = [str(e.pk) for e in late]

    # No reason: nothing happens.
    refused = client.post(_confirmation(contest), {"entry": shown, "reason": " "})
    assert refused.status_code == 400
    assert Entry.objects.filter(status=S.SUBMITTED).count() == 3

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(_confirmation(contest), {"entry": shown, "reason": REASON}, follow=True)
    assert [str(m) for m in done.context["messages"]] == [
        "已拒绝 2 件作品，拒绝原因已发送给监护人。"
    ]
    for entry in late:
        entry.refresh_from_db()
        assert entry.status == S.REJECTED and entry.rejection_reason == REASON
        assert entry.moderated_by == user
    assert phone == [
        f"《{entry.title}》未能通过{contest.title}的审核。原因：{REASON}" for entry in late
    ]
    approved.refresh_from_db()
    waiting_elsewhere.refresh_from_db()
    assert approved.status == S.APPROVED and waiting_elsewhere.status == S.SUBMITTED
    assert client.get(_confirmation(contest)).context["entries"] == []


def test_only_the_entries_confirmed_and_still_waiting_are_rejected(client, contest):
    shown = make_entry(contest)
    moderated_meanwhile = make_entry(contest)
    contest = services.start_judging(contest)
    client.force_login(staff())
    ids = [str(shown.pk), str(moderated_meanwhile.pk)]
    assert client.get(_confirmation(contest)).status_code == 200
    services.approve(moderated_meanwhile, by=None)
    arrived_unseen = make_entry(contest)  # not on the screen staff confirmed
    hostile = ["abc", "9" * 40, "-1", str(shown.pk)]
    response = client.post(_confirmation(contest), {"entry": ids + hostile, "reason": "不符合规格"})
    assert response.status_code == 302
    statuses = dict(Entry.objects.values_list("pk", "status"))
    assert statuses == {
        shown.pk: S.REJECTED,
        moderated_meanwhile.pk: S.APPROVED,  # an approved entry is not a leftover
        arrived_unseen.pk: S.SUBMITTED,
    }


def test_the_service_rejects_nothing_of_an_open_call_and_goes_through_reject(contest, monkeypatch):
    waiting = make_entry(contest)
    assert services.reject_leftovers(contest, by=None, reason="原因", only=[waiting.pk]) == []
    contest = services.start_judging(contest)
    calls = []
    real = services.reject
    monkeypatch.setattr(
        services, "reject", lambda entry, **kw: calls.append(entry.pk) or real(entry, **kw)
    )
    [rejected] = services.reject_leftovers(contest, by=None, reason="原因", only=[waiting.pk])
    assert calls == [waiting.pk] and rejected.status == S.REJECTED


def test_judges_cannot_reject_leftovers(client, contest):
    waiting = make_entry(contest)
    contest = services.start_judging(contest)
    client.force_login(judge())
    url = _confirmation(contest)
    # Wagtail turns a refusal into a redirect to the dashboard with a message.
    assert client.get(url).status_code in (302, 403)
    refused = client.post(url, {"entry": [str(waiting.pk)], "reason": "原因"})
    assert refused.status_code in (302, 403)
    waiting.refresh_from_db()
    assert waiting.status == S.SUBMITTED
