"""Who an honour round proposes, as plain functions (no Django).

A person is proposed for the highest tier their count reaches at the cut-off, only when that tier is above
every tier they already received (at any level, in any round or old list): nobody is honoured twice for a
tier, and nobody is proposed for a lower tier than one they hold.

Their count is the larger of the donations recorded up to the cut-off (each day once: a merged duplicate
that held the same visit counts it once) and, for each honour they received in a year up to the
cut-off's, the count it stated plus the donations recorded after that year ended (a list of 2019 saying
29 donations, and four recorded since 2020: 33). Donations of the honour's own year are never added to
its count, so nothing is counted twice; the stated donations count even when no record of them was kept.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
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


def stated_count(stated: Iterable[tuple[int, int]], days: Iterable[datetime.date], cutoff: datetime.date) -> int:
    """The best count the honours received give: for each (count, year) up to the cut-off's year, the count
    plus the distinct donation days after that year and up to the cut-off. 0 without honours."""
    days = sorted({d for d in days if d <= cutoff})
    best = 0
    for count, year in stated:
        if year > cutoff.year:
            continue
        after = sum(1 for d in days if d.year > year)
        best = max(best, count + after)
    return best


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


# --- families, recruiters, units ----------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """A family (household id), a recruiter (donor id) or a unit (unit id) a round proposes."""

    key: int
    name: str
    count: int  # family donations, donations recruited in the year, or achievement %
    tier: int


def family_count(member_counts: Iterable[int]) -> int:
    """A family's donations: the sum of its members' counts (each counted as a person's is, `count_of`)."""
    return sum(member_counts)


def family_tier(count: int, received: frozenset[int] | set[int], tiers: tuple[int, ...]) -> int | None:
    """As for a person: the highest family tier reached, when above every family tier received."""
    return proposed_tier(count, received, tiers)


def yearly_tier(value: float | int | None, threshold: int, honoured_this_year: bool) -> int | None:
    """Recruiters (donations recruited in the year) and units (achievement % of the year): the one tier
    when the value reaches it, once a year."""
    if value is None or honoured_this_year or value < threshold:
        return None
    return threshold


_HEAD_WORDS = ("hộ gia đình", "gia đình", "hộ", "ông/bà", "ông", "bà")


def family_title(household_name: str, sex: str = "") -> str:
    """ "Gia đình ông/bà …" from a household's name (its words "Hộ", "Gia đình", "ông", "bà" dropped);
    "ông" or "bà" when the head's sex is known ("M"/"F")."""
    name = " ".join(household_name.split())
    changed = True
    while changed:
        changed = False
        for word in _HEAD_WORDS:
            if name.lower().startswith(word + " "):
                name = name[len(word) + 1 :].strip()
                changed = True
    salutation = {"M": "ông", "F": "bà"}.get(sex, "ông/bà")
    return f"Gia đình {salutation} {name}".strip()
