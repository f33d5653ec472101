"""The arithmetic of next year's draft (plans/lib/drafting.py): totals exact, nothing negative, the same
input the same output, whatever the weights, step and method."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hienmau.plans.lib import drafting as rules
from hienmau.plans.lib.drafting import DraftingError, WeightRow, largest_remainder, propose, split_parts

weights_lists = st.lists(st.integers(min_value=0, max_value=5000), min_size=1, max_size=40)
totals = st.integers(min_value=1, max_value=200_000)
steps = st.integers(min_value=1, max_value=50)
rows_strategy = st.lists(
    st.builds(
        WeightRow,
        target=st.integers(min_value=0, max_value=3000).map(Fraction),
        actual=st.integers(min_value=0, max_value=3000).map(Fraction),
        organisation=st.booleans(),
        population=st.one_of(st.none(), st.integers(min_value=1, max_value=500_000)),
    ),
    min_size=1,
    max_size=30,
)


@given(totals, weights_lists, steps)
def test_parts_add_up_to_the_total_and_are_never_negative(total, weights, step):
    parts = largest_remainder(total, weights, step)
    assert sum(parts) == total
    assert all(p >= 0 for p in parts)
    assert largest_remainder(total, weights, step) == parts  # same input, same output


@given(totals, weights_lists, steps)
def test_every_part_is_a_multiple_of_the_step_but_the_one_taking_the_rest(total, weights, step):
    parts = largest_remainder(total, weights, step)
    off_step = [i for i, p in enumerate(parts) if p % step]
    assert len(off_step) <= 1
    if total % step:
        assert len(off_step) == 1 or step == 1


@given(totals, weights_lists, steps)
def test_each_part_stays_within_one_step_of_its_exact_share(total, weights, step):
    parts = largest_remainder(total, weights, step)
    whole = sum(weights) or len(weights)
    exact = [Fraction(total * (w if sum(weights) else 1), whole) for w in weights]
    for part, share in zip(parts, exact):
        assert share - step < part < share + 2 * step


def test_the_rounding_follows_the_issue_example():
    # 1.000 in steps of 5 by 1:1:1: 333⅓ each → 330, 330, 330; the 10 left go in two steps of 5 to the
    # first two (equal remainders and weights: row order).
    assert largest_remainder(1000, [1, 1, 1], 5) == [335, 335, 330]
    # 1.003: the 3 that is not a step goes to the largest share.
    assert largest_remainder(1003, [1, 2, 1], 5) == [250, 503, 250]
    # Larger weight wins a tie on remainders.
    assert largest_remainder(10, [1, 3], 5) == [0, 10]


def test_zero_weights_share_evenly_and_bad_input_is_refused():
    assert largest_remainder(10, [0, 0], 5) == [5, 5]
    with pytest.raises(DraftingError):
        largest_remainder(-1, [1], 5)
    with pytest.raises(DraftingError):
        largest_remainder(10, [1], 0)
    with pytest.raises(DraftingError):
        largest_remainder(10, [], 5)


@given(totals, rows_strategy, steps, st.sampled_from(["actual", "plan", "population"]))
def test_every_method_keeps_the_total_exact(total, rows, step, method):
    proposed, _notes = propose(total, rows, method, step)
    assert sum(proposed) == total and all(p >= 0 for p in proposed)
    assert propose(total, rows, method, step)[0] == proposed


@given(totals, rows_strategy, steps, st.integers(0, 10), st.integers(0, 10), st.integers(0, 10))
def test_a_blend_keeps_the_total_exact(total, rows, step, a, p, q):
    if a + p + q == 0:
        a = 1
    blend = rules.parse_blend(f"actual={a},plan={p},population={q}")
    proposed, _notes = propose(total, rows, "blend", step, blend)
    assert sum(proposed) == total and all(x >= 0 for x in proposed)


def test_actual_takes_the_result_or_the_target_where_nothing_was_counted():
    assert rules.actual_weight(350, 120) == 120
    assert rules.actual_weight(350, 0) == 350
    rows = [
        WeightRow(Fraction(100), rules.actual_weight(100, 300)),
        WeightRow(Fraction(100), rules.actual_weight(100, 0)),
    ]
    assert propose(400, rows, "actual", 5)[0] == [300, 100]
    assert propose(400, rows, "plan", 5)[0] == [200, 200]


def test_population_keeps_organisations_share_and_splits_the_rest_by_people():
    rows = [
        WeightRow(Fraction(100), Fraction(0), organisation=True),  # 25 % of last year's plan
        WeightRow(Fraction(200), Fraction(0), population=30_000),
        WeightRow(Fraction(100), Fraction(0), population=10_000),
    ]
    proposed, notes = propose(1000, rows, "population", 5)
    # The organisation keeps its quarter; 750 by 3:1 is 562,5 / 187,5: 560 / 185 and the step left goes
    # to the larger weight on equal remainders.
    assert proposed == [250, 565, 185]
    assert notes == {}


def test_population_unknown_keeps_the_plan_share_and_says_so():
    rows = [WeightRow(Fraction(100), Fraction(0), population=None), WeightRow(Fraction(300), Fraction(0), population=5)]
    proposed, notes = propose(400, rows, "population", 5)
    assert proposed == [100, 300]
    assert notes == {rules.NO_POPULATION_KEPT_SHARE: [0]}


def test_blend_weights_are_read_and_refused_clearly():
    assert rules.parse_blend("actual=0.5, population=0,5".replace("0,5", "0.5")) == {
        "actual": Fraction(1, 2),
        "population": Fraction(1, 2),
    }
    assert rules.parse_blend("actual=1,plan=3") == {"actual": Fraction(1, 4), "plan": Fraction(3, 4)}
    for bad in ("", "actual", "nonsense=1", "actual=x", "actual=-1", "actual=0"):
        with pytest.raises(DraftingError):
            rules.parse_blend(bad)


@given(
    st.integers(min_value=0, max_value=10_000),
    st.dictionaries(st.sampled_from([f"month:{m}" for m in range(1, 13)]), st.integers(0, 500), max_size=12),
    st.dictionaries(st.sampled_from([f"month:{m}" for m in range(1, 13)]), st.integers(0, 500), max_size=12),
)
def test_parts_of_a_row_add_up_to_its_proposal(amount, pattern, fallback):
    parts = split_parts(amount, pattern, fallback)
    if any(pattern.values()) or any(fallback.values()):
        assert sum(parts.values()) == amount
        chosen = pattern if any(pattern.values()) else fallback
        assert set(parts) <= {k for k, v in chosen.items() if v > 0}
    else:
        assert parts == {}
    assert all(v >= 0 for v in parts.values())


def test_a_row_without_a_split_takes_the_plans_overall_pattern():
    assert split_parts(100, {}, {"month:5": 1, "month:6": 3}) == {"month:5": 25, "month:6": 75}
    assert split_parts(101, {"round:1": 25, "round:2": 29}, {}) == {"round:1": 47, "round:2": 54}


def test_percent_rounds_to_one_decimal_half_up():
    assert rules.percent(120, 350) == 34.3
    assert rules.percent(1, 8) == 12.5
    assert rules.percent(5, 0) is None


def test_successors_share_by_population_else_evenly():
    shares, by_people = rules.successor_shares({1: Fraction(1), 2: Fraction(1)}, {1: 3000, 2: 1000})
    assert by_people and shares == {1: Fraction(3, 4), 2: Fraction(1, 4)}
    shares, by_people = rules.successor_shares({1: Fraction(3), 2: Fraction(1)}, {1: 3000, 2: None})
    assert not by_people and shares == {1: Fraction(1, 2), 2: Fraction(1, 2)}
