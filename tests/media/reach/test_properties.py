"""Property-based: whatever sequence of entries, imports, edits, recomputes (attendance
as check-ins and cancellations change it, contest entries), approvals and revocations
happens, the public figures stay honest, and read from what the write path keeps they
equal the figures summed row by row."""

import datetime
from collections import defaultdict

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from media.reach import selectors, services
from media.reach.models import ApprovedPeriod, Metric, Tally, TallyRevision

from .factories import channel, metric, place
from .kept import assert_running_as_rebuilt, assert_same_as_row_by_row

pytestmark = pytest.mark.django_db
FIRST = datetime.date(2024, 7, 1)  # a Monday
DAYS = 35


def day_strategy():
    return st.integers(0, DAYS - 1).map(lambda n: FIRST + datetime.timedelta(days=n))


kinds = st.sampled_from(["day", "day", "week", "month"])
counts = st.integers(0, 500)
operations = st.one_of(
    st.tuples(
        st.just("enter"),
        st.sampled_from(["plays", "users"]),
        day_strategy(),
        kinds,
        counts,
        st.sampled_from(["place", "other"]),
    ),
    st.tuples(
        st.just("import"),
        st.lists(st.tuples(day_strategy(), kinds, counts), min_size=1, max_size=4),
        st.sampled_from(["plays", "users"]),
    ),
    st.tuples(st.just("edit"), st.integers(0, 20), counts),
    st.tuples(st.just("delete"), st.integers(0, 20)),
    st.tuples(
        st.just("attendance"),  # check-ins, late check-ins and cancelled sessions
        st.lists(st.tuples(day_strategy(), st.integers(0, 60)), max_size=4),
    ),
    st.tuples(
        st.just("contest"), st.lists(st.tuples(day_strategy(), st.integers(0, 9)), max_size=4)
    ),
    st.tuples(st.just("approve"), day_strategy(), st.integers(0, 20)),
    st.tuples(st.just("revoke"), st.integers(0, 5)),
)


def expected_public_totals():
    """Independently of the selectors: flows add their approved rows, running totals take
    each channel × place's latest approved value."""
    totals = defaultdict(int)
    latest = {}
    for tally in Tally.objects.filter(approved=True, metric__public=True).select_related("metric"):
        if tally.metric.aggregation == Metric.Aggregation.LAST:
            key = (tally.metric_id, tally.channel_id, tally.place_id)
            if key not in latest or latest[key][0] < tally.period_start:
                latest[key] = (tally.period_start, tally.count)
        else:
            totals[tally.metric_id] += tally.count
    for (metric_id, _channel, _place), (_day, count) in latest.items():
        totals[metric_id] += count
    return dict(totals)


def no_overlaps():
    groups = defaultdict(list)
    for t in Tally.objects.all():
        groups[(t.metric_id, t.channel_id, t.place_id, t.campaign_id)].append(t)
    for rows in groups.values():
        rows.sort(key=lambda t: t.period_start)
        for before, after in zip(rows, rows[1:], strict=False):
            assert before.period_end < after.period_start, (before, after)


def frozen():
    """Figures inside approvals in force: {tally id: (count, qualifier)}."""
    q = None
    for period in ApprovedPeriod.objects.in_force():
        part = services.covered_by(period)
        q = part if q is None else q | part
    if q is None:
        return {}
    return {t.pk: (t.count, t.qualifier) for t in Tally.objects.filter(q)}


def apply(operation, catalogue, user):
    name = operation[0]
    if name == "enter":
        _, which, day, kind, count, where = operation
        m, c = catalogue[which]
        services.record_tally(
            metric=m, channel=c, place=catalogue[where], day=day, count=count, period_kind=kind
        )
    elif name == "import":
        m, c = catalogue[operation[2]]
        rows = [
            services.TallyRow(
                metric_id=m.pk,
                channel_id=c.pk,
                place_id=catalogue["place"].pk,
                day=day,
                count=count,
                period_kind=kind,
                line=n + 2,
            )
            for n, (day, kind, count) in enumerate(operation[1])
        ]
        services.write_tallies(rows, source=Tally.Source.IMPORTED, filename="p.csv")
    elif name in {"edit", "delete"}:
        tallies = list(Tally.objects.order_by("pk"))
        if not tallies:
            return
        tally = tallies[operation[1] % len(tallies)]
        if name == "edit":
            services.change_tally(tally, count=operation[2])
        else:
            services.delete_tally(tally)
    elif name == "attendance":
        rows = [
            {"day": day, "kind": "school_talk", "place": "消防教育馆", "persons": n, "sessions": 1}
            for day, n in operation[1]
        ]
        services.derive_tallies("attendance", rows)
    elif name == "contest":
        rows = [{"day": day, "category": "drawing", "entries": n} for day, n in operation[1]]
        services.derive_tallies("contest", rows)
    elif name == "approve":
        _, start, length = operation
        services.approve_period(start=start, end=start + datetime.timedelta(days=length))
    elif name == "revoke":
        periods = list(ApprovedPeriod.objects.in_force().order_by("pk"))
        if periods:
            services.revoke_approval(periods[operation[1] % len(periods)], user=user, reason="复核")


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(operations, min_size=1, max_size=12))
def test_public_figures_stay_honest_under_any_sequence(django_user_model, steps):
    with transaction.atomic():
        user = django_user_model.objects.create_superuser("approver", "a@example.cn", "pw")
        plays = metric("plays", "plays")
        users = metric("users", "persons", aggregation=Metric.Aggregation.LAST)
        catalogue = {
            "plays": (plays, channel(plays)),
            "users": (users, channel(users)),
            "place": place("澄江街道"),
            "other": place("南闸街道"),
        }
        for operation in steps:
            before = frozen()
            try:
                with transaction.atomic():
                    apply(operation, catalogue, user)
            except (services.ValidationError, services.WriteError):
                pass
            public = {
                f["metric"].pk: f["total"]
                for f in selectors.totals_by_metric(selectors.tallies(public=True))
                if f["total"]
            }
            assert public == {k: v for k, v in expected_public_totals().items() if v}
            # Read from what the write path keeps, as summed row by row.
            assert_same_as_row_by_row(selectors.tallies())
            assert_same_as_row_by_row(selectors.tallies(public=True))
            no_overlaps()
            if operation[0] not in {"approve", "revoke"}:
                after = frozen()
                for pk, value in before.items():
                    assert after.get(pk) == value, (operation, pk)
            revised = set(
                TallyRevision.objects.filter(action="create").values_list("tally_id", flat=True)
            )
            assert set(Tally.objects.values_list("pk", flat=True)) <= revised
        assert_running_as_rebuilt()
        transaction.set_rollback(True)
