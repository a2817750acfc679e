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


# Hostile bodies and headers, sent the way a real client sends them: with a CSRF
# cookie and token, so that the checks run as in production.
CSRF = "a" * 32
HOSTILE_BODIES = {
    "gbk": ("application/x-www-form-urlencoded; charset=gbk", "q=电动车".encode("gbk")),
    "utf-16": ("application/x-www-form-urlencoded; charset=utf-16", "q=x".encode("utf-16")),
    "latin-1": (
        "application/x-www-form-urlencoded; charset=latin-1",
        "q=caf\xe9".encode("latin-1"),
    ),
    "no-boundary": ("multipart/form-data; boundary=", b"--x\r\nbroken\r\n"),
    "bad-boundary": ("multipart/form-data; boundary=" + "b" * 80, b"--c\r\n\r\n--c--"),
    "cut-multipart": (
        "multipart/form-data; boundary=zz",
        b'--zz\r\nContent-Disposition: form-data; name="organization"\r\n\r\n' + b"x" * 100,
    ),
    "2001-fields": (
        "application/x-www-form-urlencoded",
        "&".join(f"f{i}=1" for i in range(2001)).encode(),
    ),
    "too-large": ("application/x-www-form-urlencoded", b"q=" + b"x" * (6 * 1024 * 1024)),
}
EXPECTED = {"gbk": 400, "utf-16": 400, "latin-1": 400, "2001-fields": 400, "too-large": 413}


@pytest.fixture
def post_endpoints(client):
    """Every public POST endpoint (with the admin login), on the demo site."""
    from events.links import manage_path
    from events.models import Session
    from tests.events.factories import BookingFactory

    call_command("demo", "--no-admin", stdout=io.StringIO())
    session = Session.objects.order_by("starts_at").last()
    booking = BookingFactory(session=session)
    return [
        f"/booking/session/{session.pk}/",
        manage_path(booking, "events:change"),
        manage_path(booking, "events:cancel"),
        "/search/",
        "/i18n/setlang/",
        "/admin/login/",
        "/children-contest-2/",
        "/en/children-contest-2/",
        "/contest/withdraw/" + "t" * 40 + "/",
    ]


def hostile_client(settings, debug):
    from django.test import Client

    settings.DEBUG = debug
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.cookies["csrftoken"] = CSRF
    return client


@pytest.mark.parametrize("debug", [False, True], ids=["production", "dev"])
def test_an_unreadable_body_is_a_400_page_on_every_post_endpoint(post_endpoints, settings, debug):
    client = hostile_client(settings, debug)
    for url in post_endpoints:
        for name, (content_type, body) in HOSTILE_BODIES.items():
            response = client.generic("POST", url, body, content_type=content_type)
            assert response.status_code < 500, (url, name, response.status_code)
            if name in EXPECTED:
                assert response.status_code == EXPECTED[name], (url, name)
                page = response.content.decode()
                assert "<!doctype html>" in page and "Nothing was saved" in page, (url, name)
                assert "没有保存任何内容" in page, (url, name)


def test_large_fields_and_spoofed_headers_never_break_a_form(post_endpoints, settings):
    client = hostile_client(settings, False)
    settings.ALLOWED_HOSTS = ["testserver"]
    megabyte = "字" * (1024 * 1024 // 3)
    for url in post_endpoints:
        for extra in (
            {},
            {"HTTP_X_FORWARDED_FOR": "203.0.113.1, <script>, ::1, 999.1.1.1"},
            {"HTTP_HOST": "evil.example"},
            {"HTTP_HOST": "testserver:99999999"},
        ):
            data = {"csrfmiddlewaretoken": CSRF, "organization": megabyte, "q": megabyte}
            response = client.post(url, data, **extra)
            assert response.status_code < 500, (url, extra, response.status_code)
        # A huge Content-Length with (almost) no body: refused before anything is read.
        response = client.generic(
            "POST",
            url,
            b"q=1",
            content_type="application/x-www-form-urlencoded",
            CONTENT_LENGTH=str(10**12),
        )
        assert response.status_code == 413, url


ODD_REQUESTS = [
    {"HTTP_ACCEPT_LANGUAGE": "\x7f;q=abc, zh-hans;q=999999999999, " + "x-" * 500},
    {"HTTP_ACCEPT_LANGUAGE": "*;q=-1,,;;"},
    {"HTTP_RANGE": "bytes=999999999999-0"},
    {"HTTP_RANGE": "bytes=-"},
    {"HTTP_IF_MODIFIED_SINCE": "Thu, 99 Foo 9999 99:99:99 GMT"},
    {"HTTP_IF_NONE_MATCH": '"' * 300},
    {
        "HTTP_COOKIE": (
            "sessionid=%ff%fe; csrftoken=\x00; django_language=../../etc; "
            "firebreak_display=\xff\xfe"
        )
    },
    {"HTTP_COOKIE": "sessionid=" + "a" * 5000},
    {"HTTP_HOST": "evil.example"},
    {"HTTP_HOST": "[::1"},
    {"HTTP_X_FORWARDED_FOR": "garbage, , 300.1.1.1"},
    {"HTTP_X_FORWARDED_PROTO": "https, http"},
]


def drain(response):
    """Read a streamed response to its end, which closes its file (static files).

    Not ``response.close()``: a second close fires ``request_finished`` again, and that
    closes the test's database connection.
    """
    if response.streaming:
        b"".join(response.streaming_content)


ODD_PAGES = [
    "/",
    "/en/",
    "/booking/",
    "/booking/?page=99999999999999999999",
    "/booking/calendar/?month=99999-99",
    "/search/?q=电动车&page=99999999999999999999",
    "/search/?page=-9223372036854775809",
    "/children-contest/?page=1e309",
    "/news/?page=%ff",
    "/safety-guides/",
    "/sitemap.xml",
    "/robots.txt",
    "/static/css/site.css",
]


def test_odd_headers_methods_and_page_numbers_never_break_a_page(client, settings, home):
    from tests.events.factories import SessionFactory

    session = SessionFactory()
    client.raise_request_exception = False
    settings.ALLOWED_HOSTS = ["testserver"]
    for path in [*ODD_PAGES, f"/booking/session/{session.pk}/"]:
        for extra in ODD_REQUESTS:
            response = client.get(path, **extra)
            drain(response)
            assert response.status_code < 500, (path, extra, response.status_code)
        for method in ("HEAD", "OPTIONS", "PUT", "PATCH", "DELETE", "TRACE", "PROPFIND"):
            response = client.generic(method, path, b"x=1")
            drain(response)
            assert response.status_code < 500, (path, method, response.status_code)


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded; charset*=zz''x", "text/plain; a*=nope''b"],
)
def test_an_unparsable_content_type_is_a_400_from_the_wsgi_application(content_type):
    """Django parses Content-Type while building the request, outside its error handling:
    this goes through the real WSGI entry point, as gunicorn calls it."""
    from config.wsgi import application

    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/search/",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": "3",
        "wsgi.input": io.BytesIO(b"a=b"),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
    }
    started = []
    body = b"".join(application(environ, lambda status, headers: started.append(status)))
    assert started[0].startswith("400")
    assert "没有保存任何内容".encode() in body


def test_an_unparsable_content_type_is_a_400_from_the_asgi_application():
    from asgiref.sync import async_to_sync

    from config.asgi import application

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/search/",
        "headers": [(b"host", b"testserver"), (b"content-type", b"text/plain; a*=nope''b")],
        "query_string": b"",
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 5000),
    }
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"a=b", "more_body": False}

    async def send(message):
        sent.append(message)

    async_to_sync(application)(scope, receive, send)
    assert sent[0]["status"] == 400
    assert "没有保存任何内容".encode() in b"".join(m.get("body", b"") for m in sent[1:])
