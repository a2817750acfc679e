import pytest
from django.urls import reverse

from media.contest import services
from media.contest.models import Entry
from tests.media.contest.factories import judge, make_entry, make_user, staff

S = Entry.Status
PRIVATE = ("小雨", "江阴市实验小学", "王芳", "13912345678")


@pytest.fixture
def judging(contest):
    return services.start_judging(contest)


def marks_post(contest, value):
    return {f"c{c.pk}": value for c in contest.criteria.all()}


def approved_drawing(contest, capture, **fields):
    """An approved drawing with its public display and thumbnail files made."""
    entry = make_entry(contest, **fields)
    with capture(execute=True):
        services.approve(entry, by=staff(f"mod-{entry.pk}"))
    return Entry.objects.get(pk=entry.pk)


def test_judges_pages_are_blind(client, judging, django_capture_on_commit_callbacks):
    drawing = approved_drawing(judging, django_capture_on_commit_callbacks, grade=2)
    essay = make_entry(judging, status=S.APPROVED, category="essay", grade=2)
    assert drawing.display_image and drawing.thumbnail
    public_page = judging.url  # the public gallery and entry pages live under it
    client.force_login(judge())
    pages = {
        reverse("contest_admin:judging"): (drawing, essay),
        reverse("contest_admin:judge_entry", args=[drawing.judging_code]): (drawing,),
        reverse("contest_admin:judge_entry", args=[essay.judging_code]): (essay,),
    }
    for url, shown in pages.items():
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        for entry in shown:
            assert entry.title in html and entry.judging_code in html
        for entry in (drawing, essay):
            # Nothing that leads to the entry's public page or names its public files.
            assert f"{public_page}entries/{entry.pk}/" not in html
            assert f"entries/{entry.pk}/" not in html
            assert f"#{entry.pk}" not in html
            assert f"/judging/{entry.pk}/" not in html
        assert drawing.display_image.url not in html
        assert drawing.thumbnail.url not in html
        assert drawing.display_image.name not in html
        for private in (*PRIVATE, "小学二年级", "Primary year 2"):
            assert private not in html, (url, private)
        assert "guardian" not in html.lower()
        assert "监护人" not in html
    # The view's object carries none of those fields at all.
    drawing_page = reverse("contest_admin:judge_entry", args=[drawing.judging_code])
    blind = client.get(drawing_page).context["entry"]
    assert {"display_name", "school", "grade", "guardian_name", "guardian_phone"} <= (
        blind.get_deferred_fields()
    )
    # The drawing the judge sees comes from the judging code, not the public file URL.
    html = client.get(drawing_page).content.decode()
    image_url = reverse("contest_admin:judge_image", args=[drawing.judging_code])
    assert f'src="{image_url}"' in html


def test_judging_code_is_not_the_id_nor_in_any_public_page(
    client, contest, django_capture_on_commit_callbacks
):
    entry = approved_drawing(contest, django_capture_on_commit_callbacks)
    other = make_entry(contest)
    assert entry.judging_code != other.judging_code
    assert len(entry.judging_code) == 8 and str(entry.pk) != entry.judging_code
    for url in (contest.url, f"{contest.url}entries/{entry.pk}/"):
        response = client.get(url)
        assert response.status_code == 200
        assert entry.judging_code not in response.content.decode()
    assert client.get(f"{contest.url}entries/{entry.judging_code}/").status_code == 404


def test_judge_image_by_code_for_judges_only_while_judging(
    client, contest, django_capture_on_commit_callbacks
):
    drawing = approved_drawing(contest, django_capture_on_commit_callbacks)
    url = reverse("contest_admin:judge_image", args=[drawing.judging_code])
    client.force_login(judge())
    assert client.get(url).status_code == 404  # the contest is not being judged yet
    services.start_judging(contest)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    with drawing.display_image.open("rb") as public:
        assert body == public.read()
    unknown = reverse("contest_admin:judge_image", args=["ZZZZZZZZ"])
    assert client.get(unknown).status_code == 404
    submitted = make_entry(contest)  # not approved: not judged, not shown
    assert (
        client.get(reverse("contest_admin:judge_image", args=[submitted.judging_code])).status_code
        == 404
    )
    client.force_login(make_user("visitor", is_staff=True))
    assert client.get(url).status_code in (302, 403)
    client.logout()
    assert client.get(url).status_code == 302


def test_judges_cannot_reach_moderation_originals_or_entries(client, contest):
    entry = make_entry(contest)
    client.force_login(judge())
    for url in (
        reverse("contest_admin:moderation"),
        reverse("contest_admin:review", args=[entry.pk]),
        reverse("contest_admin:original", args=[entry.pk]),
        reverse("contest_admin:results", args=[contest.pk]),
        reverse("contest_entries:index"),
    ):
        assert client.get(url).status_code in (302, 403), url


def test_originals_are_private(client, contest):
    entry = make_entry(contest)
    url = reverse("contest_admin:original", args=[entry.pk])
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(staff())
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")


def test_staff_moderate_from_the_queue(client, contest, django_capture_on_commit_callbacks):
    first = make_entry(contest)
    second = make_entry(contest)
    third = make_entry(contest, title="重复的画")
    client.force_login(staff())
    queue = client.get(reverse("contest_admin:moderation"))
    assert queue.status_code == 200
    assert {e.pk for e in queue.context["entries"]} == {first.pk, second.pk, third.pk}
    review = client.get(reverse("contest_admin:review", args=[first.pk])).content.decode()
    assert "王芳" in review and "13912345678" in review  # staff see guardian data
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("contest_admin:approve", args=[first.pk]))
    client.post(reverse("contest_admin:reject", args=[second.pk]), {"reason": ""})
    assert Entry.objects.get(pk=second.pk).status == S.SUBMITTED  # a reason is required
    client.post(reverse("contest_admin:reject", args=[second.pk]), {"reason": "看不清"})
    client.post(reverse("contest_admin:duplicate", args=[third.pk]), {"duplicate_of": first.pk})
    statuses = dict(Entry.objects.values_list("pk", "status"))
    assert statuses == {first.pk: S.APPROVED, second.pk: S.REJECTED, third.pk: S.DUPLICATE}
    assert Entry.objects.get(pk=third.pk).duplicate_of_id == first.pk
    assert Entry.objects.get(pk=first.pk).thumbnail
    assert client.get(reverse("contest_admin:approve", args=[first.pk])).status_code == 405


ACTIONS = {
    S.APPROVED: "contest_admin:approve",
    S.REJECTED: "contest_admin:reject",
    S.DUPLICATE: "contest_admin:duplicate",
}


@pytest.mark.parametrize("status", list(S))
def test_review_offers_only_the_moves_the_rule_allows(client, contest, status):
    from tests.media.contest.test_services import ALLOWED

    entry = make_entry(contest, status=status)
    client.force_login(staff())
    html = client.get(reverse("contest_admin:review", args=[entry.pk])).content.decode()
    for target, url_name in ACTIONS.items():
        action = f'action="{reverse(url_name, args=[entry.pk])}"'
        assert (action in html) == (target in ALLOWED[status]), (status, target)
    buttons = {S.APPROVED: ">批准</button>", S.REJECTED: ">拒绝</button>"}
    buttons[S.DUPLICATE] = ">标记为重复</button>"
    for target, button in buttons.items():
        assert (button in html) == (target in ALLOWED[status]), (status, button)


def test_starting_judging_twice_from_the_results_screen_is_refused_cleanly(client, contest):
    make_entry(contest, status=S.APPROVED)
    client.force_login(staff())
    url = reverse("contest_admin:stage", args=[contest.pk, "judging"])
    response = client.post(url, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "比赛当前阶段：评审。30 分钟内可以撤销这一步。"
    ]
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == ["比赛当前阶段不能进行这一步。"]
    contest.refresh_from_db()
    assert contest.status == "judging"


def test_results_with_means_z_scores_awards_and_publication(client, judging):
    a = make_entry(judging, status=S.APPROVED, title="甲")
    b = make_entry(judging, status=S.APPROVED, title="乙")
    c = make_entry(judging, status=S.APPROVED, title="丙")
    lenient, strict = judge("lenient"), judge("strict")
    criteria = list(judging.criteria.all())

    def score(entry, who, value):
        services.record_score(entry, judge=who, marks={str(x.pk): value for x in criteria})

    # Judges scored different subsets: the lenient judge's 9 on A is average for them,
    # the strict judge's 6 on C is their best.
    score(a, lenient, 9)
    score(b, lenient, 10)
    score(b, strict, 4)
    score(c, strict, 6)
    client.force_login(staff())
    response = client.get(reverse("contest_admin:results", args=[judging.pk]))
    assert response.status_code == 200
    group = response.context["table"][0]
    assert group["normalised"]
    ranked = [e.title for e in group["entries"]]
    assert ranked[0] == "丙"  # best by z-score though its mean (60) is the lowest
    by_title = {e.title: e for e in group["entries"]}
    assert str(by_title["乙"].mean) == "70.00" and by_title["乙"].n_scores == 2

    client.post(reverse("contest_admin:award", args=[c.pk]), {"award": "first"})
    client.post(reverse("contest_admin:award", args=[a.pk]), {"award": "platinum"})
    assert dict(Entry.objects.values_list("title", "award")) == {"甲": "", "乙": "", "丙": "first"}
    client.post(reverse("contest_admin:stage", args=[judging.pk, "publish"]))
    judging.refresh_from_db()
    assert judging.results_are_public


def test_same_judges_rank_by_mean(judging):
    from media.contest.selectors import results

    a = make_entry(judging, status=S.APPROVED, title="甲")
    b = make_entry(judging, status=S.APPROVED, title="乙")
    criteria = list(judging.criteria.all())
    for who, (va, vb) in ((judge("x"), (7, 8)), (judge("y"), (6, 4))):
        services.record_score(a, judge=who, marks={str(c.pk): va for c in criteria})
        services.record_score(b, judge=who, marks={str(c.pk): vb for c in criteria})
    group = results(judging)[0]
    assert not group["normalised"]
    assert [(e.title, str(e.mean)) for e in group["entries"]] == [("甲", "65.00"), ("乙", "60.00")]
    assert [e.rank for e in group["entries"]] == [1, 2]


def test_entry_listing_for_staff_with_export(client, contest):
    make_entry(contest, status=S.APPROVED)
    client.force_login(staff())
    assert client.get(reverse("contest_entries:index")).status_code == 200
    export = client.get(reverse("contest_entries:index") + "?export=csv")
    assert export.status_code == 200
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "江阴市实验小学" in text
    # Labels in the reader's language and local time, never codes or UTC.
    assert "已批准" in text and ",approved," not in text and ",drawing," not in text
    assert "+00:00" not in text


@pytest.mark.parametrize(
    ("award", "shown"),
    [
        ("any", {"一等奖作品", "优秀奖作品"}),
        ("first", {"一等奖作品"}),
        ("none", {"未获奖作品", "待审核作品"}),
        ("", {"一等奖作品", "优秀奖作品", "未获奖作品", "待审核作品"}),
    ],
)
def test_staff_filter_the_entry_listing_by_award(client, contest, award, shown):
    titles = {"一等奖作品", "优秀奖作品", "未获奖作品", "待审核作品"}
    make_entry(contest, status=S.APPROVED, award="first", title="一等奖作品")
    make_entry(contest, status=S.APPROVED, award="excellence", title="优秀奖作品")
    make_entry(contest, status=S.APPROVED, title="未获奖作品")
    make_entry(contest, title="待审核作品")
    client.force_login(staff())
    response = client.get(reverse("contest_entries:index"), {"award": award})
    assert response.status_code == 200
    html = response.content.decode()
    assert {title for title in titles if title in html} == shown


def test_groups_are_created_idempotently(db):
    from django.contrib.auth.models import Group

    from media.contest.groups import ensure_groups

    ensure_groups()
    ensure_groups()
    judges = Group.objects.get(name="Judges")
    codenames = set(judges.permissions.values_list("codename", flat=True))
    assert codenames == {"access_admin", "judge_entry"}
    assert Group.objects.filter(name__in=["Judges", "Contest staff"]).count() == 2


def test_editors_can_add_and_edit_the_contest_page(client, contest, home):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_superuser("root", password="pw"))
    assert client.get(reverse("wagtailadmin_pages:edit", args=[contest.pk])).status_code == 200
    add = reverse("wagtailadmin_pages:add", args=["contest", "contestpage", home.pk])
    assert client.get(add).status_code == 200


def test_menu_shows_each_group_only_its_screens(client, db):
    client.force_login(judge())
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("contest_admin:judging") in html
    assert reverse("contest_admin:moderation") not in html
    assert reverse("contest_admin:results_index") not in html
    client.force_login(staff())
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("contest_admin:moderation") in html
    assert reverse("contest_admin:results_index") in html
    assert reverse("contest_admin:judging") not in html


def test_a_notice_guardians_agreed_to_cannot_be_edited(contest):
    from django.core.exceptions import ValidationError

    entry = make_entry(contest)
    notice = entry.consent_notice
    notice.text = "改过的内容"
    with pytest.raises(ValidationError):
        notice.full_clean()
    notice.refresh_from_db()
    notice.pk = None
    notice.version = 2
    notice.text = "第二版"
    notice.full_clean()  # a new version is fine


def test_entry_export_neutralises_formulas_typed_by_the_public(client, contest):
    import csv
    import io

    make_entry(contest, title="=cmd|' /C calc'!A0", school="@SUM(A1)")
    client.force_login(staff())
    export = client.get("/admin/contest_entries/", {"export": "csv"})
    rows = list(csv.reader(io.StringIO(export.getvalue().decode())))
    assert "'=cmd|' /C calc'!A0" in rows[1]
    assert "'@SUM(A1)" in rows[1]
