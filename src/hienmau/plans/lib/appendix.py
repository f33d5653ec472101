"""Appendix tables: find them in a document, understand their columns, read their rows, check them.

Input is a list of blocks (paragraphs and tables of string cells) as any reader produces them, from
pasted text, .csv, .xlsx or .docx. Output is plain data: the rows as the document writes them, the grand
total it states and the one the rows add up to, and findings for everything that disagrees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hienmau.core.lib.headers import combine_header_rows
from hienmau.core.lib.numbers import parse_int
from hienmau.core.lib.text import fold, fold_words
from hienmau.plans.lib import findings as F
from hienmau.plans.lib.buckets import bucket_from_header, bucket_label, bucket_sort_key, month_key
from hienmau.plans.lib.schedule import looks_like_schedule, parse_schedule


class AppendixError(ValueError):
    """The input holds no table this importer can read; the message says why, in Vietnamese."""


@dataclass
class Paragraph:
    text: str


@dataclass
class TableBlock:
    rows: list[list[str]]
    source: str = ""


Block = Paragraph | TableBlock


@dataclass
class Column:
    index: int
    role: str  # stt, unit, total, bucket, prior_plan, prior_actual, prior_percent, schedule, note, other
    header: str
    bucket: str | None = None
    bucket_date: str | None = None


@dataclass
class Row:
    unit: str
    total: int | None
    buckets: dict[str, int]
    prior: dict | None
    note: str | None
    section: str | None = None
    table: int = 0
    line: int = 0  # 1-based row number within its table, for messages
    delegate_to: str | None = None

    def as_dict(self) -> dict:
        ordered = {key: self.buckets[key] for key in sorted(self.buckets, key=bucket_sort_key)}
        return {"unit": self.unit, "total": self.total, "buckets": ordered, "prior": self.prior, "note": self.note}


@dataclass
class Bucket:
    key: str
    date: str | None = None


@dataclass
class Appendix:
    rows: list[Row] = field(default_factory=list)
    stated_total: int | None = None
    findings: list[F.Finding] = field(default_factory=list)
    buckets: list[Bucket] = field(default_factory=list)
    has_prior: bool = False
    metric: str = "blood_units"

    @property
    def computed_total(self) -> int:
        return sum(row.total or 0 for row in self.rows)

    def result(self) -> dict:
        return {
            "rows": [row.as_dict() for row in self.rows],
            "totals": {"stated": self.stated_total, "computed": self.computed_total},
            "findings": [  # the `plan import --json` contract: code, unit, message
                {"code": f.code, "unit": f.unit, "message": f.message} for f in self.findings
            ],
        }


STT = re.compile(r"^\s*(\d{1,3})\s*[.)]?\s*$")
SECTION = re.compile(r"^\s*([IVX]{1,4}|[A-D])\s*[.)/-]\s*\S")
SECTION_MARK = re.compile(r"^([IVX]{1,4}|[A-D])\.?$")
COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$")
TOTAL_PHRASE = re.compile(r"^(?:tong cong|tong so|tong|cong)(?: [ivx]+| \d+)?(?: .*\+.*)?$")
DELEGATION = re.compile(r"^\(?\s*(?P<unit>.+?)\s+(?:phu trach|dam nhan|chiu trach nhiem)\s*\)?\.?$")
UNIT_HEADERS = ("don vi", "ten don vi", "co quan don vi", "dia phuong", "ten", "co quan", "xa phuong", "xa thi tran")
STT_HEADERS = ("stt", "tt", "so tt", "so thu tu")


# --- columns -------------------------------------------------------------------------------------


def _header_rows(rows: list[list[str]]) -> int:
    """How many rows at the top are header rows: those before the first row that carries data
    (or a section heading, or the "(1) (2) (3)" row some tables put under their header)."""
    for index, row in enumerate(rows):
        if _is_data_like(row) or _section_title(row) or _is_column_numbers(row):
            return index
    return len(rows)


def _is_data_like(row: list[str]) -> bool:
    first = row[0].strip() if row else ""
    if STT.match(first):
        return True
    numeric = 0
    for cell in row:
        try:
            if parse_int(cell) is not None:
                numeric += 1
        except ValueError:
            continue
    return numeric >= 1 and not any(bucket_from_header(cell) for cell in row)


def _is_column_numbers(row: list[str]) -> bool:
    filled = [c.strip() for c in row if c.strip()]
    return len(filled) >= 2 and all(COLUMN_NUMBER.match(c) for c in filled)


def _section_title(row: list[str]) -> str | None:
    """'I. Các xã, thị trấn' in one cell, or 'II' | 'Khối cơ quan' across the STT and name cells."""
    filled = [c.strip() for c in row if c.strip()]
    if len(filled) == 1 and SECTION.match(filled[0]) and not STT.match(filled[0]):
        return filled[0]
    if (
        len(filled) == 2
        and SECTION_MARK.match(filled[0])
        and row
        and row[0].strip() == filled[0]
        and not any(_looks_numeric(c) for c in filled[1:])
    ):
        return f"{filled[0].rstrip('.')}. {filled[1]}"
    return None


def _looks_numeric(text: str) -> bool:
    try:
        return parse_int(text) is not None
    except ValueError:
        return False


def analyse_columns(header: list[list[str]], width: int) -> list[Column]:
    columns: list[Column] = []
    years: dict[int, int] = {}
    for index, (combined, lowest) in enumerate(combine_header_rows(header, width)):
        folded = fold_words(combined)
        lowest_folded = fold_words(lowest)
        year = re.search(r"\b(20\d\d)\b", folded)
        if year:
            years[index] = int(year.group(1))
        bucket = bucket_from_header(lowest) if lowest else None
        if lowest_folded in STT_HEADERS or folded in STT_HEADERS:
            role = "stt"
        elif lowest_folded in UNIT_HEADERS or folded in UNIT_HEADERS or lowest_folded.startswith("ten don vi"):
            role = "unit"
        elif "ghi chu" in folded:
            role = "note"
        elif "%" in combined or re.search(r"\bt[yi] le\b", folded):
            role = "prior_percent"
        elif re.search(r"\b(thuc hien|ket qua|dat duoc)\b", folded):
            role = "prior_actual"
        elif (
            re.search(r"\b(thoi gian|lich|du kien thoi gian|phan bo theo thang|cac thang|thang tiep nhan)\b", folded)
            and not bucket
        ):
            role = "schedule"
        elif bucket:
            role = "bucket"
        elif re.search(r"\b(tong|cong|so dvm|so don vi mau|chi tieu|ke hoach|so luong|dvm|so nguoi)\b", folded):
            role = "total"
        else:
            role = "other"
        column = Column(index, role, combined)
        if bucket:
            column.bucket, column.bucket_date = bucket
        columns.append(column)
    _split_plan_columns(columns, years)
    if not any(c.role == "unit" for c in columns):
        raise AppendixError("Không nhận ra cột tên đơn vị trong bảng (cần tiêu đề như “Đơn vị” hoặc “Tên đơn vị”).")
    return columns


def _split_plan_columns(columns: list[Column], years: dict[int, int]) -> None:
    """With several plan columns, the one of the latest year is this plan; earlier ones are last year's."""
    totals = [c for c in columns if c.role == "total"]
    if len(totals) < 2:
        return
    dated = [c for c in totals if c.index in years]
    if not dated:
        return
    latest = max(years[c.index] for c in dated)
    for column in dated:
        if years[column.index] < latest:
            column.role = "prior_plan"
    remaining = [c for c in columns if c.role == "total"]
    for extra in remaining[1:]:
        if "tong" not in fold_words(extra.header):
            extra.role = "other"
    remaining = [c for c in columns if c.role == "total"]
    if len(remaining) > 1:  # "Kế hoạch năm 2024" beside "Tổng cộng": the total column wins
        keep = next((c for c in remaining if "tong" in fold_words(c.header)), remaining[-1])
        for column in remaining:
            if column is not keep:
                column.role = "other"


# --- rows ----------------------------------------------------------------------------------------


def _cell(row: list[str], index: int) -> str:
    return row[index].strip() if index < len(row) else ""


def _number(text: str) -> tuple[int | None, str | None]:
    """(number, None) for a number or a blank cell; (None, text) for a cell that holds words."""
    cleaned = text.strip().strip("*").strip()
    if cleaned in ("", "-", "–", "—", "_"):
        return None, None
    try:
        return parse_int(cleaned.rstrip(".")), None
    except ValueError:
        return None, cleaned


def _percent(text: str) -> tuple[int | None, str | None]:
    cleaned = text.strip().rstrip("%").strip().replace(",", ".")
    if not cleaned:
        return None, None
    if not re.fullmatch(r"-?\d{1,6}(?:\.\d+)?", cleaned):
        return None, text.strip()
    return round(float(cleaned)), None


def _label(row: list[str], columns: list[Column]) -> str:
    stt = next((c for c in columns if c.role == "stt"), None)
    unit = next(c for c in columns if c.role == "unit")
    texts = [_cell(row, unit.index)]
    if stt is not None:
        texts.insert(0, _cell(row, stt.index))
    return " ".join(t for t in texts if t)


def _is_total_label(label: str) -> bool:
    """'Tổng cộng', 'Tổng I', 'Cộng', 'Tổng cộng: I+II' — but not 'Công an tỉnh' or 'Tổng công ty …'.

    Folding would make "Công" and "Cộng" the same word, so the written word decides when it has marks;
    a label written without marks must be a total phrase and nothing else.
    """
    words = label.split()
    if words and STT.match(words[0]):
        words = words[1:]
    if not words:
        return False
    folded = fold_words(" ".join(words))
    if folded.startswith("tong cong ty"):
        return False
    first = words[0].lower().strip(".:")
    if first in ("tổng", "cộng"):
        return True
    return bool(TOTAL_PHRASE.match(folded))


def _is_grand_total(label: str) -> bool:
    """A grand total adds everything ('Tổng cộng', 'Tổng số', 'I+II'); a bare 'Cộng' closes a section."""
    folded = fold_words(label)
    return folded.startswith(("tong cong", "tong so")) or "+" in label or folded == "tong"


@dataclass
class _Subtotal:
    label: str
    total: int | None
    buckets: dict[str, int]
    grand: bool
    rows: list[Row] = field(default_factory=list)  # what a section subtotal ("Tổng I", "Cộng") covers


def read_table(
    block: TableBlock, table_number: int, section: str | None, appendix: Appendix, inherited: list[Column] | None = None
) -> tuple[list[Column], list[_Subtotal], str | None]:
    rows = [r for r in block.rows if any(c.strip() for c in r) and not _is_column_numbers(r)]
    header_count = _header_rows(rows)
    width = max(len(r) for r in rows)
    if header_count == 0 and inherited is not None:
        columns = inherited
    else:
        columns = analyse_columns(rows[:header_count], width)
    unit_col = next(c for c in columns if c.role == "unit")
    subtotals: list[_Subtotal] = []
    segment: list[Row] = []
    line = 0
    for raw in rows[header_count:]:
        label = _label(raw, columns)
        title = _section_title(raw)
        if title:
            section = title
            continue
        if _is_total_label(label):
            subtotal = _read_subtotal(raw, columns, label)
            if not subtotal.grand:
                subtotal.rows, segment = segment, []
            subtotals.append(subtotal)
            continue
        name = _cell(raw, unit_col.index)
        if not name:
            continue
        line += 1
        row = _read_row(raw, columns, name, section, table_number, line, appendix)
        appendix.rows.append(row)
        segment.append(row)
    return columns, subtotals, section


def _read_subtotal(raw: list[str], columns: list[Column], label: str) -> _Subtotal:
    total, buckets = None, {}
    for column in columns:
        value, _ = _number(_cell(raw, column.index))
        if column.role == "total":
            total = value
        elif column.role == "bucket" and value is not None:
            buckets[column.bucket] = value
    return _Subtotal(label=label.strip(), total=total, buckets=buckets, grand=_is_grand_total(label))


def _read_row(raw, columns, name, section, table_number, line, appendix: Appendix) -> Row:
    row = Row(
        unit=" ".join(name.split()),
        total=None,
        buckets={},
        prior=None,
        note=None,
        section=section,
        table=table_number,
        line=line,
    )
    notes: list[str] = []  # words written in cells meant for numbers
    remarks: list[str] = []  # the "Ghi chú" column
    prior = {"plan": None, "actual": None, "percent": None}
    has_prior = False
    schedule_text = ""
    for column in columns:
        text = _cell(raw, column.index)
        if column.role == "total":
            row.total, note = _number(text)
            if note:
                notes.append(note)
        elif column.role == "bucket":
            value, note = _number(text)
            if value is not None:
                row.buckets[column.bucket] = value
            if note:
                notes.append(note)
        elif column.role in ("prior_plan", "prior_actual"):
            has_prior = True
            value, note = _number(text)
            prior["plan" if column.role == "prior_plan" else "actual"] = value
            if note:
                notes.append(note)
        elif column.role == "prior_percent":
            has_prior = True
            prior["percent"], note = _percent(text)
            if note:
                notes.append(note)
        elif column.role == "schedule":
            schedule_text = text
        elif column.role == "note" and text:
            remarks.append(text)
    if has_prior:
        row.prior = prior
        appendix.has_prior = True
    if notes or remarks:
        row.note = "; ".join(notes + remarks)
    _check_row(row, columns, "; ".join(notes), schedule_text, appendix)
    return row


def _check_row(row: Row, columns: list[Column], numeric_notes: str, schedule_text: str, appendix: Appendix) -> None:
    _check_negative(row, appendix)
    if numeric_notes:
        delegate = DELEGATION.match(fold(numeric_notes))
        if delegate:
            row.delegate_to = _original_words(numeric_notes, delegate.group("unit"))
        appendix.findings.append(
            F.finding(
                F.NOTE_INSTEAD_OF_NUMBER,
                row.unit,
                f"{row.unit}: ô số liệu ghi “{numeric_notes}” thay vì một con số"
                + (f" (chỉ tiêu do {row.delegate_to} phụ trách)." if row.delegate_to else "."),
            )
        )
    if schedule_text:
        _check_schedule(row, schedule_text, appendix)
    has_bucket_columns = any(c.role == "bucket" for c in columns) or any(c.role == "schedule" for c in columns)
    bucket_sum = sum(row.buckets.values())
    if row.buckets:
        if row.total is None and not numeric_notes:
            appendix.findings.append(
                F.finding(
                    F.ROW_SUM_MISMATCH,
                    row.unit,
                    f"{row.unit}: không ghi tổng số nhưng các {_bucket_word(row)} cộng lại {bucket_sum}.",
                )
            )
        elif row.total is not None and bucket_sum != row.total and not (schedule_text and bucket_sum < row.total):
            # A schedule that places less than the total is reported as unallocated, in _check_schedule.
            appendix.findings.append(
                F.finding(
                    F.ROW_SUM_MISMATCH,
                    row.unit,
                    f"{row.unit}: tổng số ghi {row.total} nhưng các {_bucket_word(row)} cộng lại {bucket_sum} "
                    f"({_describe(row.buckets)}).",
                )
            )
    elif has_bucket_columns and row.total and not schedule_text:
        appendix.findings.append(
            F.finding(
                F.ROW_SUM_MISMATCH,
                row.unit,
                f"{row.unit}: tổng số ghi {row.total} nhưng các tháng/đợt đều để trống (cộng lại 0).",
            )
        )
        appendix.findings.append(
            F.finding(
                F.SCHEDULE_UNALLOCATED,
                row.unit,
                f"{row.unit}: có chỉ tiêu {row.total} nhưng chưa phân vào tháng hoặc đợt nào.",
            )
        )
    if row.prior and row.prior["plan"] and row.prior["actual"] is not None and row.prior["percent"] is not None:
        expected = row.prior["actual"] * 100 / row.prior["plan"]
        if abs(expected - row.prior["percent"]) >= 1:
            appendix.findings.append(
                F.finding(
                    F.PERCENT_MISMATCH,
                    row.unit,
                    f"{row.unit}: tỉ lệ ghi {row.prior['percent']}% nhưng thực hiện {row.prior['actual']}"
                    f"/kế hoạch {row.prior['plan']} = {expected:.1f}%.",
                )
            )


def _check_negative(row: Row, appendix: Appendix) -> None:
    """A target or a count below zero is a typing error (a dash read as a minus), never a plan."""
    written = [("tổng số", row.total)] + [(bucket_label(k), v) for k, v in sorted(row.buckets.items())]
    if row.prior:
        written += [("kế hoạch năm trước", row.prior["plan"]), ("thực hiện năm trước", row.prior["actual"])]
    for what, value in written:
        if value is not None and value < 0:
            appendix.findings.append(
                F.finding(F.NEGATIVE_NUMBER, row.unit, f"{row.unit}: {what} ghi {value}, chỉ tiêu không thể là số âm.")
            )


def _original_words(original: str, folded_part: str) -> str:
    """Recover the diacritics of `folded_part` from `original` (same words, same order)."""
    words = original.strip("() .").split()
    target = folded_part.split()
    for start in range(len(words) - len(target) + 1):
        window = words[start : start + len(target)]
        if [fold(w) for w in window] == target:
            return " ".join(window)
    return folded_part


def _check_schedule(row: Row, text: str, appendix: Appendix) -> None:
    if not looks_like_schedule(text):
        return
    schedule = parse_schedule(text)
    for month, amount in schedule.amounts.items():
        row.buckets[month_key(month)] = row.buckets.get(month_key(month), 0) + amount
    if schedule.invalid_months:
        appendix.findings.append(
            F.finding(
                F.INVALID_DATE,
                row.unit,
                f"{row.unit}: lịch ghi tháng {', '.join(map(str, schedule.invalid_months))} không tồn tại.",
            )
        )
    if schedule.months_without_amount:
        months = ", ".join(str(m) for m in schedule.months_without_amount)
        appendix.findings.append(
            F.finding(
                F.SCHEDULE_UNALLOCATED,
                row.unit,
                f"{row.unit}: lịch ghi tháng {months} nhưng không ghi số đơn vị máu cho tháng đó.",
            )
        )
    if row.total is not None and schedule.total < row.total:
        appendix.findings.append(
            F.finding(
                F.SCHEDULE_UNALLOCATED,
                row.unit,
                f"{row.unit}: lịch tiếp nhận chỉ phân {schedule.total}/{row.total} đơn vị máu; còn {row.total - schedule.total} chưa xếp tháng.",
            )
        )


def _bucket_word(row: Row) -> str:
    return "đợt" if all(k.startswith("round") for k in row.buckets) else "tháng"


def _describe(buckets: dict[str, int]) -> str:
    return " + ".join(
        f"{bucket_label(k)}: {v}" for k, v in sorted(buckets.items(), key=lambda kv: bucket_sort_key(kv[0]))
    )


# --- whole document ------------------------------------------------------------------------------


def read_appendix(blocks: list[Block]) -> Appendix:
    appendix = Appendix()
    tables = [b for b in blocks if isinstance(b, TableBlock) and _usable(b)]
    if not tables:
        raise AppendixError("Không tìm thấy bảng phụ lục nào (cần một bảng có cột đơn vị và số liệu).")
    section: str | None = None
    grand: list[_Subtotal] = []
    sections_closed: list[_Subtotal] = []
    inherited: list[Column] | None = None
    bucket_dates: dict[str, str | None] = {}
    table_number = 0
    for block in blocks:
        if isinstance(block, Paragraph):
            text = block.text.strip()
            if SECTION.match(text) and len(text) < 120 and not text.isupper():
                section = text
            continue
        if block not in tables:
            continue
        table_number += 1
        columns, subtotals, section = read_table(block, table_number, section, appendix, inherited)
        inherited = columns
        for column in columns:
            if column.bucket:
                bucket_dates.setdefault(column.bucket, column.bucket_date)
        for subtotal in subtotals:
            if subtotal.grand:
                grand.append(subtotal)
            else:
                sections_closed.append(subtotal)
                _check_total(subtotal, subtotal.rows, appendix)
    for subtotal in grand:
        _check_total(subtotal, appendix.rows, appendix)
    if grand:
        appendix.stated_total = grand[-1].total
    elif len(sections_closed) == 1 and len(sections_closed[0].rows) == len(appendix.rows):
        appendix.stated_total = sections_closed[0].total  # one "Cộng" row closing the only table
    appendix.buckets = [Bucket(k, bucket_dates[k]) for k in sorted(bucket_dates, key=bucket_sort_key)]
    return appendix


def _usable(block: TableBlock) -> bool:
    rows = [r for r in block.rows if any(c.strip() for c in r)]
    return len(rows) >= 2 and max(len(r) for r in rows) >= 2


def _check_total(subtotal: _Subtotal, rows: list[Row], appendix: Appendix) -> None:
    label = subtotal.label
    computed = sum(r.total or 0 for r in rows)
    if subtotal.total is not None and subtotal.total != computed:
        appendix.findings.append(
            F.finding(
                F.TOTAL_MISMATCH,
                None,
                f"Dòng “{label}” ghi tổng {subtotal.total} nhưng các dòng cộng lại {computed} (chênh {subtotal.total - computed:+d}).",
            )
        )
    for key, stated in subtotal.buckets.items():
        column_sum = sum(r.buckets.get(key, 0) for r in rows)
        if stated != column_sum:
            appendix.findings.append(
                F.finding(
                    F.TOTAL_MISMATCH,
                    None,
                    f"Dòng “{label}”, cột {bucket_label(key)}: ghi {stated} nhưng các dòng cộng lại {column_sum} "
                    f"(chênh {stated - column_sum:+d}).",
                )
            )
