import pytest
from django.urls import reverse

from media.contest import services
from media.contest.models import ContestPage, Entry
from tests.media.contest.factories import (
    image_bytes,
    make_entry,
    png_header_claiming,
    staff,
    truncated_jpeg,
    upload,
)

URL = "/children-contest/"


def form_data(contest, **overrides):
    data = {
        "submitted_by": "guardian",
        "category": "drawing",
        "age_group": contest.age_groups.first().pk,
        "title": "消防车来了",
        "display_name": "小雨",
        "school": "江阴市实验小学",
        "grade": "2",
        "guardian_name": "王芳",
        "guardian_phone": "+86 139-1234-5678",
        "consent": "on",
        "notice_version": "1",
        "drawing": upload(image_bytes()),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_guardian_submits_a_drawing_and_gets_a_withdrawal_link(
    client, contest, notice, caplog, django_capture_on_commit_callbacks
):
    page = client.get(URL)
    assert page.status_code == 200
    assert notice.text in page.content.decode()
    caplog.set_level("INFO", logger="firebreak.sms")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form_data(contest))
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert entry.guardian_phone == "13912345678"
    assert entry.consent_notice == notice and entry.consent_version == 1
    assert entry.status == Entry.Status.SUBMITTED
    thanks = client.get(response["Location"])
    link = thanks.context["withdraw_link"]
    assert "/contest/withdraw/" in link
    assert any("/contest/withdraw/" in r.getMessage() for r in caplog.records)
    # the link works once, and only with POST
    path = link.split("testserver", 1)[1]
    assert client.get(path).status_code == 200
    assert client.post(path, {}).status_code == 400
    assert client.post(path, {"confirm": "on"}).status_code == 200
    assert Entry.objects.get().status == Entry.Status.WITHDRAWN
    # the link was shown once only
    assert client.get(response["Location"]).context["withdraw_link"] == ""


def test_no_consent_no_entry(client, contest, notice):
    response = client.post(URL, form_data(contest, consent=None))
    assert response.status_code == 400
    assert "consent" in response.context["form"].errors
    assert response.context["form"]["title"].value() == "消防车来了"
    assert not Entry.objects.exists()


def test_consent_is_to_the_notice_version_that_was_shown(client, contest, notice):
    from tests.media.contest.factories import make_notice

    make_notice(version=2)
    response = client.post(URL, form_data(contest))  # the guardian read version 1
    assert response.status_code == 400
    assert "notice_version" in response.context["form"].errors
    assert 'name="notice_version" value="2"' in response.content.decode()
    assert client.post(URL, form_data(contest, notice_version="2")).status_code == 302
    assert Entry.objects.get().consent_version == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"guardian_phone": "12345"}, "guardian_phone"),
        ({"grade": "6"}, "grade"),
        ({"age_group": "999999"}, "age_group"),
        ({"category": "sculpture"}, "category"),
        ({"drawing": None}, "drawing"),
        ({"drawing": upload(b"<html><script>x</script>", "a.jpg")}, "drawing"),
        ({"drawing": upload(b'<svg xmlns="http://www.w3.org/2000/svg"/>', "a.svg")}, "drawing"),
        ({"drawing": upload(b"", "a.png")}, "drawing"),
        ({"category": "essay", "drawing": None, "essay_text": "火" * 301}, "essay_text"),
        ({"category": "essay", "drawing": None, "essay_text": ""}, "essay_text"),
        (
            {"category": "essay", "drawing": None, "essay_file": upload(b"PK\x03\x04x", "e.docx")},
            "essay_file",
        ),
    ],
)
def test_bad_submissions_are_400_with_a_message(client, contest, notice, overrides, field):
    response = client.post(URL, form_data(contest, **overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Entry.objects.exists()


def test_essay_from_a_text_file_is_stored_as_text(client, contest, notice):
    file = upload("<b>第一段</b>\n\n第二段".encode("gb18030"), "e.txt", "text/plain")
    response = client.post(URL, form_data(contest, category="essay", drawing=None, essay_file=file))
    assert response.status_code == 302
    assert Entry.objects.get().essay_text == "<b>第一段</b>\n\n第二段"


def test_submissions_are_rate_limited_per_phone(client, contest, notice):
    for _ in range(10):
        assert client.post(URL, form_data(contest)).status_code == 302
    response = client.post(URL, form_data(contest))
    assert response.status_code == 429
    assert Entry.objects.count() == 10


def test_closed_contest_shows_no_form_and_refuses_posts(client, contest, notice):
    services.start_judging(contest)
    page = client.get(URL)
    assert page.context["form"] is None
    assert client.post(URL, form_data(contest)).status_code == 400
    assert not Entry.objects.exists()


def test_gallery_shows_approved_only_and_never_guardian_data(client, contest, notice):
    shown = make_entry(contest, status=Entry.Status.APPROVED, category="essay")
    hidden = make_entry(contest, status=Entry.Status.SUBMITTED, title="待审核作品")
    for url in (URL, f"{URL}entries/{shown.pk}/", f"/en{URL}", f"/en{URL}entries/{shown.pk}/"):
        html = client.get(url).content.decode()
        assert shown.title in html
        assert "王芳" not in html and "13912345678" not in html
        assert hidden.title not in html
    assert client.get(f"{URL}entries/{hidden.pk}/").status_code == 404


def test_entry_detail_has_its_own_share_meta(client, contest, django_capture_on_commit_callbacks):
    entry = make_entry(contest)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(entry, by=staff())
    entry.refresh_from_db()
    html = client.get(f"{URL}entries/{entry.pk}/").content.decode()
    assert f'<meta property="og:url" content="http://testserver{URL}entries/{entry.pk}/">' in html
    assert f'content="http://testserver{entry.display_image.url}"' in html
    assert f'<meta property="og:title" content="{entry.title} · 小雨' in html


def test_essays_are_plain_text_with_paragraphs(client, contest):
    entry = make_entry(contest, status=Entry.Status.APPROVED, category="essay")
    Entry.objects.filter(pk=entry.pk).update(essay_text="<script>alert(1)</script>\n第二段")
    html = client.get(f"{URL}entries/{entry.pk}/").content.decode()
    assert "<script>alert(1)" not in html
    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>" in html
    assert "<p>第二段</p>" in html


@pytest.mark.parametrize(
    "query",
    [
        "?page=abc",
        "?page=99999999999999999999",
        "?page=-1",
        "?category=sculpture",
        "?age_group=abc",
        "?age_group=99999999999999999999999",
        "?award=gold",
        "?school=" + "x" * 500,
    ],
)
def test_hostile_gallery_queries_never_fail(client, contest, query):
    make_entry(contest, status=Entry.Status.APPROVED)
    assert client.get(URL + query).status_code == 200


def test_gallery_filters_and_awards_only_after_publication(client, contest):
    drawing = make_entry(contest, status=Entry.Status.APPROVED, school="城中实验小学")
    essay = make_entry(contest, status=Entry.Status.APPROVED, category="essay")
    contest = services.start_judging(contest)
    services.set_award(drawing, Entry.Award.FIRST)

    def titles(query):
        return {e.title for e in client.get(URL + query).context["gallery_page"].object_list}

    assert titles("?category=essay") == {essay.title}
    assert titles("?school=城中实验小学") == {drawing.title}
    assert titles("?award=first") == {drawing.title, essay.title}  # ignored until published
    assert "First prize" not in client.get(f"/en{URL}").content.decode()
    services.publish_results(contest)
    assert titles("?award=first") == {drawing.title}
    assert "First prize" in client.get(f"/en{URL}").content.decode()


def test_gallery_queries_do_not_grow_with_entries(client, contest, django_assert_max_num_queries):
    for _ in range(3):
        make_entry(contest, status=Entry.Status.APPROVED)
    client.get(URL)
    with django_assert_max_num_queries(40) as small:
        client.get(URL)
    few = len(small.captured_queries)
    for _ in range(20):
        make_entry(contest, status=Entry.Status.APPROVED)
    client.get(URL)  # the new entries started a new generation: warm its caches too
    with django_assert_max_num_queries(few):
        client.get(URL)


def test_withdraw_link_unknown_token_is_404(client, db):
    assert client.get(reverse("contest:withdraw", args=["x" * 40])).status_code == 404
    assert client.post(reverse("contest:withdraw", args=["x" * 400])).status_code == 404


def test_approved_entry_appears_in_gallery(client, contest, django_capture_on_commit_callbacks):
    entry = make_entry(contest)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(entry, by=staff())
    html = client.get(URL).content.decode()
    entry.refresh_from_db()
    assert entry.thumbnail.url in html


def test_contest_page_goes_under_the_home_page_only(home):
    assert ContestPage.can_create_at(home)
    assert not ContestPage.can_create_at(home.get_parent())


def _hostile_files():
    return {
        "bomb-header": (png_header_claiming(100_000, 100_000), "a.png", 400),
        "html-as-jpg": (b"<!doctype html><script>alert(1)</script>", "a.jpg", 400),
        "pdf-as-png": (b"%PDF-1.4\n%%EOF", "a.png", 400),
        "svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "a.svg", 400),
        "truncated": (truncated_jpeg(), "a.jpg", 400),
        "empty": (b"", "a.jpg", 400),
        "cmyk": (image_bytes("JPEG", mode="CMYK", color=(0, 0, 0, 0)), "a.jpg", 302),
        "16-bit": (image_bytes("PNG", mode="I;16", color=1000), "a.png", 302),
        "script-appended": (image_bytes() + b"<script>alert(1)</script>", "a.jpg", 302),
    }


@pytest.mark.parametrize("case", list(_hostile_files()))
def test_every_hostile_upload_is_a_4xx_or_a_clean_reencode(client, contest, notice, case):
    data, name, expected = _hostile_files()[case]
    response = client.post(URL, form_data(contest, drawing=upload(data, name)))
    assert response.status_code == expected
    if expected == 400:
        assert response.context["form"].errors["drawing"]
        assert response.context["form"]["title"].value() == "消防车来了"  # kept what was typed
    else:
        entry = Entry.objects.get()
        with entry.original.open("rb") as stored:
            content = stored.read()
        assert b"<script" not in content and content[:4] in (b"\xff\xd8\xff\xe0", b"\x89PNG")


def test_a_closed_contest_points_to_the_one_open_now(client, contest, home, notice):
    from datetime import timedelta

    from django.utils import timezone

    from tests.media.contest.factories import make_contest

    services.publish_results(services.start_judging(contest))
    assert 'class="next-call"' not in client.get(contest.url).content.decode()
    later = make_contest(home, slug="next-contest", title="第二届大赛")
    html = client.get(contest.url).content.decode()
    assert 'class="next-call"' in html and "第二届大赛" in html
    assert f'href="{later.url}#submit"' in html
    assert 'class="next-call"' not in client.get(later.url).content.decode()
    # The English page points to the English page of the open contest.
    english = client.get("/en" + contest.url).content.decode()
    assert f'href="/en{later.url}#submit"' in english
    # Once that one closes too, there is nothing to point to.
    ContestPage.objects.filter(pk=later.pk).update(closes_at=timezone.now() - timedelta(1))
    assert 'class="next-call"' not in client.get(contest.url).content.decode()


def _held_token(response):
    return response.context["form"]["held_drawing"].value()


def test_the_chosen_drawing_survives_a_failed_submit(client, contest, notice):
    from media.contest.models.entry import get_private_storage

    failed = client.post(URL, form_data(contest, consent=None))
    assert failed.status_code == 400
    token = _held_token(failed)
    assert token
    html = failed.content.decode()
    assert f'name="held_drawing" value="{token}"' in html
    assert "我们已为您保留" in html
    storage = get_private_storage()
    _folders, files = storage.listdir("held")
    assert len(files) == 1  # kept privately: the private storage has no public URL
    # Sent again with the consent and without choosing the file: accepted, same picture.
    response = client.post(URL, form_data(contest, drawing=None, held_drawing=token))
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert entry.category == "drawing" and entry.image_width > 0
    assert storage.listdir("held")[1] == []  # released once submitted


def test_a_held_drawing_needs_its_genuine_token_for_its_own_contest(client, contest, notice):
    from types import SimpleNamespace

    from media.contest import held

    token = _held_token(client.post(URL, form_data(contest, consent=None)))
    for forged in (token[:-2] + "xx", "not-a-token"):
        response = client.post(URL, form_data(contest, drawing=None, held_drawing=forged))
        assert response.status_code == 400
        assert "held_drawing" in response.context["form"].errors or (
            "drawing" in response.context["form"].errors
        )
    other = SimpleNamespace(pk=contest.pk + 1000)
    assert held.restore(token, other) is None
    assert held.restore(token, contest) is not None
    assert not Entry.objects.exists()


def test_the_schedule_deletes_held_drawings_after_two_hours(client, contest, notice):
    from datetime import timedelta

    from django.utils import timezone

    from media.contest import held
    from media.contest.models.entry import get_private_storage

    client.post(URL, form_data(contest, consent=None))
    assert held.sweep() == 0
    later = timezone.now() + timedelta(seconds=held.HOLD_SECONDS + 60)
    assert held.sweep(now=later) == 1
    assert get_private_storage().listdir("held")[1] == []


def test_results_page_lists_winners_first_highest_award_first(client, contest):
    third = make_entry(contest, status=Entry.Status.APPROVED, title="三等奖")
    first = make_entry(contest, status=Entry.Status.APPROVED, title="一等奖")
    make_entry(contest, status=Entry.Status.APPROVED, title="参与作品")
    contest = services.start_judging(contest)
    services.set_award(third, Entry.Award.THIRD)
    services.set_award(first, Entry.Award.FIRST)
    services.publish_results(contest)
    titles = [e.title for e in client.get(URL).context["gallery_page"].object_list]
    assert titles == ["一等奖", "三等奖", "参与作品"]


def test_one_essay_limit_in_rules_form_and_validation(client, contest, notice):
    ContestPage.objects.filter(pk=contest.pk).update(
        essay_max_chars=800, rules="<ul><li>每人每类限投一件。</li></ul>"
    )
    html = client.get(URL).content.decode()
    assert "作文不超过 800 字。" in html  # in the rules
    assert "不超过 800 字。" in html.split('id="id_essay_text"', 1)[1]  # by the field
    essay = {"category": "essay", "drawing": None}
    assert client.post(URL, form_data(contest, essay_text="火" * 801, **essay)).status_code == 400
    response = client.post(URL, form_data(contest, essay_text="火" * 800, **essay))
    assert response.status_code == 302
