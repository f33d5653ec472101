"""Plain rules of the humanitarian-address drive (no Django): which units are priority areas, how many
instalments a pledge promises, and the coverage of each commune."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

# Instalments a year per frequency ("once": one in all).
PER_YEAR = {"monthly": 12, "quarterly": 4, "yearly": 1}


def is_priority(related_paths: Iterable[str], priority_paths: Iterable[str]) -> bool:
    """A unit is a priority area when it, a unit above it (its path lies under the area's), or a unit
    linked to it by a successor link (a former commune it took over, or the commune that took it over)
    lies under a priority area. `related_paths` are the unit's own path and its linked units' paths."""
    areas = tuple(priority_paths)
    return any(path.startswith(area) for path in related_paths for area in areas)


def instalments(frequency: str, start: datetime.date, end: datetime.date | None) -> int | None:
    """How many times a pledge gives between start and end (both included): once is 1; monthly, quarterly
    or yearly count the periods begun from `start`. None when a recurring pledge has no end (open-ended)."""
    if frequency == "once":
        return 1
    if end is None:
        return None
    months = (end.year - start.year) * 12 + end.month - start.month + (1 if end.day >= start.day else 0)
    step = 12 // PER_YEAR[frequency]
    return max(1, -(-months // step))


def promised_value(amount: int, frequency: str, start: datetime.date, end: datetime.date | None) -> int | None:
    count = instalments(frequency, start, end)
    return None if count is None else amount * count


@dataclass
class Coverage:
    """One commune's line of the report (or the sum of several)."""

    recorded: int = 0  # households and people on file
    established: int = 0  # set up as humanitarian addresses
    supported: int = 0  # with at least one delivery
    sponsors: int = 0  # distinct sponsors pledging to them
    promised: int = 0  # value of the pledges (open-ended ones: what was delivered so far)
    delivered: int = 0  # value delivered
    cards: int = 0  # health-insurance cards delivered

    def __add__(self, other: Coverage) -> Coverage:
        return Coverage(*(getattr(self, name) + getattr(other, name) for name in self.__dataclass_fields__))

    @property
    def supported_percent(self) -> float | None:
        """Supported among the addresses set up, in %."""
        return None if not self.established else round(self.supported * 100 / self.established, 1)
