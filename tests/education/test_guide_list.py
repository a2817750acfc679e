"""The safety-guide list: paginated, filtered by topic and audience, safe on any input."""

import json
import re

import pytest

from education.models import GuideAudience, GuideTopic, SafetyGuideIndexPage, SafetyGuidePage
from tests.education.factories import add_page, make_site

pytestmark = pytest.mark.django_db

PER_PAGE = SafetyGuideIndexPage.GUIDES_PER_PAGE
BODY = json.dumps([{"type": "text", "value": "<p>步骤。</p>"}])


@pytest.fixture
def guides():
    index = add_page(make_site(), SafetyGuideIndexPage, title="安全指南", slug="safety-guides")
    kitchen = GuideTopic.objects.create(name="厨房", slug="kitchen")
    ebike = GuideTopic.objects.create(name="电动车", slug="e-bike")
    elderly = GuideAudience.objects.create(name="老人", slug="elderly")
    for n in range(2 * PER_PAGE + 5):
        guide = SafetyGuidePage(title=f"指南{n:02d}", slug=f"guide-{n}", body=BODY, priority=n)
        guide.topics = [kitchen if n % 3 == 0 else ebike]
        guide.audiences = [elderly] if n % 2 == 0 else []
        index.add_child(instance=guide)
        guide.save_revision().publish()
    return index


def slugs(html):
    return re.findall(r'<li class="card"><a href="/safety-guides/(guide-\d+)/"', html)


def test_the_list_is_paginated_and_every_guide_is_reachable(client, guides):
    seen = []
    for number in (1, 2, 3):
        html = client.get("/safety-guides/", {"page": number}).content.decode()
        seen += slugs(html)
    assert len(slugs(client.get("/safety-guides/").content.decode())) == PER_PAGE
    assert sorted(seen) == sorted(f"guide-{n}" for n in range(2 * PER_PAGE + 5))
    html = client.get("/safety-guides/", {"page": 2}).content.decode()
    assert 'href="?page=3" rel="next"' in html and 'href="?page=1" rel="prev"' in html


def test_topic_and_audience_narrow_the_list_and_the_pager_keeps_them(client, guides):
    html = client.get("/safety-guides/", {"topic": "kitchen", "audience": "elderly"}).content
    found = slugs(html.decode())
    expected = [f"guide-{n}" for n in range(2 * PER_PAGE + 5) if n % 3 == 0 and n % 2 == 0]
    assert found == expected
    kitchen_guides = SafetyGuidePage.objects.filter(topics__slug="kitchen").count()
    html = client.get("/safety-guides/", {"topic": "kitchen"}).content.decode()
    assert f"厨房 ({kitchen_guides})" in html
    html = client.get("/safety-guides/", {"topic": "e-bike"}).content.decode()
    assert 'href="?topic=e-bike&amp;page=2" rel="next"' in html


@pytest.mark.parametrize(
    "params",
    [{"page": "abc"}, {"page": "99999"}, {"topic": "<b>x</b>"}, {"audience": "x" * 5000}],
)
def test_hostile_list_parameters_never_fail(client, guides, params):
    response = client.get("/safety-guides/", params)
    assert response.status_code == 200
    assert "<b>x</b>" not in response.content.decode()
    assert slugs(response.content.decode())
