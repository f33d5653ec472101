"""Honour tiers as data, with their source: how many donations (or family donations, recruited donations,
achievement %) earn which recognition, and from which issuing level.

The national tiers of Decision 122/QĐ-BCĐQG (2017) are read from `honours/data/tiers.json`; a province
(or any unit) adds its own tiers (5, 10, 15 …) as `LocalTier` rows, passed here as plain `Tier`s. Plain
Python: no Django.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from hienmau.core.lib.text import fold_words

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "tiers.json"

# Issuing levels (code → Vietnamese label). "local" is a tier a unit added for itself.
LEVELS = {
    "local": "Cấp cơ sở (mốc của địa phương)",
    "province": "Cấp tỉnh",
    "red_cross_central": "Trung ương Hội Chữ thập đỏ Việt Nam",
    "medal": "Huy chương cấp Trung ương",
    "prime_minister": "Thủ tướng Chính phủ",
}
SUBJECTS = ("individual", "family", "recruiter", "unit")


class TierError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Tier:
    count: int  # donations (individuals, families), recruited donations a year, or achievement %
    level: str
    award: str


@dataclass(frozen=True)
class TierRules:
    source: str
    citation: str
    individual: tuple[Tier, ...]
    family: tuple[Tier, ...]
    recruiter: Tier
    unit: Tier


def _tier(raw: dict, where: str) -> Tier:
    try:
        tier = Tier(int(raw["count" if "count" in raw else "percent"]), str(raw["level"]), str(raw["award"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise TierError(f"{where}: {exc}") from exc
    if tier.count <= 0 or tier.level not in LEVELS or not tier.award.strip():
        raise TierError(f"{where}: mốc {raw!r} không hợp lệ")
    return tier


def load_rules(path: Path | str = DEFAULT_PATH) -> TierRules:
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        rules = TierRules(
            source=raw["source"],
            citation=raw["citation"],
            individual=tuple(_tier(t, f"{path} individual") for t in raw["individual"]),
            family=tuple(_tier(t, f"{path} family") for t in raw["family"]),
            recruiter=_tier(raw["recruiter"], f"{path} recruiter"),
            unit=_tier(raw["unit"], f"{path} unit"),
        )
    except (OSError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise TierError(f"{path}: {exc}") from exc
    for name in ("individual", "family"):
        counts = [t.count for t in getattr(rules, name)]
        if not counts or counts != sorted(set(counts)):
            raise TierError(f"{path}: các mốc {name} phải tăng dần, không trùng: {counts}")
    if not rules.source.strip():
        raise TierError(f"{path}: thiếu nguồn (source)")
    return rules


@lru_cache(maxsize=1)
def rules() -> TierRules:
    return load_rules()


def merged(national: tuple[Tier, ...], local: list[Tier] | tuple[Tier, ...] = ()) -> tuple[Tier, ...]:
    """The tiers in force for a unit: the national ones, plus the local ones at counts the nation does not
    set (a national tier is never replaced by a local one), rising."""
    taken = {t.count for t in national}
    extra: dict[int, Tier] = {}
    for tier in local:
        if tier.count not in taken:
            extra.setdefault(tier.count, tier)
    return tuple(sorted((*national, *extra.values()), key=lambda t: t.count))


def parse_tier_list(text: str) -> tuple[int, ...]:
    """`--tiers 20,30,40,70` (spaces or semicolons also accepted) → (20, 30, 40, 70); a ValueError in
    Vietnamese for anything else."""
    parts = [p for p in re.split(r"[\s,;]+", (text or "").strip()) if p]
    if not parts:
        raise ValueError("danh sách mốc trống: ví dụ 20,30,40,70")
    values = []
    for part in parts:
        if not part.isascii() or not part.isdigit() or int(part) <= 0 or int(part) > 1000:
            raise ValueError(f"mốc “{part}” không hợp lệ: cần số lần hiến nguyên dương, ví dụ 20,30,40,70")
        values.append(int(part))
    return tuple(sorted(set(values)))


def tier_for(count: int, tiers: tuple[int, ...]) -> int | None:
    """The highest tier a count reaches (None below the first)."""
    reached = [t for t in tiers if t <= count]
    return max(reached) if reached else None


def next_tier(count: int, tiers: tuple[int, ...]) -> int | None:
    return next((t for t in sorted(tiers) if t > count), None)


# --- reading an award as written in an old list --------------------------------------------------

_TIMES = re.compile(r"(\d{1,3})\s*(?:lan|l)\b")
_NUMBER = re.compile(r"^\s*(\d{1,3})\s*$")
# Folded words naming an award of a national tier's level, most specific first.
_AWARD_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("thu tuong",), "prime_minister"),
    (("huy chuong",), "medal"),
    (("ky niem chuong",), "medal"),
    (("trung uong hoi",), "red_cross_central"),
    (("tw hoi",), "red_cross_central"),
    (("trung uong",), "red_cross_central"),
    (("ubnd tinh",), "province"),
    (("uy ban nhan dan tinh",), "province"),
    (("chu tich tinh",), "province"),
)


def tier_from_text(text: str, national: tuple[Tier, ...]) -> int | None:
    """The tier an award cell names: "20 lần", "Tôn vinh 30 lần", a bare "40", or the award's words
    ("Bằng khen Thủ tướng Chính phủ" → the Prime Minister's tier). None when it names no tier ("Giấy
    khen" alone: the count then decides)."""
    folded = fold_words(text)
    if not folded:
        return None
    times = _TIMES.search(folded)
    if times:
        return int(times.group(1))
    bare = _NUMBER.match(folded)
    if bare:
        return int(bare.group(1))
    for words, level in _AWARD_WORDS:
        if any(w in folded for w in words):
            for tier in national:
                if tier.level == level:
                    return tier.count
    return None
