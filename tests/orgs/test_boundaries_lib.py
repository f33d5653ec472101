import datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from hienmau.orgs.lib.boundaries import Node, SuccessorCycleError, cycle_if_linked, resolve, rollup

TODAY = datetime.date(2026, 1, 1)
CEASED = datetime.date(2025, 6, 12)


def test_merger_hands_everything_to_the_successor():
    nodes = {1: Node(1, None, "national"), 2: Node(2, 1, "province", valid_until=CEASED), 3: Node(3, 1, "province")}
    assert resolve(2, nodes, {2: [(3, Decimal(1))]}, TODAY) == {3: 1}


def test_split_divides_by_shares_and_equal_shares_by_default():
    nodes = {
        1: Node(1, None, "national", valid_until=CEASED),
        2: Node(2, None, "province"),
        3: Node(3, None, "province"),
    }
    assert resolve(1, nodes, {1: [(2, Decimal("0.6")), (3, Decimal("0.4"))]}, TODAY) == {
        2: Fraction(3, 5),
        3: Fraction(2, 5),
    }
    assert resolve(1, nodes, {1: [(2, Decimal(1)), (3, Decimal(1))]}, TODAY) == {2: Fraction(1, 2), 3: Fraction(1, 2)}


def test_abolished_district_without_successor_hands_to_its_parent_then_the_parents_successor():
    nodes = {
        1: Node(1, None, "national"),
        2: Node(2, 1, "province", valid_until=CEASED),  # Kiên Giang
        3: Node(3, 2, "district", valid_until=datetime.date(2025, 7, 1)),  # An Minh
        4: Node(4, 1, "province", valid_from=CEASED),  # An Giang
    }
    assert resolve(3, nodes, {2: [(4, Decimal(1))]}, TODAY) == {4: 1}
    totals, unplaced = rollup({3: 350}, nodes, {2: [(4, Decimal(1))]}, level="province", on=TODAY)
    assert totals == {4: 350} and unplaced == 0
    historical, _ = rollup({3: 350}, nodes, {2: [(4, Decimal(1))]}, level="province", on=None)
    assert historical == {2: 350}


def test_cycle_detection():
    assert cycle_if_linked({1: [2], 2: [3]}, 3, 1) == [3, 1, 2, 3]
    assert cycle_if_linked({1: [2]}, 1, 3) is None
    assert cycle_if_linked({}, 5, 5) == [5, 5]


def test_resolving_through_a_stored_cycle_raises():
    nodes = {1: Node(1, None, "x", valid_until=CEASED), 2: Node(2, None, "x", valid_until=CEASED)}
    with pytest.raises(SuccessorCycleError):
        resolve(1, nodes, {1: [(2, Decimal(1))], 2: [(1, Decimal(1))]}, TODAY)


@st.composite
def ceased_graphs(draw):
    """A forest of units where links only point to higher ids (so no cycles); some units ceased."""
    size = draw(st.integers(min_value=1, max_value=12))
    nodes, successors = {}, {}
    for pk in range(size):
        parent = draw(st.one_of(st.none(), st.integers(0, pk - 1))) if pk else None
        ceased = draw(st.booleans())
        nodes[pk] = Node(
            pk,
            parent,
            draw(st.sampled_from(["province", "district", "commune"])),
            valid_until=CEASED if ceased else None,
        )
        if ceased and pk < size - 1:
            targets = draw(st.lists(st.integers(pk + 1, size - 1), unique=True, max_size=3))
            shares = [Decimal(draw(st.integers(1, 100))) / 100 for _ in targets]
            successors[pk] = list(zip(targets, shares))
    return nodes, successors


def _resolve_or_skip_cycle(start, nodes, successors):
    # A successor that is a descendant of a unit ceased without successors can loop through parents;
    # such graphs are refused elsewhere (cycle checks), here they are simply not the case under test.
    try:
        return resolve(start, nodes, successors, TODAY)
    except SuccessorCycleError:
        assume(False)


@given(ceased_graphs(), st.data())
def test_weights_always_sum_to_one_and_land_on_units_of_today(graph, data):
    nodes, successors = graph
    start = data.draw(st.sampled_from(sorted(nodes)))
    weights = _resolve_or_skip_cycle(start, nodes, successors)
    assert sum(weights.values()) == 1
    for pk in weights:
        node = nodes[pk]
        assert node.valid_on(TODAY) or (not successors.get(pk) and node.parent_id is None)


@given(ceased_graphs(), st.dictionaries(st.integers(0, 11), st.integers(0, 1000), max_size=6))
def test_rollup_loses_and_invents_nothing(graph, amounts):
    nodes, successors = graph
    amounts = {pk: value for pk, value in amounts.items() if pk in nodes}
    try:
        totals, unplaced = rollup(amounts, nodes, successors, level="province", on=TODAY)
    except SuccessorCycleError:
        assume(False)
    assert sum(totals.values()) + unplaced == sum(amounts.values())
