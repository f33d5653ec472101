"""Indicators of a unit's year, from plain counts: shares, rates and the grouping of deferral reasons.

Every share is part / whole in %, rounded half up to 0,1, and None when the whole is zero or unknown
(a unit without a population figure has no "% of population", not 0 %)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from hienmau.core.lib.text import fold_words

UNSTATED_REASON = "Không ghi lý do"


def share(part: int | Decimal | None, whole: int | Decimal | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def deferral_rate(collected: int, deferred: int) -> Decimal | None:
    """Deferred people among those examined (given blood + deferred)."""
    return share(deferred, collected + deferred)


def group_reasons(reasons: Iterable[str], limit: int = 8) -> list[tuple[str, int]]:
    """Deferral reasons as written, grouped without regard to case, accents or spacing (the first
    spelling met names the group), most frequent first; beyond `limit` groups the rest is "Lý do khác"."""
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    for reason in reasons:
        text = " ".join((reason or "").split()).rstrip(".;,")
        key = fold_words(text) or ""
        names.setdefault(key, text[:1].upper() + text[1:] if text else UNSTATED_REASON)
        counts[key] += 1
    ordered = sorted(counts.items(), key=lambda item: (-item[1], names[item[0]]))
    grouped = [(names[key], count) for key, count in ordered[:limit]]
    rest = sum(count for _key, count in ordered[limit:])
    if rest:
        grouped.append(("Lý do khác", rest))
    return grouped


@dataclass(frozen=True)
class Figure:
    """One indicator as shown: what it is, its value in %, and the count and base it comes from."""

    key: str
    value: Decimal | None
    part: int | None
    whole: int | None


@dataclass
class Indicators:
    collected: int
    equivalent_250: Decimal
    volumes: dict[str, int]
    registered: int
    deferred: int
    individual_donors: int  # distinct people recorded one by one as giving in the period
    first_time: int
    individual_donations: int  # donations recorded one by one in the period
    repeat_donations: int  # among them, those of a person who had given before (hiến máu nhắc lại)
    rare_donors: int  # Rh(-) among them
    reserve_registrations: int
    population: int | None
    staff: int | None
    staff_collected: int
    member_units: int
    member_units_taking_part: int
    campaign_collected: int
    deferral_reasons: list[tuple[str, int]] = field(default_factory=list)
    # (what the figures came from, in words; blood units): check-in, result sheets, tallies, walk-ins
    sources: list[tuple[str, str, int]] = field(default_factory=list)  # (code, label, blood units)
    # (month, the facilities' demand, blood units collected) for the months with a demand entered
    demand_months: list[tuple[int, int, int]] = field(default_factory=list)

    @property
    def demand(self) -> int | None:
        return sum(units for _m, units, _c in self.demand_months) or None

    @property
    def demand_collected(self) -> int:
        """Collected in the months that have a demand (coverage compares like with like)."""
        return sum(collected for _m, _units, collected in self.demand_months)

    @property
    def repeat(self) -> int:
        return self.individual_donors - self.first_time

    @property
    def volume_mix(self) -> dict[str, Decimal | None]:
        counted = sum(self.volumes.values())
        return {volume: share(n, counted) for volume, n in self.volumes.items()}

    def figures(self) -> list[Figure]:
        """The percentage indicators in the order reports list them."""
        return [
            Figure("population", share(self.collected, self.population), self.collected, self.population),
            Figure(
                "donors_population",
                share(self.individual_donors, self.population),
                self.individual_donors,
                self.population,
            ),
            Figure("staff", share(self.staff_collected, self.staff), self.staff_collected, self.staff),
            Figure(
                "units_taking_part",
                share(self.member_units_taking_part, self.member_units),
                self.member_units_taking_part,
                self.member_units,
            ),
            Figure("repeat", share(self.repeat, self.individual_donors), self.repeat, self.individual_donors),
            Figure(
                "repeat_donations",
                share(self.repeat_donations, self.individual_donations),
                self.repeat_donations,
                self.individual_donations,
            ),
            Figure(
                "first_time", share(self.first_time, self.individual_donors), self.first_time, self.individual_donors
            ),
            Figure(
                "deferral", deferral_rate(self.collected, self.deferred), self.deferred, self.collected + self.deferred
            ),
            Figure("campaign", share(self.campaign_collected, self.collected), self.campaign_collected, self.collected),
            Figure("rare", share(self.rare_donors, self.individual_donors), self.rare_donors, self.individual_donors),
            Figure("demand", share(self.demand_collected, self.demand), self.demand_collected, self.demand),
        ]

    def as_json(self) -> dict:
        def number(value):
            return float(value) if value is not None else None

        return {
            "collected": self.collected,
            "equivalent_250": number(self.equivalent_250),
            "volumes": self.volumes,
            "volume_mix": {k: number(v) for k, v in self.volume_mix.items()},
            "registered": self.registered,
            "deferred": self.deferred,
            "donors": self.individual_donors,
            "first_time": self.first_time,
            "repeat": self.repeat,
            "donations": self.individual_donations,
            "repeat_donations": self.repeat_donations,
            "rare_donors": self.rare_donors,
            "reserve_registrations": self.reserve_registrations,
            "population": self.population,
            "staff": self.staff,
            "member_units": self.member_units,
            "member_units_taking_part": self.member_units_taking_part,
            "campaign_collected": self.campaign_collected,
            "percent": {f.key: number(f.value) for f in self.figures()},
            "deferral_reasons": [{"reason": r, "count": n} for r, n in self.deferral_reasons],
            "sources": {code: count for code, _label, count in self.sources},
            "demand_months": [
                {"month": m, "demand": units, "collected": collected, "percent": number(share(collected, units))}
                for m, units, collected in self.demand_months
            ],
        }
