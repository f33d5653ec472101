"""Appendix rows: each unit's total, buckets and last year's figures as written, subtotal rows, and the
findings one row can give (words where a number belongs, sums that disagree, a schedule that does not
place the whole target, a negative target)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hienmau.core.lib.numbers import format_int, parse_int
from hienmau.core.lib.text import fold, fold_words
from hienmau.plans.lib import findings as F
from hienmau.plans.lib.appendix_columns import (
    DELEGATION,
    STT,
    TOTAL_PHRASE,
    _is_column_numbers,
    _section_title,
    analyse_columns,
    apply_meanings,
    header_row_count,
)
from hienmau.plans.lib.appendix_model import Appendix, Column, Row, TableBlock
from hienmau.plans.lib.buckets import bucket_label, bucket_sort_key, month_key
from hienmau.plans.lib.schedule import looks_like_schedule, parse_schedule


def _cell(row: list[str], index: int) -> str:
    return row[index].strip() if index < len(row) else ""


_COMMA_GROUPED = re.compile(r"\d{1,3}(,\d{3})+")


def _header_key(row: list[str]) -> tuple[str, ...]:
    cells = [" ".join(c.split()) for c in row]
    while cells and not cells[-1]:
        cells.pop()
    return tuple(cells)


def _plain_number(text: str) -> tuple[int | None, str | None]:
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
    rows: list[Row] = field(default_factory=list)
    comma_grouped: list[str] = field(
        default_factory=list
    )  # "7,411": read as 7.411, with a finding  # what a section subtotal ("Tổng I", "Cộng") covers


def read_table(
    block: TableBlock,
    table_number: int,
    section: str | None,
    appendix: Appendix,
    inherited: list[Column] | None = None,
    meanings: dict[int, str] | None = None,
) -> tuple[list[Column], list[_Subtotal], str | None]:
    rows = [r for r in block.rows if any(c.strip() for c in r) and not _is_column_numbers(r)]
    header_count = header_row_count(rows)
    width = max(len(r) for r in rows)
    if header_count == 0 and inherited is not None:
        columns = [Column(c.index, c.role, c.header, c.bucket, c.bucket_date) for c in inherited]
        apply_meanings(columns, meanings or {})
    else:
        columns = analyse_columns(rows[:header_count], width, meanings)
    unit_col = next(c for c in columns if c.role == "unit")
    subtotals: list[_Subtotal] = []
    segment: list[Row] = []
    table_rows: list[Row] = []
    headers = {_header_key(r) for r in rows[:header_count]}
    line = 0
    for position, raw in enumerate(rows[header_count:], start=header_count + 1):
        label = _label(raw, columns)
        title = _section_title(raw)
        if title:
            section = title
            continue
        if headers and _header_key(raw) in headers:
            # The header printed again at the top of each page (a table copied out of a PDF or a printout).
            appendix.findings.append(
                F.finding(
                    F.REPEATED_HEADER,
                    None,
                    f"Bảng {table_number}, dòng {position}: dòng tiêu đề của bảng lặp lại giữa bảng "
                    "(thường do in sang trang mới); đã bỏ qua, không đọc là một đơn vị.",
                    line=position,
                )
            )
            continue
        if _is_total_label(label):
            subtotal = _read_subtotal(raw, columns, label)
            if subtotal.comma_grouped:
                appendix.findings.append(_comma_finding(subtotal, table_number, position))
            if not subtotal.grand:
                subtotal.rows, segment = segment, []
            subtotals.append(subtotal)
            continue
        name = _cell(raw, unit_col.index)
        if not name:
            unlabelled = _unlabelled_total(raw, columns, table_rows)
            if unlabelled is not None:
                subtotals.append(unlabelled)
                appendix.findings.append(
                    F.finding(
                        F.UNLABELLED_TOTAL,
                        None,
                        f"Bảng {table_number}, dòng {position}: dòng không ghi tên nhưng các số bằng tổng các "
                        f"dòng phía trên ({unlabelled.total}); đã đọc là dòng tổng cộng.",
                        line=position,
                    )
                )
                if unlabelled.comma_grouped:
                    appendix.findings.append(_comma_finding(unlabelled, table_number, position))
            continue
        line += 1
        row = _read_row(raw, columns, name, section, table_number, line, appendix)
        appendix.rows.append(row)
        segment.append(row)
        table_rows.append(row)
    return columns, subtotals, section


def _unlabelled_total(raw: list[str], columns: list[Column], rows: list[Row]) -> _Subtotal | None:
    """A row with no label whose total and buckets equal the sums of the table's rows above it: the total
    row a table often has without "Tổng cộng" written in it. None for anything else (a blank row)."""
    if not rows:
        return None
    subtotal = _read_subtotal(raw, columns, "")
    if subtotal.total is None or subtotal.total != sum(r.total or 0 for r in rows):
        return None
    for bucket, value in subtotal.buckets.items():
        if value != sum(r.buckets.get(bucket, 0) for r in rows):
            return None
    subtotal.grand = True
    return subtotal


def _read_subtotal(raw: list[str], columns: list[Column], label: str) -> _Subtotal:
    total: int | None = None
    buckets: dict[str, int] = {}
    comma_grouped: list[str] = []
    for column in columns:
        if column.role not in ("total", "bucket"):
            continue
        value, note = _plain_number(_cell(raw, column.index))
        if note and _COMMA_GROUPED.fullmatch(note):
            comma_grouped.append(note)
            value = int(note.replace(",", ""))
        if column.role == "total":
            total = value
        elif value is not None and column.bucket is not None:  # a bucket column has one
            buckets[column.bucket] = value
    return _Subtotal(label.strip(), total, buckets, _is_grand_total(label), comma_grouped=comma_grouped)


def _comma_finding(subtotal: _Subtotal, table_number: int, position: int) -> F.Finding:
    read_as = ", ".join(format_int(int(t.replace(",", ""))) for t in subtotal.comma_grouped)
    return F.finding(
        F.COMMA_THOUSANDS,
        None,
        f"Bảng {table_number}, dòng {position} ({subtotal.label or 'dòng tổng'}): số “"
        f"{'”, “'.join(subtotal.comma_grouped)}” viết dấu phẩy ngăn cách hàng nghìn; đã đọc là {read_as} "
        "(hãy sửa nếu đó là số thập phân).",
        line=position,
    )


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
    prior: dict[str, int | None] = {"plan": None, "actual": None, "percent": None}
    has_prior = False
    schedule_text = ""
    comma_grouped: list[str] = []

    def _number(text: str) -> tuple[int | None, str | None]:
        value, note = _plain_number(text)
        if note and _COMMA_GROUPED.fullmatch(note):
            comma_grouped.append(note)
            return int(note.replace(",", "")), None
        return value, note

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
    if comma_grouped:
        read_as = ", ".join(format_int(int(t.replace(",", ""))) for t in comma_grouped)
        appendix.findings.append(
            F.finding(
                F.COMMA_THOUSANDS,
                row.unit,
                f"{row.unit}: số “{'”, “'.join(comma_grouped)}” viết dấu phẩy ngăn cách hàng nghìn; đã đọc là "
                f"{read_as} (hãy sửa nếu đó là số thập phân).",
            )
        )
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
    written: list[tuple[str, int | None]] = [("tổng số", row.total)]
    # Only a negative bucket needs its label (a label is a translation lookup: thousands of rows × 12 months).
    written += [(bucket_label(k), v) for k, v in sorted(row.buckets.items()) if v < 0]
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
