"""Rows of a collecting facility's donation export, checked one by one (no database here).

Columns are found by their Vietnamese or English titles without accents; dates may be dd/mm/yyyy,
yyyy-mm-dd or Excel serial numbers; every problem names the line and the column.
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass

from hienmau.core.lib.text import fold, fold_words

COLUMNS: dict[str, tuple[str, ...]] = {
    "full_name": ("ho ten", "ho va ten", "ten nguoi hien", "full name", "name"),
    "date_of_birth": ("ngay sinh", "ngay thang nam sinh", "date of birth", "dob"),
    "sex": ("gioi tinh", "gioi", "sex"),
    "cccd": ("cccd", "so cccd", "cmnd cccd", "cccd cmnd", "so dinh danh", "so dinh danh ca nhan"),
    "phone": ("so dien thoai", "dien thoai", "sdt", "phone"),
    "date": ("ngay hien", "ngay hien mau", "ngay lay mau", "ngay tiep nhan", "donation date"),
    "component": ("thanh phan", "loai che pham", "component"),
    "volume_ml": ("the tich", "the tich ml", "luong mau", "luong mau ml", "volume", "volume ml"),
    "bag_number": ("ma tui", "so tui", "ma tui mau", "ma so tui mau", "bag number", "barcode"),
    "outcome": ("ket qua", "outcome"),
    "deferral_reason": ("ly do hoan", "ly do tam hoan", "ly do"),
    "deferral_until": ("hoan den", "hoan den ngay", "tam hoan den"),
    "blood_group": ("nhom mau", "blood group"),
    "benefit_kind": ("hinh thuc ho tro", "nhan tien hay qua", "tien hay qua", "tien qua", "hinh thuc"),
    "benefit_amount": ("so tien", "gia tri ho tro", "gia tri", "amount"),
}
REQUIRED = ("full_name", "date_of_birth", "date")

COMPONENTS = {
    "mau toan phan": "whole_blood",
    "toan phan": "whole_blood",
    "whole blood": "whole_blood",
    "": "whole_blood",
    "hong cau": "red_cells",
    "khoi hong cau": "red_cells",
    "red cells": "red_cells",
    "tieu cau": "platelets",
    "tieu cau gan tach": "platelets",
    "platelets": "platelets",
    "huyet tuong": "plasma",
    "huyet tuong gan tach": "plasma",
    "plasma": "plasma",
}
OUTCOMES = {
    "": "donated",
    "da hien": "donated",
    "hien": "donated",
    "dat": "donated",
    "donated": "donated",
    "tam hoan": "deferred",
    "hoan": "deferred",
    "khong dat": "deferred",
    "deferred": "deferred",
}
SEXES = {"nam": "M", "m": "M", "male": "M", "nu": "F", "f": "F", "female": "F"}
BENEFITS = {
    "": "",
    "tien": "cash",
    "nhan tien": "cash",
    "tien mat": "cash",
    "cash": "cash",
    "qua": "gift",
    "nhan qua": "gift",
    "qua tang": "gift",
    "gift": "gift",
}
BLOOD_GROUP = re.compile(r"^(ab|a|b|o)\s*(?:rh)?\s*\(?\s*([+-]|duong|am)?\s*\)?$")
EXCEL_EPOCH = datetime.date(1899, 12, 30)


@dataclass
class HistoryRow:
    line: int
    full_name: str
    date_of_birth: datetime.date
    sex: str
    cccd: str | None
    phone: str
    date: datetime.date
    component: str
    volume_ml: int | None
    bag_number: str
    outcome: str
    deferral_reason: str
    deferral_until: datetime.date | None
    abo: str
    rh: str
    benefit_kind: str
    benefit_amount: int | None


@dataclass(frozen=True)
class RowProblem:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Dòng {self.line}, cột {self.column}: {self.message}"


def find_columns(rows: list[list[str]], scan: int = 10) -> tuple[int, dict[str, int]] | None:
    for index, row in enumerate(rows[:scan]):
        mapping: dict[str, int] = {}
        for position, title in enumerate(row):
            key = fold_words(title)
            for name, aliases in COLUMNS.items():
                if key in aliases and name not in mapping:
                    mapping[name] = position
        if all(name in mapping for name in REQUIRED):
            return index, mapping
    return None


_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


@functools.lru_cache(maxsize=65536)  # an export repeats its donation days and many birth dates
def parse_day(text: str) -> datetime.date | None:
    """dd/mm/yyyy, yyyy-mm-dd, or an Excel serial day number ("45292"); None for a blank cell."""
    text = text.strip()
    if not text:
        return None
    if re.fullmatch(r"\d{5}(?:\.0)?", text):
        serial = int(float(text))
        if 20000 <= serial <= 80000:
            return EXCEL_EPOCH + datetime.timedelta(days=serial)
    day_first, iso = _DAY_MONTH_YEAR.fullmatch(text), _ISO_DAY.fullmatch(text)
    if day_first or iso:
        day, month, year = day_first.groups() if day_first else reversed(iso.groups())
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError:
            raise ValueError(f"“{text}” không phải ngày có thật (dd/mm/yyyy)") from None
    for fmt in ("%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"“{text}” không phải ngày có thật (dd/mm/yyyy)")


def parse_rows(rows: list[list[str]], identity) -> tuple[list[HistoryRow], list[RowProblem]]:
    """`identity` is hienmau.donors.lib.identity (passed in so this module stays free of its imports)."""
    located = find_columns(rows)
    if located is None:
        return [], [RowProblem(1, "tiêu đề", "không tìm thấy dòng tiêu đề có các cột Họ tên, Ngày sinh, Ngày hiến")]
    header, columns = located
    parsed, problems = [], []
    bags: dict[str, int] = {}
    bag_column = columns.get("bag_number")
    for line, raw in enumerate(rows[header + 1 :], start=header + 2):
        if not any(cell.strip() for cell in raw):
            continue
        bag = raw[bag_column].strip() if bag_column is not None and bag_column < len(raw) else ""
        if bag and bag in bags:
            problems.append(RowProblem(line, "Mã túi", f"trùng mã túi {bag} với dòng {bags[bag]}"))
        elif bag:
            bags[bag] = line
        row, row_problems = _parse(line, raw, columns, identity)
        problems.extend(row_problems)
        if row is not None:
            parsed.append(row)
    return parsed, problems


def _parse(line: int, raw: list[str], columns: dict[str, int], identity):
    problems: list[RowProblem] = []

    def cell(name: str) -> str:
        index = columns.get(name)
        return raw[index].strip() if index is not None and index < len(raw) else ""

    def guard(column: str, parse, text):
        try:
            return parse(text)
        except ValueError as exc:
            problems.append(RowProblem(line, column, str(exc)))
            return None

    name = " ".join(cell("full_name").split())
    if not name:
        problems.append(RowProblem(line, "Họ tên", "thiếu họ tên"))
    dob = guard("Ngày sinh", parse_day, cell("date_of_birth"))
    if dob is None and not any(p.column == "Ngày sinh" for p in problems):
        problems.append(RowProblem(line, "Ngày sinh", "thiếu ngày sinh"))
    day = guard("Ngày hiến", parse_day, cell("date"))
    if day is None and not any(p.column == "Ngày hiến" for p in problems):
        problems.append(RowProblem(line, "Ngày hiến", "thiếu ngày hiến"))
    sex = SEXES.get(fold(cell("sex")))
    if cell("sex") and sex is None:
        problems.append(RowProblem(line, "Giới tính", f"không hiểu “{cell('sex')}” (Nam/Nữ)"))
    component = COMPONENTS.get(fold_words(cell("component")))
    if component is None:
        problems.append(RowProblem(line, "Thành phần", f"không hiểu “{cell('component')}”"))
    outcome = OUTCOMES.get(fold_words(cell("outcome")))
    if outcome is None:
        problems.append(RowProblem(line, "Kết quả", f"không hiểu “{cell('outcome')}” (Đã hiến / Tạm hoãn)"))
    volume = None
    if cell("volume_ml"):
        digits = cell("volume_ml").lower().replace("ml", "").strip()
        if digits.isdigit() and 50 <= int(digits) <= 700:
            volume = int(digits)
        else:
            problems.append(RowProblem(line, "Thể tích", f"“{cell('volume_ml')}” không phải thể tích hợp lệ (ml)"))
    if outcome == "donated" and volume is None and not any(p.column == "Thể tích" for p in problems):
        problems.append(RowProblem(line, "Thể tích", "lần đã hiến phải có thể tích"))
    cccd = identity.normalise_cccd(cell("cccd")) if cell("cccd") else None
    if cccd:
        for problem in identity.check_cccd(cccd, dob, sex):
            problems.append(RowProblem(line, "CCCD", problem.message))
    phone = ""
    if cell("phone"):
        try:
            phone = identity.normalise_phone(cell("phone"))
        except identity.PhoneError as exc:
            problems.append(RowProblem(line, "Số điện thoại", str(exc)))
    abo = rh = ""
    if cell("blood_group"):
        match = BLOOD_GROUP.match(fold(cell("blood_group")))
        if match:
            abo = match.group(1).upper()
            sign = match.group(2) or ""
            rh = "+" if sign in ("+", "duong") else "-" if sign in ("-", "am") else ""
        else:
            problems.append(RowProblem(line, "Nhóm máu", f"không hiểu nhóm máu “{cell('blood_group')}”"))
    benefit = BENEFITS.get(fold_words(cell("benefit_kind")))
    if benefit is None:
        problems.append(RowProblem(line, "Hình thức hỗ trợ", f"không hiểu “{cell('benefit_kind')}” (Tiền / Quà)"))
    amount = None
    if cell("benefit_amount"):
        digits = cell("benefit_amount").replace(".", "").replace(",", "").replace("đ", "").strip()
        if digits.isdigit():
            amount = int(digits)
        else:
            problems.append(RowProblem(line, "Số tiền", f"“{cell('benefit_amount')}” không phải số tiền"))
    until = guard("Hoãn đến", parse_day, cell("deferral_until"))
    if day and dob and dob >= day:
        problems.append(RowProblem(line, "Ngày sinh", "ngày sinh phải trước ngày hiến"))
    if problems:
        return None, problems
    return HistoryRow(
        line=line,
        full_name=name,
        date_of_birth=dob,
        sex=sex or "",
        cccd=cccd,
        phone=phone,
        date=day,
        component=component,
        volume_ml=volume if outcome == "donated" else None,
        bag_number=cell("bag_number"),
        outcome=outcome,
        deferral_reason=cell("deferral_reason"),
        deferral_until=until,
        abo=abo,
        rh=rh,
        benefit_kind=benefit,
        benefit_amount=amount,
    ), []
