"""Reading a facility's or a unit's tally of blood collected, as hospitals keep them in Excel.

The input is the rows of strings that core.lib.tables reads from .xlsx/.csv. A tally has a title block
("BÁO CÁO KẾT QUẢ TIẾP NHẬN MÁU … Thực hiện Kế hoạch số 66/KH-BCĐ ngày 05/4/2022"), a header of one to
three rows with merged group titles ("Số đơn vị máu tiếp nhận" over "Tổng số | Trong đó: 250 ml | 350 ml |
450 ml"), one row per drive or per unit and date, a "Tổng cộng" row and notes. Nothing is corrected
silently: every disagreement becomes a finding that names the line.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from hienmau.core.lib.dates import parse_date
from hienmau.core.lib.numbers import parse_decimal, parse_int
from hienmau.core.lib.text import fold, fold_words

from .rules import percent as percent_of

# Finding codes (the command-line contract) and the codes that keep a row from being stored.
TOTAL_MISMATCH = "total_mismatch"
ROW_SUM_MISMATCH = "row_sum_mismatch"
DUPLICATE_ROW = "duplicate_row"
INVALID_DATE = "invalid_date"
FUTURE_DATE = "future_date"
UNKNOWN_UNIT = "unknown_unit"
FORMER_UNIT = "former_unit"  # an old name, stored for the unit covering it on the row's date
OUTSIDE_PERIOD = "outside_period"
PERCENT_MISMATCH = "percent_mismatch"
RUNNING_TOTAL_MISMATCH = "running_total_mismatch"
INVALID_NUMBER = "invalid_number"
NOT_STORED = {DUPLICATE_ROW, INVALID_DATE, FUTURE_DATE, UNKNOWN_UNIT, INVALID_NUMBER}


PLAN_REFERENCE = re.compile(r"ke hoach so\s*:?\s*(\d{1,5})\s*/\s*([a-z0-9]+(?:-[a-z0-9]+)*)")
REFERENCE_DATE = re.compile(r"^\s*,?\s*ngay\s*(\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{2,4})")
NUMERIC = re.compile(r"^[-+]?\d[\d.,]*%?$")
COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$")
TOTAL_WORDS = ("tong cong", "tong so", "tong", "cong")


class TallyError(ValueError):
    """The file has no table that looks like a tally; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class PlanReference:
    number: str
    suffix_folded: str
    date: datetime.date | None


@dataclass
class Finding:
    code: str
    unit: str
    line: int | None
    message: str

    def as_dict(self) -> dict:
        return {"code": self.code, "unit": self.unit, "line": self.line, "message": self.message}


@dataclass
class TallyRow:
    line: int
    unit: str
    date: datetime.date | None
    date_text: str = ""
    registered: int | None = None
    collected: int | None = None
    volumes: dict[str, int] | None = None
    deferred: int | None = None
    target: int | None = None
    percent: Decimal | None = None
    running_total: int | None = None
    note: str = ""
    problems: set[str] = field(default_factory=set)

    @property
    def storable(self) -> bool:
        return not (self.problems & NOT_STORED) and self.collected is not None


@dataclass
class Tally:
    rows: list[TallyRow]
    stated_total: int | None
    plan: PlanReference | None
    title: list[str]
    findings: list[Finding]
    columns: dict[str, int]

    @property
    def computed_total(self) -> int:
        return sum(row.collected or 0 for row in self.rows)


# --- header ----------------------------------------------------------------------------------------


def _filled(row: list[str]) -> list[str]:
    return [cell for cell in row if cell.strip()]


def _numeric_cells(row: list[str]) -> int:
    return sum(1 for cell in row if NUMERIC.match(cell.strip().replace(" ", "")))


def _is_column_numbers(row: list[str]) -> bool:
    filled = _filled(row)
    return (
        len(filled) >= 3
        and all(COLUMN_NUMBER.match(cell.strip()) for cell in filled)
        and any("(" in cell for cell in filled)
    )


HEADER_WORDS = ("stt", "don vi", "ngay", "tiep nhan", "dang ky", "so luong", "ket qua", "co quan", "dia diem")


def _looks_like_header(row: list[str]) -> bool:
    if len(_filled(row)) < 2:
        return False
    text = " | ".join(fold_words(cell) for cell in row)
    return sum(1 for word in HEADER_WORDS if word in text) >= 2


def _header_span(rows: list[list[str]]) -> tuple[int, int]:
    for start, row in enumerate(rows):
        if _looks_like_header(row):
            end = start + 1
            while (
                end < len(rows)
                and end - start < 3
                and _filled(rows[end])
                and _numeric_cells(rows[end]) < 2
                and not _is_column_numbers(rows[end])
                and not _total_label(rows[end])
            ):
                end += 1
            return start, end
    raise TallyError(
        "Không tìm thấy dòng tiêu đề của bảng (cần các cột như “Đơn vị”, “Ngày”, “Số đơn vị máu tiếp nhận”)."
    )


def combined_headers(header: list[list[str]], width: int) -> list[str]:
    """One folded title per column. A group title merged over several columns ("Số đơn vị máu tiếp nhận")
    is written only in its first cell: it is carried right over the empty cells whose row below names a
    sub-column, so "250 ml" becomes "so don vi mau tiep nhan / trong do 250 ml"."""
    grid = [[(row[c] if c < len(row) else "").strip() for c in range(width)] for row in header]
    titles = []
    for col in range(width):
        parts: list[str] = []
        for r, row in enumerate(grid):
            text = row[col]
            if not text and r + 1 < len(grid) and grid[r + 1][col]:
                left = col - 1
                while left >= 0 and not row[left] and grid[r + 1][left]:
                    left -= 1
                if left >= 0 and row[left] and left != col and grid[r + 1][left]:
                    text = row[left]
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        titles.append(" / ".join(_title_words(part) for part in parts))
    return titles


def classify_columns(titles: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}

    def take(name: str, index: int) -> None:
        columns.setdefault(name, index)

    for index, title in enumerate(titles):
        if not title:
            continue
        if "ghi chu" in title:
            take("note", index)
        elif "luy ke" in title:
            take("running", index)
        elif "%" in title or "ti le" in title or "ty le" in title:
            take("percent", index)
        elif title in ("stt", "tt", "so tt") or title.startswith("stt"):
            take("stt", index)
        elif re.search(r"\b(250|350|450)\b", title) and (size := re.search(r"(250|350|450)", title)):
            take(f"v{size.group(1)}", index)
        elif re.search(r"\bngay\b", title) and "dang ky" not in title:
            take("date", index)
        elif "dang ky" in title:
            take("registered", index)
        elif "tam hoan" in title or "khong du" in title or "loai" in title:
            take("deferred", index)
        elif "chi tieu" in title or "ke hoach" in title:
            take("target", index)
        elif any(w in title for w in ("tiep nhan", "thu duoc", "thuc hien", "ket qua", "don vi mau", "dvm")):
            take("collected", index)
        elif any(w in title for w in ("don vi", "co quan", "dia phuong", "xa phuong")):
            take("unit", index)
        elif "dia diem" in title or title.startswith("ten"):
            take("site", index)
    if "unit" not in columns and "site" in columns:
        columns["unit"] = columns.pop("site")
    if "collected" not in columns:
        total = next((i for i, t in enumerate(titles) if "tong" in t and i not in columns.values()), None)
        if total is not None:
            columns["collected"] = total
    return columns


# --- rows ------------------------------------------------------------------------------------------


def _cell(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return row[index].strip()


def _total_label(row: list[str]) -> bool:
    """'Tổng cộng', 'Tổng số', 'Cộng' — but not 'Công an tỉnh' or 'Tổng công ty …': a word written with
    marks decides by its marks; one written without them must be a total phrase and nothing else."""
    for cell in row[:3]:
        words = cell.strip().split()
        if not words:
            continue
        folded = fold_words(cell)
        if folded.startswith("tong cong ty"):
            return False
        first = words[0].lower().strip(".:")
        return first in ("tổng", "cộng") or folded in TOTAL_WORDS or folded.startswith(("tong cong ", "tong so "))
    return False


def _title_words(text: str) -> str:
    """A header cell folded, punctuation dropped except '%'."""
    return re.sub(r"[^0-9a-z%]+", " ", fold(text)).strip()


def parse_date_cell(text: str) -> datetime.date:
    """A tally's date cell through the one date reader (core.lib.dates): typed d/m/yyyy in any separator,
    ISO, or an Excel day number. ValueError with a Vietnamese message for a blank or impossible day."""
    day = parse_date(text)
    if day is None:
        raise ValueError("ô ngày để trống")
    return day


def suffix_key(text: str) -> str:
    """'KH-BCĐ', 'kh-bcd', 'KH/BCĐ' → 'khbcd': how a plan's suffix is compared."""
    return re.sub(r"[^0-9a-z]", "", fold(text))


def find_plan_reference(lines: list[str]) -> PlanReference | None:
    """'Thực hiện Kế hoạch số 66/KH-BCĐ ngày 05/4/2022' → 66, 'kh-bcd', 2022-04-05."""
    for line in lines:
        folded = fold(line)
        match = PLAN_REFERENCE.search(folded)
        if not match:
            continue
        rest = folded[match.end() :]
        day = None
        date_match = REFERENCE_DATE.match(rest)
        if date_match:
            try:
                day = parse_date(date_match.group(1).replace(" ", ""))
            except ValueError:
                day = None
        return PlanReference(match.group(1).lstrip("0") or "0", suffix_key(match.group(2)), day)
    return None


def _number(row: TallyRow, text: str, label: str, findings: list[Finding]) -> int | None:
    try:
        return parse_int(text)
    except ValueError:
        try:
            value = parse_decimal(text)
        except ValueError:
            value = None
        if value is not None and value == value.to_integral_value():
            return int(value)
        row.problems.add(INVALID_NUMBER)
        findings.append(
            Finding(INVALID_NUMBER, row.unit, row.line, f"Dòng {row.line}: cột “{label}” ghi “{text}”, không phải số.")
        )
        return None


def read_tally(rows: list[list[str]], today: datetime.date, default_unit: str = "") -> Tally:
    """Rows of a spreadsheet → a Tally with its findings (dates, sums, duplicates, totals, %, running)."""
    start, end = _header_span(rows)
    width = max((len(row) for row in rows), default=0)
    titles = combined_headers(rows[start:end], width)
    columns = classify_columns(titles)
    if "collected" not in columns and not any(k in columns for k in ("v250", "v350", "v450")):
        raise TallyError("Không tìm thấy cột số đơn vị máu tiếp nhận trong bảng.")
    if "unit" not in columns and not default_unit:
        raise TallyError("Không tìm thấy cột đơn vị; hãy chọn đơn vị cho cả tệp.")
    title_lines = [" ".join(_filled(row)) for row in rows[:start] if _filled(row)]
    findings: list[Finding] = []
    data: list[TallyRow] = []
    stated_total: int | None = None
    notes: list[str] = []
    seen: dict[tuple[str, datetime.date], int] = {}
    running = 0
    volume_cols = [k for k in ("v250", "v350", "v450") if k in columns]
    for index in range(end, len(rows)):
        raw = rows[index]
        line = index + 1
        filled = _filled(raw)
        if not filled or _is_column_numbers(raw):
            continue
        if _total_label(raw):
            if stated_total is None:
                text = _cell(raw, columns.get("collected"))
                try:
                    stated_total = parse_int(text) if text else None
                except ValueError:
                    stated_total = None
                if stated_total is None and volume_cols:
                    parts = [parse_int(_cell(raw, columns[k]) or "0") or 0 for k in volume_cols]
                    stated_total = sum(parts) if any(parts) else None
            continue
        if _numeric_cells(raw) == 0 or len(filled) == 1:
            notes.append(" ".join(filled))
            continue
        row = TallyRow(line=line, unit=_cell(raw, columns.get("unit")) or default_unit, date=None)
        row.note = _cell(raw, columns.get("note"))
        row.date_text = _cell(raw, columns.get("date"))
        if not row.date_text:
            row.problems.add(INVALID_DATE)
            findings.append(Finding(INVALID_DATE, row.unit, line, f"Dòng {line}: thiếu ngày tiếp nhận."))
        else:
            try:
                row.date = parse_date_cell(row.date_text)
            except ValueError as exc:
                row.problems.add(INVALID_DATE)
                findings.append(
                    Finding(INVALID_DATE, row.unit, line, f"Dòng {line}: ngày {exc}; dòng này chưa được lưu.")
                )
        if row.date and row.date > today:
            row.problems.add(FUTURE_DATE)
            findings.append(
                Finding(
                    FUTURE_DATE,
                    row.unit,
                    line,
                    f"Dòng {line}: ngày {row.date:%d/%m/%Y} chưa tới (hôm nay {today:%d/%m/%Y}); chưa được lưu.",
                )
            )
        for key, label in (
            ("registered", "Đăng ký"),
            ("collected", "Số đơn vị máu"),
            ("deferred", "Tạm hoãn"),
            ("target", "Chỉ tiêu"),
            ("running", "Lũy kế"),
        ):
            text = _cell(raw, columns.get(key))
            if text:
                value = _number(row, text, label, findings)
                setattr(row, "running_total" if key == "running" else key, value)
        volumes = {}
        for key in volume_cols:
            text = _cell(raw, columns[key])
            volumes[key[1:]] = (_number(row, text, f"{key[1:]} ml", findings) or 0) if text else 0
        if volume_cols and any(_cell(raw, columns[k]) for k in volume_cols):
            row.volumes = {size: volumes.get(size, 0) for size in ("250", "350", "450")}
            added = sum(row.volumes.values())
            if row.collected is None:
                row.collected = added
            elif added != row.collected:
                findings.append(
                    Finding(
                        ROW_SUM_MISMATCH,
                        row.unit,
                        line,
                        f"Dòng {line}: 250 ml + 350 ml + 450 ml = {added}, nhưng số đơn vị máu ghi {row.collected}.",
                    )
                )
        text = _cell(raw, columns.get("percent"))
        if text:
            try:
                row.percent = parse_decimal(text)
            except ValueError:
                row.percent = None
            computed = percent_of(row.collected or 0, row.target)
            if row.percent is not None and computed is not None and abs(computed - row.percent) > Decimal("0.5"):
                findings.append(
                    Finding(
                        PERCENT_MISMATCH,
                        row.unit,
                        line,
                        f"Dòng {line}: ghi {row.percent}%, nhưng {row.collected}/{row.target} = {computed}%.",
                    )
                )
        running += row.collected or 0
        if row.running_total is not None and row.running_total != running:
            findings.append(
                Finding(
                    RUNNING_TOTAL_MISMATCH,
                    row.unit,
                    line,
                    f"Dòng {line}: lũy kế ghi {row.running_total}, nhưng cộng dồn các dòng đến đây là {running}.",
                )
            )
        if row.date is not None:
            seen_key = (fold_words(row.unit), row.date)
            if seen_key in seen:
                row.problems.add(DUPLICATE_ROW)
                findings.append(
                    Finding(
                        DUPLICATE_ROW,
                        row.unit,
                        line,
                        f"Dòng {line} trùng đơn vị và ngày với dòng {seen[seen_key]}; không lưu hai lần.",
                    )
                )
            else:
                seen[seen_key] = line
        data.append(row)
    if not data:
        raise TallyError("Bảng không có dòng số liệu nào.")
    tally = Tally(data, stated_total, find_plan_reference(title_lines + notes), title_lines, findings, columns)
    if stated_total is not None and stated_total != tally.computed_total:
        findings.append(
            Finding(
                TOTAL_MISMATCH,
                "",
                None,
                f"Dòng “Tổng cộng” ghi {stated_total} đơn vị máu, nhưng cộng các dòng được {tally.computed_total}.",
            )
        )
    return tally
