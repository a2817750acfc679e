"""The demo loader's dates: relative to the day it runs, never a fixed calendar."""

import datetime

from django.utils import timezone

from core.demo import weekdays_after, when

FRIDAY = datetime.date(2026, 12, 4)


def test_a_number_is_days_from_today_and_a_date_stays_history():
    assert when(-3, FRIDAY) == datetime.date(2026, 12, 1)
    assert when(datetime.date(2020, 7, 15), FRIDAY) == datetime.date(2020, 7, 15)


def test_next_takes_the_first_of_the_month_days_still_ahead():
    assert when({"next": ["07-01"], "days": -1}, FRIDAY) == datetime.date(2027, 6, 30)
    assert when({"next": ["03-01", "09-01"]}, FRIDAY) == datetime.date(2027, 3, 1)
    assert when({"next": ["03-01", "09-01"]}, datetime.date(2027, 3, 1)) == datetime.date(
        2027, 9, 1
    )


def test_last_years_dates_and_times_even_from_a_leap_day():
    opens = when({"years": -1, "on": "03-01", "at": "08:00"}, datetime.date(2028, 2, 29))
    assert timezone.localtime(opens).replace(tzinfo=None) == datetime.datetime(2027, 3, 1, 8)


def test_weekdays_fall_strictly_after_the_anchor_week_by_week():
    # ISO 5 is Friday: the anchor day itself is never taken, and a week runs from its
    # first weekday (the camp's two weeks from the Monday after 30 June 2027, a Wednesday).
    assert weekdays_after(FRIDAY, [5, 6], weeks=2) == [
        datetime.date(2026, 12, 11),
        datetime.date(2026, 12, 12),
        datetime.date(2026, 12, 18),
        datetime.date(2026, 12, 19),
    ]
    camp = weekdays_after(datetime.date(2027, 6, 30), [1, 2, 3, 4, 5], weeks=2)
    assert camp[0] == datetime.date(2027, 7, 5) and camp[-1] == datetime.date(2027, 7, 16)
    # "after = -8" with Saturday: the last Saturday before today.
    assert weekdays_after(when(-8, FRIDAY), [6]) == [datetime.date(2026, 11, 28)]


def test_last_saturday_is_before_today_on_every_day_of_the_week():
    """The checked-in visit "last Saturday" (after = -8) never falls on today: on a
    Saturday in Shanghai the old demo put it on today's afternoon and overfilled it."""
    for offset in range(7):
        today = FRIDAY + datetime.timedelta(days=offset)
        (saturday,) = weekdays_after(when(-8, today), [6])
        assert 1 <= (today - saturday).days <= 7
