"""The one header finder: which row of a table is its header and which column holds what.

Synonyms are data: each importer passes a mapping of column key → accepted titles, written the way
`title_key` folds a title (lower-case ASCII words, no accents; a note in brackets such as
"Ngày sinh (dd/mm/yyyy)" may be dropped or kept). Earlier synonyms of a key win over later ones.
Title rows above the header are skipped (the header is looked for in the first `scan` rows), and a
two-row header is understood: a group title merged across the columns below it ("THÁNG" over "1 | 2 | 3",
"Ngày sinh" over "Nam | Nữ") is spread to its right (`combine_header_rows`), then each column is known by
its full title or its lowest cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from hienmau.core.lib.text import fold_words

Synonyms = Mapping[str, Sequence[str]]
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
HEADER_SCAN = 10


def title_key(title: str) -> str:
    """'Ngày sinh (dd/mm/yyyy)' → 'ngay sinh'."""
    return fold_words(_BRACKETS.sub(" ", title or ""))


@dataclass(frozen=True)
class Header:
    row: int  # 0-based index of the header's first row
    data_from: int  # 0-based index of the first row under the header
    columns: dict[str, int] = field(default_factory=dict)  # column key → 0-based position


def match_columns(titles: Sequence[str] | Sequence[Sequence[str]], synonyms: Synonyms) -> dict[str, int]:
    """Column key → position for the titles of one header row; a position may be given several titles
    (full and lowest of a multi-row header), any of which may match."""
    best: dict[str, tuple[int, int]] = {}  # key → (synonym rank, position)
    for position, written in enumerate(titles):
        variants = [written] if isinstance(written, str) else list(written)
        keys = {k for title in variants for k in (title_key(title), fold_words(title or "")) if k}
        for name, accepted in synonyms.items():
            ranks = [accepted.index(k) for k in keys if k in accepted]
            if ranks:
                rank = min(ranks)
                if name not in best or rank < best[name][0]:
                    best[name] = (rank, position)
                break
    return {name: position for name, (_rank, position) in best.items()}


def combine_header_rows(header: Sequence[Sequence[str]], width: int) -> list[tuple[str, str]]:
    """Per column of a (multi-row) header: (all its header text top to bottom, its lowest non-empty cell).

    A group title spans the empty cells to its right that have sub-headers below them, as a merged cell
    reads out of Excel or Word (text in the first cell, the others blank).
    """
    grid = [list(row) + [""] * (width - len(row)) for row in header]
    for r in range(len(grid) - 1):
        for c in range(1, width):
            if (
                not grid[r][c].strip()
                and grid[r][c - 1].strip()
                and any(grid[b][c].strip() for b in range(r + 1, len(grid)))
            ):
                grid[r][c] = grid[r][c - 1]
    columns = []
    for c in range(width):
        parts = [grid[r][c].strip() for r in range(len(grid)) if grid[r][c].strip()]
        columns.append((" ".join(parts), parts[-1] if parts else ""))
    return columns


def header_depth(rows: Sequence[Sequence[str]], starts_body: Callable[[Sequence[str]], bool]) -> int:
    """How many rows at the top form the header of a table whose titles are not known in advance (a plan
    appendix): those before the first row `starts_body` says carries data."""
    for index, row in enumerate(rows):
        if starts_body(row):
            return index
    return len(rows)


@dataclass
class HeaderSearch:
    """What `find_header` found: the header, or (when none has every required column) the best candidate."""

    header: Header | None
    best_row: int | None = None
    best_columns: dict[str, int] = field(default_factory=dict)

    def missing(self, required: Sequence[str]) -> list[str]:
        return [name for name in required if name not in self.best_columns]


def find_header(
    rows: Sequence[Sequence[str]], synonyms: Synonyms, required: Sequence[str], scan: int = HEADER_SCAN
) -> HeaderSearch:
    """The first row (within `scan`) whose titles, alone or with the row under them, name every required
    column. Without one, the row that named the most columns, for a message saying which are missing."""
    best_row: int | None = None
    best: dict[str, int] = {}
    for index, row in enumerate(rows[:scan]):
        columns = match_columns(row, synonyms)
        if all(name in columns for name in required):
            return HeaderSearch(Header(index, index + 1, columns), index, columns)
        if index + 1 < len(rows):
            width = max(len(row), len(rows[index + 1]))
            pair = combine_header_rows([row, rows[index + 1]], width)
            two_rows = match_columns([list(p) for p in pair], synonyms)
            below_alone = match_columns(rows[index + 1], synonyms)
            if (
                all(name in two_rows for name in required)
                and len(two_rows) > len(columns)
                and not all(name in below_alone for name in required)
            ):
                return HeaderSearch(Header(index, index + 2, two_rows), index, two_rows)
        if len(columns) > len(best):
            best_row, best = index, columns
    return HeaderSearch(None, best_row, best)
