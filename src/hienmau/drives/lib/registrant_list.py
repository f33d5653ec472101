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

from hienmau.core.lib.blood import parse_blood_group
from hienmau.core.lib.dates import format_date as _d
from hienmau.core.lib.dates import parse_date
from hienmau.core.lib.headers import HEADER_SCAN
from hienmau.core.lib.headers import find_header as find_columns
from hienmau.core.lib.identity import PhoneError, check_cccd, normalise_cccd, normalise_phone
from hienmau.core.lib.tables import TableError, read_rows, read_text_rows
from hienmau.core.lib.text import fold, fold_words
from hienmau.donors.lib.eligibility import (
    COMPONENT_LABELS,
    PastDonation,
    Person,
    RuleSet,
    default_rule_sets,
    eligibility,
    rules_on,
)

VERDICTS = (
    "ok",
    "missing_name",
    "invalid_date",
    "cccd_length",
    "cccd_sex_century",
    "cccd_year",
    "invalid_phone",
    "duplicate_line",
    "under_18_on_drive_day",
    "over_60_on_drive_day",
    "too_soon_since_last_donation",
)
PROBLEM_ORDER = VERDICTS[1:]

VERDICT_LABELS = {
    "ok": "Hợp lệ",
    "missing_name": "Thiếu họ tên",
    "invalid_date": "Ngày tháng không hợp lệ",
    "cccd_length": "Số CCCD sai độ dài hoặc có ký tự lạ",
    "cccd_sex_century": "Chữ số thế kỷ/giới tính của CCCD không khớp",
    "cccd_year": "Năm sinh trong CCCD không khớp",
    "invalid_phone": "Số điện thoại không phải số di động Việt Nam",
    "duplicate_line": "Trùng với dòng trước",
    "under_18_on_drive_day": "Chưa đủ 18 tuổi vào ngày hiến máu",
    "over_60_on_drive_day": "Quá 60 tuổi vào ngày hiến máu",
    "too_soon_since_last_donation": "Chưa đủ thời gian kể từ lần hiến trước",
}

# Column key → accepted titles (fold_words form, bracketed notes removed); earlier titles win.
COLUMNS: dict[str, tuple[str, ...]] = {
    "number": ("stt", "tt", "so tt", "so thu tu", "no"),
    "full_name": (
        "ho va ten",
        "ho ten",
        "ho va ten nguoi hien",
        "ho va ten nguoi hien mau",
        "ho ten nguoi hien",
        "ho ten nguoi dang ky",
        "ten nguoi hien",
        "full name",
        "name",
    ),
    "date_of_birth": (
        "ngay sinh",
        "ngay thang nam sinh",
        "ngay sinh dd mm yyyy",
        "nam sinh",
        "sinh ngay",
        "date of birth",
        "birth date",
        "dob",
    ),
    "sex": ("gioi tinh", "gioi", "nam nu", "sex", "gender"),
    "cccd": (
        "cccd",
        "so cccd",
        "cmnd cccd",
        "cccd cmnd",
        "so cmnd cccd",
        "so cccd cmnd",
        "can cuoc cong dan",
        "so can cuoc cong dan",
        "can cuoc",
        "so can cuoc",
        "so dinh danh",
        "so dinh danh ca nhan",
        "cmnd",
        "so cmnd",
        "citizen id",
        "id number",
    ),
    "phone": (
        "so dien thoai",
        "sdt",
        "dien thoai",
        "so dt",
        "dt",
        "so di dong",
        "di dong",
        "dien thoai lien he",
        "phone",
        "mobile",
        "phone number",
    ),
    "unit": (
        "don vi",
        "co quan",
        "don vi cong tac",
        "co quan don vi",
        "co quan cong tac",
        "noi cong tac",
        "don vi co quan",
        "unit",
        "organisation",
        "organization",
    ),
    "blood_group": ("nhom mau", "blood group", "blood type"),
    "kind": (
        "hinh thuc",
        "truc tiep hay du bi",
        "truc tiep du bi",
        "hien truc tiep hay du bi",
        "loai",
        "hinh thuc hien",
        "hinh thuc dang ky",
        "loai dang ky",
        "kind",
        "direct or reserve",
    ),
    "last_donation": (
        "lan hien gan nhat",
        "ngay hien gan nhat",
        "lan hien mau gan nhat",
        "ngay hien mau gan nhat",
        "ngay hien lan truoc",
        "lan hien truoc",
        "last donation",
        "last donation date",
    ),
    "last_component": (
        "thanh phan lan truoc",
        "thanh phan hien lan truoc",
        "loai hien lan truoc",
        "thanh phan lan hien gan nhat",
        "thanh phan",
        "last component",
    ),
}
REQUIRED = ("full_name", "date_of_birth")
COLUMN_LABELS = {
    "number": "STT",
    "full_name": "Họ và tên",
    "date_of_birth": "Ngày sinh",
    "sex": "Giới tính",
    "cccd": "Số CCCD",
    "phone": "Số điện thoại",
    "unit": "Đơn vị",
    "blood_group": "Nhóm máu",
    "kind": "Hình thức (trực tiếp/dự bị)",
    "last_donation": "Lần hiến gần nhất",
    "last_component": "Thành phần lần trước",
}

SEXES = {"nam": "M", "m": "M", "male": "M", "trai": "M", "nu": "F", "f": "F", "female": "F", "gai": "F"}
KINDS = {
    "": "direct",
    "truc tiep": "direct",
    "tt": "direct",
    "hien truc tiep": "direct",
    "hien": "direct",
    "chinh thuc": "direct",
    "direct": "direct",
    "du bi": "reserve",
    "db": "reserve",
    "hien du bi": "reserve",
    "reserve": "reserve",
    "standby": "reserve",
}
KIND_LABELS = {"direct": "trực tiếp", "reserve": "dự bị"}
LAST_COMPONENTS = {
    "": "whole_blood",
    "mau toan phan": "whole_blood",
    "toan phan": "whole_blood",
    "mau": "whole_blood",
    "whole blood": "whole_blood",
    "whole_blood": "whole_blood",
    "hong cau": "red_cells",
    "khoi hong cau": "red_cells",
    "red cells": "red_cells",
    "red_cells": "red_cells",
    "tieu cau": "platelets",
    "tieu cau gan tach": "platelets",
    "platelets": "platelets",
    "huyet tuong": "plasma",
    "huyet tuong gan tach": "plasma",
    "plasma": "plasma",
}
_NUMBERING_CELL = re.compile(r"\(?\d{1,2}\)?")
NEUTRAL_AGE_YEARS = 30  # the stand-in age for a gap check when the date of birth is unknown

HistoryKey = str | tuple[str, datetime.date]


class ListFormatError(ValueError):
    """The list as a whole cannot be checked (unreadable, no header, missing columns); message in Vietnamese."""


@dataclass
class LineResult:
    line: int  # 1 = first non-blank data row after the header
    row: int  # the row's number in the file or sheet (1 = its first row)
    name: str
    verdict: str  # "ok" or the first of PROBLEM_ORDER found
    messages: list[str] = field(default_factory=list)  # every problem, in PROBLEM_ORDER
    codes: list[str] = field(default_factory=list)  # the problem code of each message
    warnings: list[str] = field(default_factory=list)  # not a reason to refuse the line
    date_of_birth: datetime.date | None = None
    sex: str = ""  # "M" | "F" | "" (not given or not understood)
    cccd: str | None = None  # digits without separators, as written; None when blank
    phone: str = ""  # E.164 when valid, else ""
    phone_text: str = ""  # as written
    unit: str = ""
    abo: str = ""  # "O" | "A" | "B" | "AB" | ""
    rh: str = ""  # "+" | "-" | ""
    kind: str = "direct"  # "direct" | "reserve" | "" (not understood)
    last_donation: PastDonation | None = None  # the one the gap was checked against
    eligible_from: datetime.date | None = None  # when age or the gap blocks and waiting helps
    duplicate_of: list[int] = field(default_factory=list)  # earlier lines this one repeats
    cells: dict[str, str] = field(default_factory=dict)  # column key → the cell as written

    @property
    def ok(self) -> bool:
        return self.verdict == "ok"

    @property
    def blood_group(self) -> str:
        """ "O+", "AB-", "A" (Rh unknown) or ""."""
        return f"{self.abo}{self.rh}" if self.abo else ""

    def as_json(self) -> dict:
        return {"line": self.line, "name": self.name, "verdict": self.verdict, "messages": list(self.messages)}


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


@dataclass(frozen=True)
class _Layout:
    header: int  # 0-based index of the header row
    data_from: int  # 0-based index of the first data row
    columns: dict[str, int]
    sex_split: tuple[int, int] | None  # (male column, female column) under a split "Năm sinh"


def find_header(rows: Sequence[Sequence[str]], scan: int = HEADER_SCAN) -> _Layout:
    """Where the header is and which column holds what; ListFormatError names the missing columns."""
    search = find_columns(rows, COLUMNS, REQUIRED, scan)
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


def _layout(rows: Sequence[Sequence[str]], index: int, columns: dict[str, int], data_from: int) -> _Layout:
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
    return _Layout(index, data_from, columns, sex_split)


# --- cells --------------------------------------------------------------------------------------


def history_keys(name: str, date_of_birth: datetime.date | None, cccd: str | None) -> list[HistoryKey]:
    """The keys a `history` mapping may use for a person, most specific first: the CCCD (digits only), then
    (fold(full name), date of birth) — the same fold as Donor.name_folded."""
    keys: list[HistoryKey] = []
    if cccd:
        keys.append(normalise_cccd(cccd))
    if name and date_of_birth:
        keys.append((fold(name), date_of_birth))
    return keys


def _lookup(table: Mapping[str, str], text: str) -> str | None:
    """The table's value for a cell, by its folded words; None when it is written but not understood."""
    key = fold_words(text)
    if text.strip() and not key:
        return None
    return table.get(key)


def _past(value) -> PastDonation | None:
    if value is None:
        return None
    if isinstance(value, PastDonation):
        return value
    day, component = value
    return PastDonation(day, component or "whole_blood")


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
    layout = find_header(rows)
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
        checked = _check_line(line, index + 1, raw, layout, drive_date, rules, history or {})
        _check_duplicates(checked, seen_cccd, seen_phone, seen_person)
        _finish(checked)
        result.lines.append(checked)
    return result


def _skipped(raw: Sequence[str], layout: _Layout, index: int) -> bool:
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


def _check_line(
    line: int,
    row: int,
    raw: Sequence[str],
    layout: _Layout,
    drive_date: datetime.date,
    rules: RuleSet,
    history: Mapping,
) -> LineResult:
    def cell(key: str) -> str:
        position = layout.columns.get(key)
        return raw[position].strip() if position is not None and position < len(raw) else ""

    cells = {key: cell(key) for key in layout.columns}
    problems: list[tuple[str, str]] = []  # (code, message)
    warnings: list[str] = []

    name = " ".join(cell("full_name").split())
    if not name:
        problems.append(("missing_name", "Họ và tên: chưa ghi họ tên người đăng ký."))

    # Date of birth, and sex from a split "Năm sinh | Nam | Nữ" when the list is laid out that way.
    sex = ""
    dob_text = cell("date_of_birth")
    if layout.sex_split:
        male, female = (raw[i].strip() if i < len(raw) else "" for i in layout.sex_split)
        if male and female:
            warnings.append("Ngày sinh ghi ở cả cột Nam và cột Nữ: chưa rõ giới tính.")
            dob_text = male if male == female else ""
            if male != female:
                problems.append(
                    (
                        "invalid_date",
                        f"Ngày sinh: cột Nam ghi “{male}”, cột Nữ ghi “{female}”; chỉ ghi ngày sinh vào một cột.",
                    )
                )
        else:
            dob_text = male or female
            sex = "M" if male else "F" if female else ""
        cells["date_of_birth"] = dob_text
    dob = None
    try:
        dob = parse_date(dob_text)
    except ValueError as exc:
        problems.append(("invalid_date", f"Ngày sinh: {exc}."))
    else:
        if dob is None and not any(code == "invalid_date" for code, _ in problems):
            problems.append(("invalid_date", "Ngày sinh: chưa ghi ngày sinh (dd/mm/yyyy)."))
        elif dob is not None and dob > drive_date:
            problems.append(("invalid_date", f"Ngày sinh: {_d(dob)} sau ngày hiến máu {_d(drive_date)}."))

    last_from_list = None
    if cell("last_donation"):
        try:
            last_day = parse_date(cell("last_donation"))
        except ValueError as exc:
            problems.append(("invalid_date", f"Lần hiến gần nhất: {exc}."))
        else:
            component = _lookup(LAST_COMPONENTS, cell("last_component"))
            if component is None:
                component = "whole_blood"
                warnings.append(
                    f"Thành phần lần trước: không hiểu “{cell('last_component')}”; tính như "
                    f"{COMPONENT_LABELS[component]} (khoảng cách dài nhất)."
                )
            last_from_list = PastDonation(last_day, component)
    elif cell("last_component"):
        warnings.append("Có ghi thành phần lần trước nhưng chưa ghi ngày hiến gần nhất.")

    if cell("sex"):
        sex = SEXES.get(fold_words(cell("sex")), "")
        if not sex:
            warnings.append(f"Giới tính: không hiểu “{cell('sex')}” (ghi Nam hoặc Nữ).")

    cccd = normalise_cccd(cell("cccd")) or None
    if cccd:
        for problem in check_cccd(cccd, dob, sex or None):
            message = problem.message
            if problem.code == "cccd_length" and cccd.isdigit() and 9 <= len(cccd) <= 11:
                message += (
                    " Nếu cột này trong Excel là kiểu số, các số 0 ở đầu đã bị mất: hãy định dạng cột "
                    "là Văn bản (Text) và nhập lại."
                )
            problems.append((problem.code, message))

    phone_text = cell("phone")
    phone = ""
    if phone_text:
        try:
            phone = normalise_phone(phone_text)
        except PhoneError as exc:
            problems.append(("invalid_phone", f"Số điện thoại: {exc}"))

    abo = rh = ""
    if cell("blood_group"):
        group = parse_blood_group(cell("blood_group"))
        if group is None:
            warnings.append(f"Nhóm máu: không hiểu “{cell('blood_group')}” (ghi O, A, B, AB, có thể kèm Rh+ / Rh-).")
        else:
            abo, rh = group

    kind = _lookup(KINDS, cell("kind")) or ""
    if not kind:
        warnings.append(f"Hình thức: không hiểu “{cell('kind')}” (ghi Trực tiếp hoặc Dự bị).")

    result = LineResult(
        line=line,
        row=row,
        name=name,
        verdict="ok",
        warnings=warnings,
        date_of_birth=dob,
        sex=sex,
        cccd=cccd,
        phone=phone,
        phone_text=phone_text,
        unit=" ".join(cell("unit").split()),
        abo=abo,
        rh=rh,
        kind=kind,
        cells=cells,
    )
    result.codes = [code for code, _ in problems]
    result.messages = [message for _, message in problems]

    # Last donation: the list's own column and the registry's record, whichever is later.
    candidates = [last_from_list] if last_from_list else []
    for key in history_keys(name, dob, cccd):
        if key in history:
            found = _past(history[key])
            if found is not None:
                candidates.append(found)
            break
    last = max(candidates, key=lambda d: (d.date, rules.gap_days.get(d.component, 0))) if candidates else None
    result.last_donation = last
    _check_eligibility(result, drive_date, rules, last)
    return result


def _check_eligibility(
    result: LineResult, drive_date: datetime.date, rules: RuleSet, last: PastDonation | None
) -> None:
    """Age on the drive day and the gap since the last donation, both through `eligibility()`."""
    on = f"ngày hiến máu {_d(drive_date)}"
    age = None
    known = result.date_of_birth is not None and result.date_of_birth <= drive_date
    if known:
        person = Person(result.sex or None, result.date_of_birth, None)
        age = eligibility(person, drive_date, "whole_blood", None, None, [], rules)
        if not age.eligible:
            code = "under_18_on_drive_day" if age.eligible_from is not None else "over_60_on_drive_day"
            for reason in age.reasons:
                result.codes.append(code)
                result.messages.append(f"Tuổi vào {on}: {reason}")
            result.eligible_from = age.eligible_from
    if last is None:
        return
    if known:
        person = Person(result.sex or None, result.date_of_birth, None)
    else:  # the age is unknown (reported already); still say when the gap ends
        person = Person(result.sex or None, _years_before(drive_date, NEUTRAL_AGE_YEARS), None)
    full = eligibility(person, drive_date, "whole_blood", None, last, [], rules)
    gap_reasons = [reason for reason in full.reasons if age is None or reason not in age.reasons]
    if not full.eligible and gap_reasons:
        for reason in gap_reasons:
            result.codes.append("too_soon_since_last_donation")
            result.messages.append(f"Khoảng cách đến {on}: {reason}")
        if known:
            result.eligible_from = full.eligible_from


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return datetime.date(day.year - years, 3, 1)


def _check_duplicates(result: LineResult, seen_cccd: dict, seen_phone: dict, seen_person: dict) -> None:
    found: list[tuple[int, str]] = []
    if result.cccd:
        if result.cccd in seen_cccd:
            found.append((seen_cccd[result.cccd], f"trùng số CCCD {result.cccd}"))
        else:
            seen_cccd[result.cccd] = result.line
    if result.phone:
        if result.phone in seen_phone:
            found.append((seen_phone[result.phone], f"trùng số điện thoại {result.phone_text}"))
        else:
            seen_phone[result.phone] = result.line
    if result.name and result.date_of_birth:
        key = (fold(result.name), result.date_of_birth)
        if key in seen_person:
            found.append((seen_person[key], f"trùng họ tên và ngày sinh ({result.name}, {_d(result.date_of_birth)})"))
        else:
            seen_person[key] = result.line
    for earlier, what in found:
        if earlier not in result.duplicate_of:
            result.duplicate_of.append(earlier)
        result.codes.append("duplicate_line")
        result.messages.append(f"Trùng dòng: {what} với dòng {earlier}.")


def _finish(result: LineResult) -> None:
    """Put the problems in PROBLEM_ORDER (stable within a code) and take the first as the verdict."""
    order = {code: n for n, code in enumerate(PROBLEM_ORDER)}
    pairs = sorted(zip(result.codes, result.messages), key=lambda pair: order[pair[0]])
    result.codes = [code for code, _ in pairs]
    result.messages = [message for _, message in pairs]
    result.verdict = result.codes[0] if result.codes else "ok"
