"""A month schedule written as text: "Tháng 4 (400đv); tháng 7 (400đv); tháng 9 (500đv)"."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hienmau.core.lib.text import fold

# "thang 4 (400dv)", "thang 11 400 dv", "thang 5, 6 (300dv)"; amounts may use dot thousands.
ENTRY = re.compile(
    # months: "4", "5, 6", "7 va 8"; a "- 400đv" after a month is an amount, not a range
    r"thang\s*(?P<months>\d{1,2}(?:\s*(?:,|va|-|–)\s*\d{1,2}(?!\d|\s*(?:d\.?v|don vi|dvm)))*)"
    r"(?:\s*/\s*\d{4})?"  # "tháng 4/2024"
    r"\s*(?:\(|:|-|–)?\s*(?P<amount>\d{1,3}(?:\.\d{3})+|\d+)?\s*(?:d\.?v\.?|don vi|dvm)?\s*\)?",
)
HAS_MONTH = re.compile(r"\bthang\b")


@dataclass
class Schedule:
    amounts: dict[int, int] = field(default_factory=dict)
    months_without_amount: list[int] = field(default_factory=list)
    invalid_months: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.amounts.values())


def looks_like_schedule(text: str) -> bool:
    return bool(HAS_MONTH.search(fold(text)))


def parse_schedule(text: str) -> Schedule:
    """Amounts per month. A month named without an amount is kept aside, never guessed.

    "Tháng 5, 6 (300đv)" names two months for one amount: that amount cannot be placed, so both months
    are reported as named without an amount.
    """
    folded = " ".join(fold(text).split())
    schedule = Schedule()
    for match in ENTRY.finditer(folded):
        months = [int(m) for m in re.split(r"\s*(?:,|va|-|–)\s*", match.group("months")) if m]
        amount = match.group("amount")
        for month in months:
            if not 1 <= month <= 12:
                schedule.invalid_months.append(month)
        months = [m for m in months if 1 <= m <= 12]
        if amount is None or len(months) != 1:
            schedule.months_without_amount.extend(months)
            continue
        value = int(amount.replace(".", ""))
        schedule.amounts[months[0]] = schedule.amounts.get(months[0], 0) + value
    return schedule
