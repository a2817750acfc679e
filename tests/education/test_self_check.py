"""The home self-check: "does not apply" answers, links to the guides, and a print view."""

import pytest

from education.i18n import publish_translation
from education.models import SafetyGuideIndexPage, SafetyGuidePage, SelfCheckPage
from tests.education.factories import add_page, make_site

pytestmark = pytest.mark.django_db

NO_EBIKE = "我家没有电动车"


@pytest.fixture
def self_check():
    home = make_site()
    index = add_page(home, SafetyGuideIndexPage, title="安全指南", slug="safety-guides")
    guide = add_page(
        index,
        SafetyGuidePage,
        title="预防电动车火灾",
        slug="e-bike-charging",
        body=[{"type": "text", "value": "<p>不要把电池拎回家里充电。</p>"}],
    )
    question = {"question": "楼道充电吗？", "safe_answer": "no", "advice": "到集中充电点充电。"}
    return add_page(
        home,
        SelfCheckPage,
        title="家庭防火自查",
        slug="self-check",
        questions=[
            {
                "type": "question",
                "value": {**question, "not_applicable": NO_EBIKE, "guide": guide.pk},
            },
            {
                "type": "question",
                "value": {"question": "装了烟感吗？", "safe_answer": "yes", "advice": "装烟感。"},
            },
            {
                "type": "question",
                "value": {"question": "插线板串联吗？", "safe_answer": "no", "advice": "别串联。"},
            },
        ],
    )


def test_does_not_apply_is_offered_where_the_question_has_it_and_is_not_scored(client, self_check):
    form = client.get(self_check.url).content.decode()
    assert form.count(NO_EBIKE) == 1 and form.count('value="na"') == 1

    response = client.get(self_check.url, {"check": "1", "q1": "na", "q2": "no", "q3": "no"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 项中有 1 项是安全的" in html  # the e-bike question counts neither way
    assert "1 道题不适用于你家" in html
    assert "到集中充电点充电。" not in html and "装烟感。" in html

    # A question without a "does not apply" answer refuses one.
    forged = client.get(self_check.url, {"check": "1", "q1": "na", "q2": "na", "q3": "no"})
    assert forged.status_code == 400
    assert "请从给出的答案中选择一个" in forged.content.decode()


def test_advice_links_to_its_guide_in_the_visitors_language(client, self_check):
    answers = {"check": "1", "q1": "yes", "q2": "yes", "q3": "no"}
    html = client.get(self_check.url, answers).content.decode()
    assert '<a href="/safety-guides/e-bike-charging/">阅读指南：预防电动车火灾</a>' in html

    guide = SafetyGuidePage.objects.get(slug="e-bike-charging", locale__language_code="zh-hans")
    publish_translation(guide, "en", title="Preventing e-bike fires")
    html = client.get("/en/self-check/", answers).content.decode()
    assert (
        '<a href="/en/safety-guides/e-bike-charging/">Read the guide: Preventing e-bike fires</a>'
        in html
    )


def test_the_print_view_lists_every_answer_with_the_guides_addresses(client, self_check):
    answers = {"check": "1", "q1": "yes", "q2": "yes", "q3": "no"}
    result = client.get(self_check.url, answers).content.decode()
    assert "print=1" in result and "打印版" in result

    response = client.get(self_check.url, {**answers, "print": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="self-check print-view"' in html
    table = html[html.index('<table class="answers">') : html.index("</table>")]
    assert table.count('<tr class="verdict-') == 3
    assert "到集中充电点充电。" in table and "别串联。" not in table  # only the risky one
    assert "http://testserver/safety-guides/e-bike-charging/" in table  # readable on paper
    assert "返回我的结果" in html

    na = client.get(self_check.url, {**answers, "q1": "na", "print": "1"}).content.decode()
    assert 'class="verdict-not_applicable"' in na and NO_EBIKE in na

    # Without valid answers there is nothing to print: the form comes back.
    unanswered = client.get(self_check.url, {"check": "1", "print": "1"})
    assert unanswered.status_code == 400
    assert "print-view" not in unanswered.content.decode()
