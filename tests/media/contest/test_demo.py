import io

from django.core.management import call_command
from django.template import Context, Template
from django.test import RequestFactory

from media.contest import selectors
from media.contest.models import ContestPage, Entry, Score


def test_demo_has_a_published_contest_in_every_state_and_an_open_one(client, home):
    call_command("demo", "--no-admin", stdout=io.StringIO())
    past = ContestPage.objects.get(slug="children-contest", locale=home.locale)
    current = ContestPage.objects.get(slug="children-contest-2", locale=home.locale)

    assert past.results_are_public and past.results_published_at
    assert set(past.entries.values_list("status", flat=True)) == set(Entry.Status)
    assert past.entries.exclude(award="").exists()
    assert Score.objects.filter(entry__contest=past).exists()

    assert current.status == ContestPage.Status.OPEN and current.is_accepting_entries()
    statuses = set(current.entries.values_list("status", flat=True))
    assert statuses == {Entry.Status.SUBMITTED, Entry.Status.APPROVED}
    assert current.entries.filter(status=Entry.Status.APPROVED).exclude(thumbnail="").exists()
    assert not current.entries.exclude(award="").exists()
    assert not Score.objects.filter(entry__contest=current).exists()

    # Residents can use the form, and see the approved works below it.
    html = client.get(current.url).content.decode()
    assert 'id="submit"' in html and 'enctype="multipart/form-data"' in html
    assert "entry-card" in html
    assert 'id="submit"' not in client.get(past.url).content.decode()

    # "The contest" the site links to is the open one: the home page's call and the menu.
    assert selectors.current_contest() == current
    request = RequestFactory().get("/")
    highlights = Template("{% load contest_tags %}{% contest_highlights %}").render(
        Context({"request": request})
    )
    assert f'href="{current.url}#submit"' in highlights
    # The menu's contest item leads to the open call: to its page, or to last year's
    # page, which then points to it.
    header = client.get("/").content.decode().split("</header>")[0]
    assert f'href="{current.url}"' in header or f'href="{past.url}"' in header
    assert f'href="{current.url}#submit"' in client.get(past.url).content.decode()


def test_demo_contests_twice_change_nothing(home):
    call_command("demo", "--no-admin", stdout=io.StringIO())

    def snapshot():
        return (
            list(ContestPage.objects.order_by("pk").values_list("pk", "status", "opens_at")),
            list(Entry.objects.order_by("pk").values_list("pk", "status", "award", "original")),
            Score.objects.count(),
        )

    first = snapshot()
    assert len(first[0]) == 4  # two contests, each with its English alias
    call_command("demo", "--no-admin", stdout=io.StringIO())
    assert snapshot() == first
