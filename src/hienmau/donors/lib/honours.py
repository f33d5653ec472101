"""Honour tiers: how many donations earn a donor recognition, read from data/honour_tiers.json with their
legal source (like the eligibility rules), never a constant in a view. Plain Python: no Django."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DEFAULT_TIERS_PATH = Path(__file__).resolve().parent.parent / "data" / "honour_tiers.json"


class HonourRulesError(ValueError):
    pass


@dataclass(frozen=True)
class HonourRules:
    source: str
    citation: str
    tiers: tuple[int, ...]


@dataclass(frozen=True)
class Honours:
    reached: tuple[int, ...]
    upcoming: int | None


def load_honour_rules(path: Path | str = DEFAULT_TIERS_PATH) -> HonourRules:
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        rules = HonourRules(source=raw["source"], citation=raw["citation"], tiers=tuple(raw["tiers"]))
    except (OSError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise HonourRulesError(f"{path}: {exc}") from exc
    if not rules.source.strip() or not rules.tiers:
        raise HonourRulesError(f"{path}: a source and at least one tier are required")
    if any(not isinstance(t, int) or t <= 0 for t in rules.tiers) or list(rules.tiers) != sorted(set(rules.tiers)):
        raise HonourRulesError(f"{path}: tiers must be positive whole numbers, rising: {list(rules.tiers)}")
    return rules


@lru_cache(maxsize=1)
def honour_rules() -> HonourRules:
    return load_honour_rules()


def honours_for(donations: int, tiers: tuple[int, ...] | None = None) -> Honours:
    """The tiers a donor with this many donations has reached, and the next one (None past the last)."""
    tiers = honour_rules().tiers if tiers is None else tiers
    return Honours(
        reached=tuple(t for t in tiers if donations >= t), upcoming=next((t for t in tiers if donations < t), None)
    )
