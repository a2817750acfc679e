import datetime

import pytest
from django.utils import translation

from media.reach import selectors, services
from media.reach.buckets import bucket_of
from media.reach.models import Metric, Tally

from .factories import channel, metric, place

pytestmark = pytest.mark.django_db
DAY = datetime.date(2020, 8, 3)


def enter(m, count, *, ch="general", where="澄江街道", day=DAY, **kwargs):
    return services.record_tally(
        metric=m, channel=channel(m, ch), place=place(where), day=day, count=count, **kwargs
    )[0]


def test_totals_never_add_plays_and_copies():
    plays = metric("screen-plays", Metric.Unit.PLAYS)
    leaflets = metric("leaflets", Metric.Unit.COPIES)
    enter(plays, 3800)
    enter(leaflets, 2000)
    figures = {f["metric"].code: f for f in selectors.totals_by_metric(Tally.objects.all())}
    assert figures["screen-plays"]["total"] == 3800
    assert figures["leaflets"]["total"] == 2000
    assert len(figures) == 2


def test_running_total_takes_the_latest_value_not_the_sum():
    app = metric("app", Metric.Unit.ENTERPRISES, aggregation=Metric.Aggregation.LAST)
    enter(app, 300, day=DAY)
    enter(app, 450, day=DAY + datetime.timedelta(days=7))
    enter(app, 579, day=DAY + datetime.timedelta(days=14))
    enter(app, 20, where="南闸街道", day=DAY)
    figures = selectors.totals_by_metric(Tally.objects.all())
    assert figures[0]["total"] == 579 + 20
    series = dict(selectors.time_series(Tally.objects.all(), "week")[0]["points"])
    # Carried forward: each week shows the running total, never a sum of snapshots.
    assert list(series.values()) == [320, 470, 599]


def test_people_reached_adds_only_metrics_counting_people():
    camp = metric("camp", Metric.Unit.PERSONS, counts_people=True)
    visits = metric("visits", Metric.Unit.PERSON_TIMES)
    plays = metric("screen-plays", Metric.Unit.PLAYS)
    enter(camp, 600)
    enter(visits, 900)
    enter(plays, 3800)
    assert selectors.people_reached(Tally.objects.all())["total"] == 600


def test_qualifier_of_a_sum_is_its_weakest_row_and_shows_as_plus():
    leaflets = metric("leaflets", Metric.Unit.COPIES)
    enter(leaflets, 1500, qualifier=Tally.Qualifier.AT_LEAST)
    enter(leaflets, 500, where="南闸街道")
    figure = selectors.totals_by_metric(Tally.objects.all())[0]
    assert figure["display"] == "2,000+"
    enter(leaflets, 10, where="云亭街道", qualifier=Tally.Qualifier.APPROXIMATE)
    figure = selectors.totals_by_metric(Tally.objects.all())[0]
    assert figure["qualifier"] == Tally.Qualifier.APPROXIMATE
    with translation.override("zh-hans"):
        assert selectors.format_count(figure["total"], figure["qualifier"]) == "约 2,010"
    with translation.override("en"):
        assert selectors.format_count(figure["total"], figure["qualifier"]) == "about 2,010"


def test_public_figures_are_approved_only():
    plays = metric()
    enter(plays, 100, day=DAY)
    enter(plays, 50, day=DAY + datetime.timedelta(days=30))
    services.approve_period(start=DAY, end=DAY)
    public = selectors.totals_by_metric(selectors.tallies(public=True))
    assert public[0]["total"] == 100


def test_place_filter_includes_places_inside_it():
    plays = metric()
    town = place("华士镇")
    village = place("华西村", kind="community", parent=town)
    services.record_tally(metric=plays, channel=channel(plays), place=village, day=DAY, count=7)
    enter(plays, 5, where="华士镇")
    enter(plays, 100, where="南闸街道")
    assert selectors.totals_by_metric(selectors.tallies(place=town))[0]["total"] == 12


def test_month_and_day_tallies_of_one_metric_are_never_both_counted():
    plays = metric()
    enter(plays, 10, day=DAY)
    with pytest.raises(services.ValidationError):
        enter(plays, 300, day=DAY, period_kind="month")
    # A month tally elsewhere is fine, and counts once.
    enter(plays, 300, where="南闸街道", day=DAY, period_kind="month")
    assert selectors.totals_by_metric(Tally.objects.all())[0]["total"] == 310


@pytest.mark.parametrize("bucket", ["day", "week", "month"])
def test_running_total_is_carried_into_later_buckets_without_rows(bucket):
    app = metric("app", Metric.Unit.ENTERPRISES, aggregation=Metric.Aggregation.LAST)
    plays = metric("screen-plays", Metric.Unit.PLAYS)
    enter(app, 300, day=DAY)
    enter(app, 579, day=DAY + datetime.timedelta(days=70))
    enter(plays, 5, day=DAY + datetime.timedelta(days=100))  # the range ends here
    series = {
        s["metric"].code: s["points"] for s in selectors.time_series(Tally.objects.all(), bucket)
    }
    points = series["app"]
    values = [value for _start, value in points]
    assert set(values) == {300, 579}
    assert values[0] == 300 and values[-1] == 579 and values == sorted(values)
    # One point per bucket from the first count to the end of the range, never a gap.
    buckets = {bucket_of(DAY + datetime.timedelta(days=d), bucket) for d in range(101)}
    assert [start for start, _value in points] == sorted(buckets)
    # Flows are not invented: only buckets with rows.
    assert len(series["screen-plays"]) == 1
