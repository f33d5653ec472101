"""A unit's registrant list (danh sách trích ngang) checked line by line against a drive day (no database).

Input is rows of strings, as `hienmau.core.lib.tables` reads them from .xlsx (first sheet), .csv or text
pasted out of Word/Excel. Title rows above the header are allowed: the header is looked for in the first
`HEADER_SCAN` rows, columns are recognised by their Vietnamese or English titles without accents (a note in
brackets, "Ngày sinh (dd/mm/yyyy)", is ignored), and the two-row form where "Năm sinh" is split into
"Nam" | "Nữ" sub-columns is understood too.

Lines are numbered 1, 2, 3, … over the data rows that hold something: blank rows, rows with nothing but a
number in the STT column (a pre-numbered template) and a column-numbering row "(1) (2) (3) …" under the
header are skipped and not counted, so line N is the N-th person on the list. `LineResult.row` keeps the
row's own number in the file (1 = first row of the sheet) for pointing at it.

Every line gets one verdict: "ok", or the first problem in `VERDICTS` order, while `messages` lists every
problem on the line (each a Vietnamese sentence naming the field). Things that are not a reason to refuse a
line (a sex, blood group or kind that cannot be read) go to `warnings`, never silently corrected.

Age and the gap since the last donation come from `hienmau.donors.lib.eligibility` (the rule version in
force on the drive day), never from numbers written here. The last donation is taken from the list's own
"Lần hiến gần nhất" / "Thành phần lần trước" columns and, when the caller passes it, from `history`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hienmau.core.lib.headers import HEADER_SCAN, find_header
from hienmau.core.lib.tables import TableError, read_rows, read_text_rows
from hienmau.core.lib.text import fold_words
from hienmau.donors.lib.eligibility import PastDonation, RuleSet, default_rule_sets, rules_on
from hienmau.drives.lib.registrant_line import (  # noqa: F401 (LineResult, history_keys: this module's API)
    HistoryKey,
    Layout,
    LineResult,
    check_duplicates,
    check_line,
    finish,
    history_keys,
)
from hienmau.drives.lib.registrant_vocabulary import (  # noqa: F401 (the vocabulary is part of this API)
    COLUMN_LABELS,
    COLUMNS,
    KIND_LABELS,
    PROBLEM_ORDER,
    REQUIRED,
    VERDICT_LABELS,
    VERDICTS,
)

_NUMBERING_CELL = re.compile(r"\(?\d{1,2}\)?")


class ListFormatError(ValueError):
    """The list as a whole cannot be checked (unreadable, no header, missing columns); message in Vietnamese."""


@dataclass
class CheckResult:
    drive_date: datetime.date
    header_row: int  # 1-based row number of the header in the file
    columns: dict[str, int]  # column key → 0-based position
    lines: list[LineResult] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Lines per verdict, in VERDICTS order, verdicts with no line left out."""
        found = dict.fromkeys(VERDICTS, 0)
        for line in self.lines:
            found[line.verdict] += 1
        return {verdict: n for verdict, n in found.items() if n}

    @property
    def problems(self) -> list[LineResult]:
        return [line for line in self.lines if not line.ok]

    def as_json(self) -> dict:
        return {"lines": [line.as_json() for line in self.lines]}


# --- reading ------------------------------------------------------------------------------------


def read_list_file(path: Path | str) -> list[list[str]]:
    """Rows of a list file: .xlsx (first sheet), .csv, or a .txt/.tsv holding pasted text."""
    path = Path(path)
    if not path.is_file():
        raise ListFormatError(f"Không tìm thấy tệp {path}.")
    try:
        return read_rows(path)
    except TableError as exc:
        raise ListFormatError(str(exc)) from exc
    except OSError as exc:
        raise ListFormatError(f"Không đọc được tệp {path.name}: {exc.strerror or exc}.") from exc


def read_list_text(text: str) -> list[list[str]]:
    """Rows of text pasted out of Excel or Word (tab-separated) or typed as CSV."""
    try:
        return read_text_rows(text or "")
    except TableError as exc:
        raise ListFormatError(str(exc)) from exc


def read_list(source: Path | str) -> list[list[str]]:
    """Rows from a file path (a Path, or a one-line string naming an existing file) or from pasted text."""
    if isinstance(source, Path):
        return read_list_file(source)
    if "\n" not in source and "\t" not in source and source.strip():
        candidate = Path(source.strip())
        try:
            exists = candidate.is_file()
        except (OSError, ValueError):
            exists = False
        if exists or candidate.suffix.lower() in (".xlsx", ".xlsm", ".csv", ".txt", ".tsv", ".xls"):
            return read_list_file(candidate)
    return read_list_text(source)


# --- the header ---------------------------------------------------------------------------------


def layout_of(rows: Sequence[Sequence[str]], scan: int = HEADER_SCAN) -> Layout:
    """Where the header is and which column holds what; ListFormatError names the missing columns."""
    search = find_header(rows, COLUMNS, REQUIRED, scan)
    if search.header is not None:
        return _layout(rows, search.header.row, search.header.columns, search.header.data_from)
    best_index, best = search.best_row, search.best_columns
    if best_index is not None and not [name for name in best if name != "number"]:
        best_index = None
    if not any(cell.strip() for row in rows for cell in row):
        raise ListFormatError("Danh sách trống: không có dòng nào.")
    if best_index is None:
        raise ListFormatError(
            f"Không tìm thấy dòng tiêu đề trong {min(scan, len(rows))} dòng đầu: danh sách cần có các cột "
            f"“Họ và tên” và “Ngày sinh” (có thể thêm Giới tính, Số CCCD, Số điện thoại, Đơn vị, Nhóm máu, "
            f"Hình thức trực tiếp/dự bị)."
        )
    missing = [f"“{COLUMN_LABELS[name]}”" for name in REQUIRED if name not in best]
    hints = {
        "full_name": "“Họ và tên” (hoặc “Họ tên”)",
        "date_of_birth": "“Ngày sinh” (hoặc “Năm sinh” ghi đủ ngày/tháng/năm)",
    }
    wanted = "; ".join(hints[name] for name in REQUIRED if name not in best)
    raise ListFormatError(
        f"Danh sách thiếu {'các cột' if len(missing) > 1 else 'cột'} {' và '.join(missing)} "
        f"(dòng tiêu đề là dòng {best_index + 1} của tệp): hãy thêm cột có tiêu đề {wanted}."
    )


def _layout(rows: Sequence[Sequence[str]], index: int, columns: dict[str, int], data_from: int) -> Layout:
    sex_split = None
    if "sex" not in columns and data_from < len(rows):
        below = rows[data_from]
        dob = columns["date_of_birth"]
        pair = [fold_words(below[i]) if i < len(below) else "" for i in (dob, dob + 1)]
        if pair == ["nam", "nu"]:
            sex_split = (dob, dob + 1)
        elif pair == ["nu", "nam"]:
            sex_split = (dob + 1, dob)
        if sex_split:
            data_from += 1
    return Layout(index, data_from, columns, sex_split)


# --- the check ----------------------------------------------------------------------------------


def check_lines(
    rows: Sequence[Sequence[str]],
    drive_date: datetime.date,
    rules_sets: Iterable[RuleSet] | None = None,
    history: Mapping[HistoryKey, PastDonation | tuple[datetime.date, str]] | None = None,
) -> CheckResult:
    """Check every line of a registrant list for a drive on `drive_date`.

    `rows` are rows of strings with the header somewhere in the first HEADER_SCAN rows. Lines are counted
    over the non-blank data rows only (line 1 = the first data row that holds something), see the module
    docstring. `rules_sets` are the eligibility rule versions (default: the shipped file); the one in force on
    `drive_date` is used (LookupError when none is). `history` maps a person's key (see `history_keys`) to
    their last donation, as a PastDonation or a (date, component) pair; the later of it and the list's own
    "Lần hiến gần nhất" is checked. Raises ListFormatError when the header or a required column is missing.
    """
    rules = rules_on(tuple(rules_sets) if rules_sets is not None else default_rule_sets(), drive_date)
    rows = [[("" if cell is None else str(cell)) for cell in row] for row in rows]
    layout = layout_of(rows)
    result = CheckResult(drive_date, layout.header + 1, dict(layout.columns))
    seen_cccd: dict[str, int] = {}
    seen_phone: dict[str, int] = {}
    seen_person: dict[tuple[str, datetime.date], int] = {}
    line = 0
    for index in range(layout.data_from, len(rows)):
        raw = rows[index]
        if _skipped(raw, layout, index):
            continue
        line += 1
        checked = check_line(line, index + 1, raw, layout, drive_date, rules, history or {})
        check_duplicates(checked, seen_cccd, seen_phone, seen_person)
        finish(checked)
        result.lines.append(checked)
    return result


def _skipped(raw: Sequence[str], layout: Layout, index: int) -> bool:
    number = layout.columns.get("number")
    filled = [i for i, cell in enumerate(raw) if cell.strip()]
    if not filled or filled == [number]:
        return True  # blank, or a pre-numbered template row with nobody on it
    # "(1) (2) (3) …" right under the header, as official tables number their columns (no name is a number).
    return (
        index == layout.data_from
        and len(filled) >= 3
        and layout.columns["full_name"] in filled
        and all(_NUMBERING_CELL.fullmatch(raw[i].strip()) for i in filled)
    )
