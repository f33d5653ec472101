"""Estimate against actual (outreach/lib/budget.py), property-tested: every đồng lands in one category and
one source, the donors' benefits on their line, the cost per unit only once blood was collected."""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hienmau.outreach.lib.budget import BENEFITS, Line, compare
from hienmau.outreach.models import BudgetCategory, FundingSource

CATEGORIES, SOURCES = BudgetCategory.values, FundingSource.values
lines = st.lists(
    st.builds(Line, st.sampled_from(CATEGORIES), st.sampled_from(SOURCES), st.integers(0, 10**9)), max_size=25
)
contributions = st.lists(st.tuples(st.sampled_from(["sponsorship", "in_kind"]), st.integers(0, 10**8)), max_size=8)


def run(estimate, spending, benefits=0, received=(), units=0):
    return compare(
        estimate,
        spending,
        benefits=benefits,
        benefits_source="state",
        contributions=received,
        units=units,
        categories=CATEGORIES,
        sources=SOURCES,
    )


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines, lines, st.integers(0, 10**9), contributions, st.integers(0, 10_000))
def test_every_dong_is_counted_once_by_category_and_by_source(estimate, spending, benefits, received, units):
    result = run(estimate, spending, benefits, received, units)
    assert result.estimate == sum(line.amount for line in estimate) == sum(r.estimate for r in result.by_category)
    assert result.actual == sum(line.amount for line in spending) + benefits
    assert sum(r.actual for r in result.by_category) == result.actual == sum(r.spent for r in result.by_source)
    assert sum(r.estimate for r in result.by_source) == result.estimate
    assert sum(r.received for r in result.by_source) == sum(amount for _source, amount in received)
    assert [r.key for r in result.by_category] == [c for c in CATEGORIES if any(r.key == c for r in result.by_category)]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines, st.integers(1, 10**9))
def test_donor_benefits_land_on_their_line_from_the_state_budget(spending, benefits):
    with_benefits, without = run([], spending, benefits), run([], spending, 0)
    line = {r.key: r.actual for r in with_benefits.by_category}
    before = {r.key: r.actual for r in without.by_category}
    assert line[BENEFITS] == before.get(BENEFITS, 0) + benefits
    state = {r.source: r.spent for r in with_benefits.by_source}
    assert state["state"] == {r.source: r.spent for r in without.by_source}.get("state", 0) + benefits


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines, st.integers(0, 10_000))
def test_cost_per_unit_is_the_actual_over_the_units_collected(spending, units):
    result = run([], spending, units=units)
    if units == 0:
        assert result.cost_per_unit is None
    else:
        assert result.cost_per_unit is not None
        assert abs(Decimal(result.cost_per_unit) - Decimal(result.actual) / units) <= Decimal("0.5")


def test_a_row_shows_the_overspend_and_its_share_of_the_estimate():
    result = run([Line("printing", "state", 8_000_000)], [Line("printing", "state", 9_200_000)])
    (row,) = result.by_category
    assert (row.difference, row.percent) == (1_200_000, Decimal("115.0"))
    assert run([], [Line("printing", "state", 5)]).by_category[0].percent is None  # nothing estimated
