"""Matching the unit names an appendix writes ("BCĐ. huyện Tân Hiệp", "Thị trấn Ân Thi") to known units."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from hienmau.core.lib.text import fold_words

# Words a document puts before the unit's own name: the steering committee, then the unit's category.
NOISE = re.compile(
    r"^(?:(?:bcd|ban chi dao|ban cd)(?: van dong)?(?: (?:hien mau tinh nguyen|hmtn|vdhmtn))?\s+)?"
    r"(?:(?:tinh|thanh pho|tp|huyen|quan|thi xa|tx|xa|phuong|thi tran|tt|dac khu)\s+)?"
)


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    full_name: str


@dataclass(frozen=True)
class Match:
    unit_id: int | None
    suggestions: tuple[str, ...] = ()
    ambiguous: bool = False


CATEGORY_WORDS = {
    "tinh": "tinh",
    "thanh pho": "thanh pho",
    "tp": "thanh pho",
    "huyen": "huyen",
    "quan": "quan",
    "thi xa": "thi xa",
    "tx": "thi xa",
    "xa": "xa",
    "phuong": "phuong",
    "thi tran": "thi tran",
    "tt": "thi tran",
    "dac khu": "dac khu",
}
STEERING = re.compile(r"^(?:bcd|ban chi dao|ban cd)(?: van dong)?(?: (?:hien mau tinh nguyen|hmtn|vdhmtn))?\s+")


def written_category(text: str) -> str | None:
    """The unit category a name is written with, abbreviations expanded: 'TT Ân Thi' → 'thi tran'."""
    rest = STEERING.sub("", fold_words(text), count=1)
    for word in sorted(CATEGORY_WORDS, key=len, reverse=True):
        if rest.startswith(word + " "):
            return CATEGORY_WORDS[word]
    return None


def core_name(text: str) -> str:
    """'BCĐ. thành phố Rạch Giá' → 'rach gia'."""
    return NOISE.sub("", fold_words(text), count=1).strip()


def match_unit(written: str, candidates: list[Candidate]) -> Match:
    """The unit a written name stands for: exact full name, else the same name without prefixes.

    Several units with the same bare name (a district and a township both called Ân Thi) are told apart
    by the category the document writes; if that does not settle it the match is ambiguous.
    """
    full = fold_words(written)
    exact = [c for c in candidates if fold_words(c.full_name) == full or fold_words(c.name) == full]
    if len(exact) == 1:
        return Match(exact[0].id)
    bare = core_name(written)
    same = [c for c in candidates if core_name(c.full_name) == bare or fold_words(c.name) == bare]
    if len(exact) > 1:
        same = exact
    if len(same) > 1:
        category = written_category(written)
        if category:
            same = [c for c in same if fold_words(c.full_name).startswith(category + " ")] or same
    if len(same) == 1:
        return Match(same[0].id)
    if len(same) > 1:
        return Match(None, tuple(c.full_name for c in same[:5]), ambiguous=True)
    names = {fold_words(c.full_name): c.full_name for c in candidates}
    close = difflib.get_close_matches(full, list(names), n=3, cutoff=0.6)
    contains = [c.full_name for c in candidates if bare and len(bare) >= 4 and bare in fold_words(c.full_name)]
    suggestions = tuple(dict.fromkeys([names[c] for c in close] + contains[:3]))
    return Match(None, suggestions)
