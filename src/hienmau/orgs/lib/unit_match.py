"""Matching the unit names a document writes ("BCĐ. huyện Tân Hiệp", "Thị trấn Ân Thi") to known units.

Plain data, no database. `UnitIndex` folds every candidate's names once, so an import of thousands of
rows against the national tree (about 14,700 units) looks each name up in a dictionary instead of
walking the list; `match_unit` is the same for a one-off list.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from hienmau.core.lib.text import fold_words

# Words a document puts before the unit's own name: the steering committee, then the unit's category.
NOISE = re.compile(
    r"^(?:(?:bcd|ban chi dao|ban cd)(?: van dong)?(?: (?:hien mau tinh nguyen|hmtn|vdhmtn))?\s+)?"
    r"(?:(?:tinh|thanh pho|tp|huyen|quan|thi xa|tx|xa|phuong|thi tran|tt|dac khu|h|q|x|p)\s+)?"
)
# "Phường 01" and "Phường 1" are one ward.
_LEADING_ZEROS = re.compile(r"\b0+(\d)")


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    full_name: str
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None

    def valid_on(self, day: datetime.date | None) -> bool:
        if day is None:
            return True
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or self.valid_until > day
        )


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
    "h": "huyen",
    "quan": "quan",
    "q": "quan",
    "x": "xa",
    "p": "phuong",
    "thi xa": "thi xa",
    "tx": "thi xa",
    "xa": "xa",
    "phuong": "phuong",
    "thi tran": "thi tran",
    "tt": "thi tran",
    "dac khu": "dac khu",
}
STEERING = re.compile(r"^(?:bcd|ban chi dao|ban cd)(?: van dong)?(?: (?:hien mau tinh nguyen|hmtn|vdhmtn))?\s+")


def _words(text: str) -> str:
    return _LEADING_ZEROS.sub(r"\1", fold_words(text))


def written_category(text: str) -> str | None:
    """The unit category a name is written with, abbreviations expanded: 'TT Ân Thi' → 'thi tran'."""
    rest = STEERING.sub("", fold_words(text), count=1)
    for word in sorted(CATEGORY_WORDS, key=len, reverse=True):
        if rest.startswith(word + " "):
            return CATEGORY_WORDS[word]
    return None


def core_name(text: str) -> str:
    """'BCĐ. thành phố Rạch Giá' → 'rach gia'."""
    return NOISE.sub("", _words(text), count=1).strip()


class UnitIndex:
    """Candidates looked up by their folded full name, bare name and core name."""

    def __init__(self, candidates: Iterable[Candidate]):
        self.candidates = list(candidates)
        self._exact: dict[str, list[Candidate]] = defaultdict(list)
        self._bare: dict[str, list[Candidate]] = defaultdict(list)
        self._full: dict[Candidate, str] = {}
        for candidate in self.candidates:
            full, name = _words(candidate.full_name), _words(candidate.name)
            self._full[candidate] = full
            self._exact[full].append(candidate)
            if name != full:
                self._exact[name].append(candidate)
            core = core_name(candidate.full_name)
            self._bare[core].append(candidate)
            if name != core:
                self._bare[name].append(candidate)

    def match(self, written: str, keep: Callable[[Candidate], bool] | None = None) -> Match:
        """The unit a written name stands for: exact full name, else the same name without prefixes;
        only among the candidates `keep` accepts when given (those valid on a day).

        Several units with the same bare name (a district and a township both called Ân Thi) are told
        apart by the category the document writes; if that does not settle it the match is ambiguous.
        """
        full = _words(written)
        exact = _unique(self._exact.get(full, []), keep)
        if len(exact) == 1:
            return Match(exact[0].id)
        same = exact if exact else _unique(self._bare.get(core_name(written), []), keep)
        if len(same) > 1:
            category = written_category(written)
            if category:
                same = [c for c in same if self._full[c].startswith(category + " ")] or same
        if len(same) == 1:
            return Match(same[0].id)
        if len(same) > 1:
            return Match(None, tuple(c.full_name for c in same[:5]), ambiguous=True)
        return Match(None, self.suggestions(written))

    def suggestions(self, written: str) -> tuple[str, ...]:
        full, bare = _words(written), core_name(written)
        names = {self._full[c]: c.full_name for c in self.candidates}
        close = difflib.get_close_matches(full, list(names), n=3, cutoff=0.6)
        contains = [c.full_name for c in self.candidates if bare and len(bare) >= 4 and bare in self._full[c]]
        return tuple(dict.fromkeys([names[c] for c in close] + contains[:3]))


def _unique(found: list[Candidate], keep: Callable[[Candidate], bool] | None = None) -> list[Candidate]:
    return list(dict.fromkeys(c for c in found if keep is None or keep(c)))


def match_unit(written: str, candidates: list[Candidate]) -> Match:
    """`UnitIndex(candidates).match(written)` for a one-off list."""
    return UnitIndex(candidates).match(written)
