"""Rows of a collecting facility's donation export, checked one by one (no database here).

Cells are read through the table core (`hienmau.core.lib`): columns are found by their Vietnamese or
English titles without accents (`headers`), dates in the forms `dates` accepts, CCCD and phone by
`identity`; every problem is a `Finding` naming the line and the column. A donation dated after today is
refused.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from hienmau.core.lib import findings as F
from hienmau.core.lib.blood import COMPONENT_WORDS, parse_blood_group
from hienmau.core.lib.dates import format_date, parse_date
from hienmau.core.lib.findings import Finding
from hienmau.core.lib.headers import find_header
from hienmau.core.lib.identity import SEX_WORDS, PhoneError, check_cccd, normalise_cccd, normalise_phone
from hienmau.core.lib.numbers import parse_count
from hienmau.core.lib.text import fold_words

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
    "address": ("dia chi", "noi o", "cho o", "dia chi thuong tru", "dia chi noi o", "noi o hien nay", "address"),
    "benefit_kind": ("hinh thuc ho tro", "nhan tien hay qua", "tien hay qua", "tien qua", "hinh thuc"),
    "benefit_amount": ("so tien", "gia tri ho tro", "gia tri", "amount"),
    "emergency_consent": (
        "dong y lien he khi can mau gap",
        "dong y lien he khi can mau",
        "dong y lien he",
        "emergency contact",
    ),
}
REQUIRED = ("full_name", "date_of_birth", "date")

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
CONSENT = {
    "": None,
    "co": True,
    "dong y": True,
    "x": True,
    "yes": True,
    "khong": False,
    "khong dong y": False,
    "no": False,
}
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
    emergency_consent: bool | None = None  # "Đồng ý liên hệ khi cần máu gấp": None when the column is blank
    address: str = ""  # as written; a new record is placed in today's commune (orgs.place_resolver)


def parse_rows(rows: list[list[str]], today: datetime.date | None = None) -> tuple[list[HistoryRow], list[Finding]]:
    """Every row checked; a donation dated after `today` (default: no check) is refused as a finding."""
    search = find_header(rows, COLUMNS, REQUIRED)
    if search.header is None:
        return [], [
            Finding(F.HEADER, 1, "tiêu đề", "không tìm thấy dòng tiêu đề có các cột Họ tên, Ngày sinh, Ngày hiến")
        ]
    header, columns = search.header.data_from - 1, search.header.columns
    parsed, problems = [], []
    bags: dict[str, int] = {}
    bag_column = columns.get("bag_number")
    for line, raw in enumerate(rows[header + 1 :], start=header + 2):
        if not any(cell.strip() for cell in raw):
            continue
        bag = raw[bag_column].strip() if bag_column is not None and bag_column < len(raw) else ""
        if bag and bag in bags:
            problems.append(Finding(F.DUPLICATE, line, "Mã túi", f"trùng mã túi {bag} với dòng {bags[bag]}"))
        elif bag:
            bags[bag] = line
        row, row_problems = _Row(line, raw, columns).parse(today)
        problems.extend(row_problems)
        if row is not None:
            parsed.append(row)
    return parsed, problems


class _Row:
    """One data row being read: its cells by column key, and the findings so far."""

    def __init__(self, line: int, raw: list[str], columns: dict[str, int]):
        self.line, self.raw, self.columns = line, raw, columns
        self.problems: list[Finding] = []

    def cell(self, name: str) -> str:
        index = self.columns.get(name)
        return self.raw[index].strip() if index is not None and index < len(self.raw) else ""

    def problem(self, code: str, column: str, message: str) -> None:
        self.problems.append(Finding(code, self.line, column, message))

    def has_problem(self, column: str) -> bool:
        return any(p.column == column for p in self.problems)

    def date(self, name: str, column: str, *, required: str = "") -> datetime.date | None:
        try:
            day = parse_date(self.cell(name))
        except ValueError as exc:
            self.problem(F.INVALID_DATE, column, str(exc))
            return None
        if day is None and required:
            self.problem(F.MISSING, column, required)
        return day

    def lookup(self, table: dict[str, str], name: str, column: str, hint: str = "") -> str | None:
        value = table.get(fold_words(self.cell(name)))
        if value is None:
            self.problem(F.INVALID_VALUE, column, f"không hiểu “{self.cell(name)}”{hint}")
        return value

    def parse(self, today: datetime.date | None) -> tuple[HistoryRow | None, list[Finding]]:
        name = " ".join(self.cell("full_name").split())
        if not name:
            self.problem(F.MISSING, "Họ tên", "thiếu họ tên")
        dob = self.date("date_of_birth", "Ngày sinh", required="thiếu ngày sinh")
        day = self.date("date", "Ngày hiến", required="thiếu ngày hiến")
        if day and today and day > today:
            self.problem(F.FUTURE_DATE, "Ngày hiến", f"ngày {format_date(day)} chưa tới: chỉ nhập lần hiến đã diễn ra.")
        sex = self._sex()
        component = self.lookup(COMPONENT_WORDS, "component", "Thành phần")
        outcome = self.lookup(OUTCOMES, "outcome", "Kết quả", " (Đã hiến / Tạm hoãn)")
        volume = self._volume(outcome)
        cccd, phone = self._identity(dob, sex)
        abo, rh = self._blood_group()
        benefit = self.lookup(BENEFITS, "benefit_kind", "Hình thức hỗ trợ", " (Tiền / Quà)")
        amount = self._amount()
        until = self.date("deferral_until", "Hoãn đến")
        consent = CONSENT.get(fold_words(self.cell("emergency_consent")))
        if fold_words(self.cell("emergency_consent")) not in CONSENT:
            self.problem(
                F.INVALID_VALUE,
                "Đồng ý liên hệ khi cần máu gấp",
                f"không hiểu “{self.cell('emergency_consent')}” (Có / Không)",
            )
        if day and dob and dob >= day:
            self.problem(F.INCONSISTENT, "Ngày sinh", "ngày sinh phải trước ngày hiến")
        if self.problems:
            return None, self.problems
        assert dob and day and component and outcome and benefit is not None  # each reported above when missing
        return HistoryRow(
            line=self.line,
            full_name=name,
            date_of_birth=dob,
            sex=sex or "",
            cccd=cccd,
            phone=phone,
            date=day,
            component=component,
            volume_ml=volume if outcome == "donated" else None,
            bag_number=self.cell("bag_number"),
            outcome=outcome,
            deferral_reason=self.cell("deferral_reason"),
            deferral_until=until,
            abo=abo,
            rh=rh,
            benefit_kind=benefit,
            benefit_amount=amount,
            emergency_consent=consent,
            address=" ".join(self.cell("address").split()),
        ), []

    def _sex(self) -> str | None:
        sex = SEX_WORDS.get(fold_words(self.cell("sex")))
        if self.cell("sex") and sex is None:
            self.problem(F.INVALID_VALUE, "Giới tính", f"không hiểu “{self.cell('sex')}” (Nam/Nữ)")
        return sex

    def _volume(self, outcome: str | None) -> int | None:
        volume = None
        if self.cell("volume_ml"):
            try:  # through the one number reader: "²⁵⁰" passes str.isdigit() but is no number
                volume = parse_count(self.cell("volume_ml").lower().replace("ml", ""))
            except ValueError:
                volume = None
            if volume is None or not 50 <= volume <= 700:
                volume = None
                self.problem(F.INVALID_VALUE, "Thể tích", f"“{self.cell('volume_ml')}” không phải thể tích hợp lệ (ml)")
        if outcome == "donated" and volume is None and not self.has_problem("Thể tích"):
            self.problem(F.MISSING, "Thể tích", "lần đã hiến phải có thể tích")
        return volume

    def _identity(self, dob: datetime.date | None, sex: str | None) -> tuple[str | None, str]:
        cccd = normalise_cccd(self.cell("cccd")) if self.cell("cccd") else None
        if cccd:
            for problem in check_cccd(cccd, dob, sex):
                self.problem(problem.code, "CCCD", problem.message)
        phone = ""
        if self.cell("phone"):
            try:
                phone = normalise_phone(self.cell("phone"))
            except PhoneError as exc:
                self.problem(F.INVALID_VALUE, "Số điện thoại", str(exc))
        return cccd, phone

    def _blood_group(self) -> tuple[str, str]:
        if not self.cell("blood_group"):
            return "", ""
        group = parse_blood_group(self.cell("blood_group"))
        if group is None:
            self.problem(F.INVALID_VALUE, "Nhóm máu", f"không hiểu nhóm máu “{self.cell('blood_group')}”")
            return "", ""
        return group

    def _amount(self) -> int | None:
        if not self.cell("benefit_amount"):
            return None
        try:
            return parse_count(self.cell("benefit_amount").removesuffix("đ"))
        except ValueError:
            self.problem(F.INVALID_VALUE, "Số tiền", f"“{self.cell('benefit_amount')}” không phải số tiền")
            return None
