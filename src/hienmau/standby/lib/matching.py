"""Which donors may answer an emergency request, and in what order (no database here).

- Red cells: ABO-compatible (O gives to all, A to A and AB, B to B and AB, AB to AB); an Rh(-) patient
  receives Rh(-) only. Whole blood: the same ABO group, Rh as for red cells.
- Plasma: the reverse rule (AB gives to all, A to A and O, B to B and O, O to O); Rh does not matter.
- Platelets: any ABO, the same group preferred; Rh as for red cells.
Ranking: the same group first, then club members, then nearness in the unit tree, then a group
confirmed by a facility before a declared one, then the longest time since the last donation and since
the last call. The first wave is units + 2 when urgent, + 1
otherwise.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

ABO = ("O", "A", "B", "AB")
COMPONENTS = ("whole_blood", "red_cells", "platelets", "plasma")
_RED_CELLS_TO = {"O": {"O", "A", "B", "AB"}, "A": {"A", "AB"}, "B": {"B", "AB"}, "AB": {"AB"}}


def parse_group(text: str) -> tuple[str, str] | None:
    """("O", "-") from "O-", "O Rh-", "o+"; None when not a blood group."""
    value = text.strip().upper().replace("RH", "").replace("(", "").replace(")", "").replace(" ", "")
    value = value.replace("\u2212", "-")
    if len(value) < 2 or value[-1] not in "+-" or value[:-1] not in ABO:
        return None
    return value[:-1], value[-1]


def abo_compatible(donor_abo: str, patient_abo: str, component: str) -> bool:
    if component == "plasma":
        return patient_abo in _RED_CELLS_TO and donor_abo in _RED_CELLS_TO[patient_abo]
    if component == "whole_blood":
        return donor_abo == patient_abo
    if component == "platelets":
        return donor_abo in _RED_CELLS_TO
    return patient_abo in _RED_CELLS_TO.get(donor_abo, set())


def rh_compatible(donor_rh: str, patient_rh: str, component: str) -> bool:
    if component == "plasma":
        return donor_rh in ("+", "-")
    return donor_rh == "-" or (donor_rh == "+" and patient_rh == "+")


def compatible(donor: tuple[str, str], patient: tuple[str, str], component: str) -> bool:
    return abo_compatible(donor[0], patient[0], component) and rh_compatible(donor[1], patient[1], component)


def compatible_groups(patient: tuple[str, str], component: str) -> list[tuple[str, str]]:
    return [(abo, rh) for abo in ABO for rh in ("+", "-") if compatible((abo, rh), patient, component)]


@dataclass(frozen=True)
class Candidate:
    donor_id: int
    name: str
    group: tuple[str, str]
    eligible_from: datetime.date | None
    distance: int  # steps up the unit tree from the request's place to a unit holding the donor
    club_member: bool = False
    last_donation: datetime.date | None = None
    last_call: datetime.date | None = None
    confirmed: bool = True  # the blood group was confirmed by a facility (not only declared)
    reasons: list[str] = field(default_factory=list, compare=False, hash=False)


def rank(candidates: list[Candidate], patient: tuple[str, str], on: datetime.date) -> list[Candidate]:
    def key(c: Candidate):
        since_donation = (on - c.last_donation).days if c.last_donation else 10**6
        since_call = (on - c.last_call).days if c.last_call else 10**6
        return (
            c.group[0] != patient[0],
            not c.club_member,
            c.distance,
            not c.confirmed,
            -since_donation,
            -since_call,
            c.donor_id,
        )

    return sorted(candidates, key=key)


def first_wave_size(units: int, urgent: bool) -> int:
    return units + (2 if urgent else 1)


def distance(near_path: str, donor_paths: list[str]) -> int:
    """Steps from the request's unit up to the closest common unit with any of the donor's units
    (0: same commune; 1: same district; 2: same province; …). Paths are like "/1/5/23/"."""
    near = [part for part in near_path.split("/") if part]
    best = len(near) + 1
    for path in donor_paths:
        parts = [part for part in path.split("/") if part]
        common = 0
        for a, b in zip(near, parts):
            if a != b:
                break
            common += 1
        best = min(best, len(near) - common)
    return best
