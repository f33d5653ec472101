"""Who an honour round proposes, as plain functions (no Django).

A person is proposed for the highest tier their count reaches at the cut-off, only when that tier is above
every tier they already received (at any level, in any round or old list): nobody is honoured twice for a
tier, and nobody is proposed for a lower tier than one they hold.

Their count is the larger of the donations recorded up to the cut-off (each day once: a merged duplicate
that held the same visit counts it once) and the highest count an old honours list stated for them in a
year up to the cut-off's (those donations were given, even when no record of them was kept here).
"""

from __future__ import annotations

from dataclasses import dataclass

from hienmau.honours.lib.tiers import tier_for


@dataclass(frozen=True)
class Person:
    donor_id: int
    name: str
    recorded: int  # distinct donation days recorded up to the cut-off
    stated: int = 0  # the highest count an old honours list gave for them (0: none)
    received: frozenset[int] = frozenset()  # tiers already received


@dataclass(frozen=True)
class Candidate:
    donor_id: int
    name: str
    count: int
    tier: int


def count_of(person: Person) -> int:
    return max(person.recorded, person.stated)


def proposed_tier(count: int, received: frozenset[int] | set[int], tiers: tuple[int, ...]) -> int | None:
    """The tier to propose, or None: the highest reached, when it is above everything received."""
    top = tier_for(count, tiers)
    if top is None or top in received:
        return None
    if received and top <= max(received):
        return None
    return top


def candidates(people: list[Person], tiers: tuple[int, ...]) -> list[Candidate]:
    """The people to propose, in the order given (callers sort them the Vietnamese way)."""
    found = []
    for person in people:
        count = count_of(person)
        tier = proposed_tier(count, person.received, tiers)
        if tier is not None:
            found.append(Candidate(person.donor_id, person.name, count, tier))
    return found
