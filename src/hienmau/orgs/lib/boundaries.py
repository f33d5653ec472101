"""Following successor links from a unit that ceased to the units that exist today.

Figures recorded under a unit stay under it. A report "in today's boundaries" moves each figure along
the successor links: a merger hands everything to the one successor, a split divides it by the links'
shares (normalised, so equal shares when none were given), and a unit that ceased without a named
successor (a district abolished on 1/7/2025) hands its figures to its parent. The weights that come
out always add up to exactly 1, so no blood unit is lost or counted twice.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction


@dataclass(frozen=True)
class Node:
    id: int
    parent_id: int | None
    kind: str
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None

    def valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or self.valid_until > day
        )


class SuccessorCycleError(ValueError):
    def __init__(self, cycle: list[int]):
        super().__init__(f"successor links form a cycle: {cycle}")
        self.cycle = cycle


Successors = Mapping[int, list[tuple[int, Decimal]]]


def cycle_if_linked(successors: Mapping[int, Iterable[int]], predecessor: int, successor: int) -> list[int] | None:
    """The cycle that a new link predecessor → successor would close, or None.

    It closes one exactly when `predecessor` is already reachable from `successor`.
    """
    if predecessor == successor:
        return [predecessor, successor]
    stack: list[tuple[int, list[int]]] = [(successor, [predecessor, successor])]
    seen: set[int] = set()
    while stack:
        current, trail = stack.pop()
        for nxt in successors.get(current, ()):
            if nxt == predecessor:
                return [*trail, nxt]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*trail, nxt]))
    return None


def resolve(unit_id: int, nodes: Mapping[int, Node], successors: Successors, on: datetime.date) -> dict[int, Fraction]:
    """Weights of the units valid on `on` that stand for `unit_id` today; they sum to 1.

    A unit that ceased with no successor and no parent stands for itself (there is nobody to hand to).
    """
    weights: dict[int, Fraction] = {}
    _resolve_into(unit_id, Fraction(1), nodes, successors, on, weights, ())
    return weights


def _resolve_into(
    unit_id: int,
    weight: Fraction,
    nodes: Mapping[int, Node],
    successors: Successors,
    on: datetime.date,
    out: dict[int, Fraction],
    trail: tuple[int, ...],
) -> None:
    if unit_id in trail:
        raise SuccessorCycleError([*trail, unit_id])
    node = nodes[unit_id]
    links = [(succ, Fraction(share)) for succ, share in successors.get(unit_id, ()) if succ in nodes]
    if node.valid_on(on) or (not links and node.parent_id is None):
        out[unit_id] = out.get(unit_id, Fraction(0)) + weight
        return
    trail = (*trail, unit_id)
    if links:
        total = sum(share for _, share in links)
        for succ, share in links:
            _resolve_into(succ, weight * share / total, nodes, successors, on, out, trail)
    else:
        assert node.parent_id is not None  # a node without links and without a parent has returned above
        _resolve_into(node.parent_id, weight, nodes, successors, on, out, trail)


def ancestor_of_kind(unit_id: int, kind: str, nodes: Mapping[int, Node]) -> int | None:
    """The unit itself or its nearest ancestor of `kind`, or None when there is none."""
    current: int | None = unit_id
    seen: set[int] = set()
    while current is not None and current not in seen:
        seen.add(current)
        node = nodes[current]
        if node.kind == kind:
            return current
        current = node.parent_id
    return None


def rollup(
    amounts: Mapping[int, int | Decimal | Fraction],
    nodes: Mapping[int, Node],
    successors: Successors,
    *,
    level: str,
    on: datetime.date | None,
) -> tuple[dict[int, Fraction], Fraction]:
    """Sum figures recorded per unit into units of `level`.

    With `on` given, each figure is first moved into the boundaries valid on that day; with None the
    figures stay where they were recorded (historical boundaries). Returns the totals per unit of
    `level` and what could not be placed under any unit of that level.
    """
    totals: dict[int, Fraction] = {}
    unplaced = Fraction(0)
    for unit_id, amount in amounts.items():
        weights = resolve(unit_id, nodes, successors, on) if on is not None else {unit_id: Fraction(1)}
        for target, weight in weights.items():
            share = Fraction(amount) * weight
            owner = ancestor_of_kind(target, level, nodes)
            if owner is None:
                unplaced += share
            else:
                totals[owner] = totals.get(owner, Fraction(0)) + share
    return totals, unplaced
