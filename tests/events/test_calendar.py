"""The booking calendar: weeks run Monday to Sunday and each date sits under its weekday."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def cells(client, month):
    html = client.get(reverse("events:calendar"), {"month": month}).content.decode()
    grid = html[html.index('<ol class="plain calendar">') : html.index("</ol>")]
    return html, re.findall(
        r'<li class="calendar-day([^"]*)"[^>]*>(?:\s*<h3><time datetime="([^"]+)")?', grid
    )


@pytest.mark.parametrize(
    ("month", "pad_before", "days"),
    [("2026-12", 1, 31), ("2027-07", 3, 31), ("2027-02", 0, 28)],
    ids=[
        "December 2026 starts on a Tuesday",
        "July 2027 on a Thursday",
        "February 2027 on a Monday",
    ],
)
def test_first_of_the_month_sits_under_its_weekday(client, month, pad_before, days):
    _html, grid = cells(client, month)
    assert len(grid) % 7 == 0
    dates = [when for classes, when in grid if "calendar-pad" not in classes]
    assert dates[0] == f"{month}-01" and len(dates) == days
    assert [classes for classes, _ in grid[:pad_before]] == [" calendar-pad"] * pad_before
    assert "calendar-pad" not in grid[pad_before][0]


def test_weekday_headings_run_monday_to_sunday(client):
    html, _grid = cells(client, "2026-12")
    headings = re.search(r'<div class="calendar-weekdays" aria-hidden="true">(.*?)</div>', html)
    assert re.findall(r"<span>(.)</span>", headings.group(1)) == list("一二三四五六日")
