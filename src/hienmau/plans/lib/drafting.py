"""Drafting next year's plan from this year's: the weights of each method, the apportionment of a new
total in steps, and the split of each unit's figure across months or rounds.

Plain data in and out, no database: the service (`plans/drafting.py`) reads the source plan, its
results and the unit tree, and calls these. Every function keeps totals exact (the parts always add up
to the whole), never gives a negative figure, and gives the same output for the same input.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

METHODS = ("actual", "plan", "population", "blend")
BLENDABLE = ("actual", "plan", "population")
DEFAULT_STEP = 5

NO_RESULT_KEPT_TARGET = "no_result_kept_target"
NO_POPULATION_KEPT_SHARE = "no_population_kept_share"
NO_WEIGHTS_EVEN_SPLIT = "no_weights_even_split"


class DraftingError(ValueError):
    """Input the drafting cannot work with; the message is Vietnamese and says what to change."""


@dataclass(frozen=True)
class WeightRow:
    """One row of the draft as the methods see it: what it carried in the source plan."""

    target: Fraction  # last year's target (T), the share of the source rows it replaces
    actual: Fraction  # the source rows' results, each R or T where R is 0 (`actual_weight`)
    organisation: bool = False  # organisations have no population
    population: int | None = None  # territorial units: inhabitants, when known


def largest_remainder(total: int, weights: Sequence[Fraction | int], step: int = 1) -> list[int]:
    """Share `total` in proportion to `weights`, each part a multiple of `step` except the last
    `total mod step`, which goes to the largest share. The parts add up to `total` exactly.

    Each share q = total × w / Σw is rounded down to a multiple of `step`; what is left is handed out in
    steps by largest remainder (ties: larger weight first, then the earlier row). Zero weights everywhere
    share evenly.
    """
    if total < 0:
        raise DraftingError("Tổng cần chia không được âm.")
    if step < 1:
        raise DraftingError("Bước làm tròn phải từ 1 trở lên.")
    count = len(weights)
    if count == 0:
        if total:
            raise DraftingError("Không có đơn vị nào để chia chỉ tiêu.")
        return []
    values = [Fraction(w) for w in weights]
    if any(w < 0 for w in values):
        raise DraftingError("Trọng số không được âm.")
    whole = sum(values)
    if whole == 0:
        values = [Fraction(1)] * count
        whole = Fraction(count)
    shares = [total * w / whole for w in values]
    parts = [math.floor(q / step) * step for q in shares]
    left = total - sum(parts)
    ranked = sorted(range(count), key=lambda i: (-(shares[i] - parts[i]), -values[i], i))
    for i in ranked[: left // step]:
        parts[i] += step
    rest = left % step
    if rest:
        largest = min(range(count), key=lambda i: (-shares[i], -values[i], i))
        parts[largest] += rest
    return parts


def normalised(weights: Sequence[Fraction]) -> list[Fraction]:
    whole = sum(weights, Fraction(0))
    if whole == 0:
        return [Fraction(0)] * len(weights)
    return [Fraction(w) / whole for w in weights]


def actual_weight(target: int | Fraction, result: int | Fraction) -> Fraction:
    """A source row's weight for `actual`: its result R, or its target T where nothing was counted (the
    unit keeps its share of last year's plan). Taken per source row, before rows merge or split."""
    return Fraction(result) if result > 0 else Fraction(max(target, 0))


def actual_weights(rows: Sequence[WeightRow]) -> list[Fraction]:
    return [row.actual for row in rows]


def plan_weights(rows: Sequence[WeightRow]) -> list[Fraction]:
    return [row.target for row in rows]


def population_weights(rows: Sequence[WeightRow]) -> tuple[list[Fraction], list[int]]:
    """Organisations keep the share of the total they had in the source plan; territorial units share
    the rest by population. A territorial unit whose population is unknown keeps its share too (the
    indices of those rows are returned, for a finding). Returns shares that add up to 1 (or all 0)."""
    targets = normalised(plan_weights(rows))
    kept = [i for i, row in enumerate(rows) if row.organisation or not row.population]
    kept_set = set(kept)
    territorial = [i for i in range(len(rows)) if i not in kept_set]
    shares = [Fraction(0)] * len(rows)
    for i in kept:
        shares[i] = targets[i]
    rest = 1 - sum((targets[i] for i in kept), Fraction(0)) if any(targets) else Fraction(1)
    people = sum((Fraction(rows[i].population or 0) for i in territorial), Fraction(0))
    if people > 0:
        for i in territorial:
            shares[i] = rest * (rows[i].population or 0) / people
    missing = [i for i in kept if not rows[i].organisation]
    return shares, missing


def parse_blend(text: str) -> dict[str, Fraction]:
    """'actual=0.5,population=0.5' → the share of each method (normalised to add up to 1)."""
    found: dict[str, Fraction] = {}
    for item in (part.strip() for part in (text or "").split(",")):
        if not item:
            continue
        name, sep, value = item.partition("=")
        name = name.strip().lower()
        if not sep or name not in BLENDABLE:
            raise DraftingError(
                f"Trọng số “{item}” không hợp lệ: ghi dạng actual=0.5,population=0.5 "
                f"(phương pháp: {', '.join(BLENDABLE)})."
            )
        try:
            weight = Fraction(value.strip().replace(",", "."))
        except (ValueError, ZeroDivisionError):
            raise DraftingError(f"Trọng số “{item}” không phải là số.") from None
        if weight < 0:
            raise DraftingError(f"Trọng số “{item}” không được âm.")
        found[name] = found.get(name, Fraction(0)) + weight
    whole = sum(found.values(), Fraction(0))
    if whole == 0:
        raise DraftingError("Cách trộn cần ít nhất một trọng số lớn hơn 0, ví dụ actual=0.5,population=0.5.")
    return {name: weight / whole for name, weight in found.items()}


def method_weights(
    rows: Sequence[WeightRow], method: str, blend: Mapping[str, Fraction] | None = None
) -> tuple[list[Fraction], dict[str, list[int]]]:
    """The weight of each row under `method`, and the rows each finding code concerns."""
    notes: dict[str, list[int]] = {}
    if method == "actual":
        weights = actual_weights(rows)
    elif method == "plan":
        weights = plan_weights(rows)
    elif method == "population":
        weights, missing = population_weights(rows)
        notes[NO_POPULATION_KEPT_SHARE] = missing
    elif method == "blend":
        if not blend:
            raise DraftingError("Cách trộn cần --weights, ví dụ actual=0.5,population=0.5.")
        weights = [Fraction(0)] * len(rows)
        for name, share in sorted(blend.items()):
            part, part_notes = method_weights(rows, name)
            for code, indices in part_notes.items():
                notes[code] = sorted(set(notes.get(code, [])) | set(indices))
            for i, value in enumerate(normalised(part)):
                weights[i] += share * value
    else:
        raise DraftingError(f"Phương pháp “{method}” không có; chọn một trong: {', '.join(METHODS)}.")
    if rows and sum(weights) == 0:
        notes[NO_WEIGHTS_EVEN_SPLIT] = list(range(len(rows)))
    return weights, {code: indices for code, indices in notes.items() if indices}


def propose(
    total: int,
    rows: Sequence[WeightRow],
    method: str = "actual",
    step: int = DEFAULT_STEP,
    blend: Mapping[str, Fraction] | None = None,
) -> tuple[list[int], dict[str, list[int]]]:
    """Each row's proposed target for the new total; they add up to `total` exactly."""
    if total < 1:
        raise DraftingError("Tổng chỉ tiêu mới phải từ 1 trở lên.")
    if not rows:
        raise DraftingError("Kế hoạch gốc không có dòng phân bổ đơn vị máu nào để làm căn cứ.")
    weights, notes = method_weights(rows, method, blend)
    return largest_remainder(total, weights, step), notes


def split_parts(amount: int, pattern: Mapping[str, int | Fraction], fallback: Mapping[str, int | Fraction]) -> dict:
    """`amount` split across the keys of `pattern` in its proportions (whole units, largest remainder;
    they add up to `amount`). An empty or all-zero pattern takes `fallback` (the plan's overall pattern);
    with neither, an empty dict."""
    chosen = pattern if any(v > 0 for v in pattern.values()) else fallback
    keys = [key for key, value in chosen.items() if value > 0]
    if not keys:
        return {}
    parts = largest_remainder(amount, [Fraction(chosen[key]) for key in keys], 1)
    return dict(zip(keys, parts))


def percent(result: int, target: int) -> float | None:
    """Achievement in %, rounded to 0.1 (half up); None without a target."""
    if not target:
        return None
    tenths = Fraction(result * 1000, target)
    return math.floor(tenths + Fraction(1, 2)) / 10


def successor_shares(
    links: Mapping[int, Fraction], populations: Mapping[int, int | None]
) -> tuple[dict[int, Fraction], bool]:
    """How a unit whose area went to several successors is shared between them: by population when
    every successor's is known, else evenly. Returns the shares (adding up to 1) and whether population
    decided them."""
    if len(links) <= 1:
        return {unit: Fraction(1) for unit in links}, False
    people = {unit: populations.get(unit) for unit in links}
    if all(people.values()):
        whole = sum(Fraction(p or 0) for p in people.values())
        return {unit: Fraction(p or 0) / whole for unit, p in people.items()}, True
    return {unit: Fraction(1, len(links)) for unit in links}, False
