"""Hostile input anywhere on the public site never produces a server error.

The demo content is loaded, the public site is crawled from the home page (both
languages), and every page found is requested with arbitrary query strings; every
form found is submitted with arbitrary values for its fields (and for the files it
accepts). Any 5xx fails the test, naming the URL and the input.
"""

import io
import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.core.cache import cache
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

MAX_PAGES = 80
SKIP = re.compile(r"^/(admin|django-admin|documents|static|media)/|\.(ics|xlsx|csv|png|svg|pdf)$")

hostile_text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "99999999999999999999",
            "1e309",
            "NaN",
            "abc",
            "../../etc/passwd",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "%00",
            "\x00",
            "电动车" * 200,
            "=cmd|' /C calc'!A0",
            "2026-13-45",
            "13800000000",
            "+86 138 0000 0000",
            "true",
            "[]",
            "{}",
            "😀" * 50,
        ]
    ),
)
hostile_query = st.dictionaries(
    st.sampled_from(
        [
            "q",
            "page",
            "status",
            "district",
            "category",
            "age_group",
            "award",
            "school",
            "date",
            "month",
            "event",
            "session",
            "kind",
            "sort",
            "next",
            "mode",
            "lang",
            "topic",
            "audience",
            "campaign",
            "place",
            "metric",
        ]
    )
    | st.text(min_size=1, max_size=20),
    hostile_text,
    max_size=4,
)


class Forms(HTMLParser):
    """Links and forms of one page: forms as (action, method, field names, file fields)."""

    def __init__(self):
        super().__init__()
        self.links, self.forms, self._form = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = {
                "action": attrs.get("action") or "",
                "method": (attrs.get("method") or "get").lower(),
                "fields": set(),
                "files": set(),
            }
            self.forms.append(self._form)
        elif (
            tag in {"input", "select", "textarea"} and self._form is not None and attrs.get("name")
        ):
            if attrs.get("type") == "file":
                self._form["files"].add(attrs["name"])
            elif attrs["name"] != "csrfmiddlewaretoken":
                self._form["fields"].add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def crawl(client):
    seen, queue, pages = set(), ["/", "/en/"], []
    while queue and len(pages) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        assert response.status_code < 500, path
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = Forms()
        parser.feed(response.content.decode(errors="replace"))
        pages.append((path, parser.forms))
        for href in parser.links:
            url = urldefrag(urljoin(path, href))[0]
            parts = urlsplit(url)
            if parts.netloc in {"", "testserver"} and not SKIP.search(parts.path):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return pages


@pytest.fixture
def site_pages(client):
    call_command("demo", "--no-admin", stdout=io.StringIO())
    pages = crawl(client)
    assert len(pages) >= 2
    return pages


# Derandomized: the same hostile inputs on every run, so CI is repeatable; raise
# max_examples (or drop derandomize) locally to explore further.
FUZZ = settings(
    derandomize=True,
    database=None,
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(query=hostile_query, data=st.data())
def test_no_query_string_breaks_a_page(client, site_pages, query, data):
    path, _forms = data.draw(st.sampled_from(site_pages), label="page")
    response = client.get(path.split("?")[0], query)
    assert response.status_code < 500, (path, query)


@FUZZ
@given(values=st.dictionaries(st.text(max_size=30), hostile_text, max_size=6), data=st.data())
def test_no_form_input_breaks_a_form(client, site_pages, values, data):
    cache.clear()  # rate limits would otherwise answer 429 to most examples
    forms = [(path, form) for path, page_forms in site_pages for form in page_forms]
    if not forms:
        pytest.skip("the site has no public form yet")
    path, form = data.draw(st.sampled_from(forms), label="form")
    fields = {name: data.draw(hostile_text, label=name) for name in sorted(form["fields"])}
    fields.update(values)
    for name in form["files"]:
        fields[name] = io.BytesIO(data.draw(st.binary(max_size=2000), label=name))
    target = urljoin(path, form["action"]) or path
    if form["method"] == "post":
        response = client.post(target, fields)
    else:
        response = client.get(target, {k: v for k, v in fields.items() if isinstance(v, str)})
    assert response.status_code < 500, (target, fields)


def test_a_nul_character_in_the_url_is_refused_before_any_view(client, home):
    for url in ("/search/?q=%00", "/children-contest/?school=a%00b", "/booking/?x%00=1"):
        response = client.get(url)
        assert response.status_code == 400
        assert "无效字符" in response.content.decode()
