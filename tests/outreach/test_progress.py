"""The counting rules of outreach against a plan's targets (outreach/lib/progress.py), property-tested."""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hienmau.outreach.lib.progress import (
    MEDIA_KINDS,
    Progress,
    distinct_people,
    media_items,
    target_progress,
    totals_by_kind,
)
from hienmau.outreach.models import ActivityKind

kinds = st.sampled_from(ActivityKind.values)
rows = st.lists(st.tuples(kinds, st.integers(0, 10_000)), max_size=40)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows)
def test_media_items_count_only_news_radio_and_posts_by_quantity(activities):
    assert media_items(activities) == sum(q for k, q in activities if k in MEDIA_KINDS)
    assert media_items([(k, q) for k, q in activities if k not in MEDIA_KINDS]) == 0


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows, rows)
def test_media_items_add_up_over_any_split(first, second):
    assert media_items(first + second) == media_items(first) + media_items(second)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(1, 30), st.integers(1, 8)), max_size=60))
def test_a_volunteer_counts_once_however_many_days(services):
    assert distinct_people(services) == len({person for person, _ in services})
    assert distinct_people(services + services) == distinct_people(services)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000), st.integers(1, 10_000))
def test_percent_and_reached_follow_the_figure(done, target):
    progress = Progress("volunteers", Decimal(target), done)
    assert progress.reached == (done >= target)
    assert progress.percent is not None and abs(progress.percent - Decimal(done) * 100 / target) <= Decimal("0.05")
    assert 0 <= progress.bar <= 100


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000))
def test_a_target_without_a_figure_has_no_percent_and_is_never_reached(done):
    progress = Progress("media_items", None, done)
    assert progress.percent is None and progress.reached is None and progress.bar == 0


def test_only_the_plans_counted_targets_show_in_a_fixed_order():
    targets = {"media_items": None, "blood_units": Decimal(7400), "volunteers": Decimal(300)}
    shown = target_progress(targets, {"volunteers": 36, "media_items": 19})
    assert [(p.metric, p.target, p.done) for p in shown] == [
        ("volunteers", Decimal(300), 36),
        ("media_items", None, 19),
    ]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(kinds, st.integers(0, 500), st.one_of(st.none(), st.integers(0, 5000))), max_size=40))
def test_totals_by_kind_keep_every_activity_and_quantity(activity_rows):
    totals = totals_by_kind(activity_rows, ActivityKind.values)
    assert sum(t.activities for t in totals) == len(activity_rows)
    assert sum(t.quantity for t in totals) == sum(q for _k, q, _r in activity_rows)
    assert sum(t.reach for t in totals) == sum(r or 0 for _k, _q, r in activity_rows)
    assert [t.kind for t in totals] == [k for k in ActivityKind.values if any(r[0] == k for r in activity_rows)]
