"""Rows of an official unit list (code, name, level, parent code, …) checked one by one.

This layer knows nothing of the database: it turns a header and string rows into UnitRow values and a
list of row-level problems. Resolving parent codes against what is already stored is the importer's job.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from hienmau.core.lib import findings as F
from hienmau.core.lib.dates import parse_date
from hienmau.core.lib.findings import Finding
from hienmau.core.lib.headers import find_header
from hienmau.core.lib.numbers import parse_count
from hienmau.core.lib.text import fold, fold_words

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("ma", "code", "ma don vi", "ma dvhc", "ma so"),
    "name": ("ten", "name", "ten don vi", "ten dvhc", "don vi"),
    "level": ("cap", "level", "kind", "loai", "cap hanh chinh", "loai don vi"),
    "parent_code": ("ma cap tren", "ma don vi cap tren", "parent code", "parent_code", "parent", "cap tren"),
    "population": ("dan so", "population"),
    "staff_count": ("so can bo", "so can bo nhan vien", "staff count", "staff_count", "so lao dong"),
    "valid_from": ("hieu luc tu", "valid from", "valid_from", "tu ngay"),
    "valid_until": ("cham dut tu", "valid until", "valid_until", "het hieu luc tu", "den ngay"),
    "successors": ("don vi ke thua", "successors", "ke thua", "ma don vi ke thua"),
    "note": ("ghi chu", "note"),
}
REQUIRED_COLUMNS = ("name", "level")

# level text (folded) → (kind, category). "thanh pho" alone depends on the parent: see resolve_city.
LEVELS: dict[str, tuple[str, str]] = {
    "toan quoc": ("national", "national"),
    "national": ("national", "national"),
    "tinh": ("province", "tinh"),
    "province": ("province", "tinh"),
    "thanh pho trung uong": ("province", "thanh_pho_tw"),
    "thanh pho truc thuoc trung uong": ("province", "thanh_pho_tw"),
    "tp trung uong": ("province", "thanh_pho_tw"),
    "huyen": ("district", "huyen"),
    "district": ("district", "huyen"),
    "quan": ("district", "quan"),
    "thi xa": ("district", "thi_xa"),
    "thanh pho thuoc tinh": ("district", "thanh_pho"),
    "xa": ("commune", "xa"),
    "commune": ("commune", "xa"),
    "phuong": ("commune", "phuong"),
    "thi tran": ("commune", "thi_tran"),
    "dac khu": ("commune", "dac_khu"),
    "co quan": ("organisation", "agency"),
    "agency": ("organisation", "agency"),
    "organisation": ("organisation", "agency"),
    "truong hoc": ("organisation", "school"),
    "truong": ("organisation", "school"),
    "school": ("organisation", "school"),
    "doanh nghiep": ("organisation", "enterprise"),
    "enterprise": ("organisation", "enterprise"),
    "luc luong vu trang": ("organisation", "armed_forces"),
    "armed forces": ("organisation", "armed_forces"),
    "benh vien": ("organisation", "hospital"),
    "co so y te": ("organisation", "hospital"),
    "hospital": ("organisation", "hospital"),
    "doan the": ("organisation", "union"),
    "union": ("organisation", "union"),
    "cau lac bo": ("organisation", "club"),
    "club": ("organisation", "club"),
}
CITY = "thanh pho"
# Prefixes an official list writes in front of a territorial name ("Tỉnh Kiên Giang", "Xã Vân Du").
NAME_PREFIXES: dict[str, tuple[str, ...]] = {
    "tinh": ("tinh",),
    "thanh_pho_tw": ("thanh pho",),
    "huyen": ("huyen",),
    "quan": ("quan",),
    "thi_xa": ("thi xa",),
    "thanh_pho": ("thanh pho",),
    "xa": ("xa",),
    "phuong": ("phuong",),
    "thi_tran": ("thi tran",),
    "dac_khu": ("dac khu",),
}
REFERENCE = re.compile(
    r"^\s*(?P<code>[0-9A-Za-z.\-_]+)\s*(?:@\s*(?P<on>\d{4}-\d{2}-\d{2}))?\s*(?:=\s*(?P<share>[0-9.,]+))?\s*$"
)


@dataclass(frozen=True)
class Reference:
    """A unit named by code, optionally as of a date ("91@2022-01-01") when the code was reused."""

    code: str
    on: datetime.date | None = None
    share: Decimal | None = None

    def __str__(self) -> str:
        return self.code + (f"@{self.on.isoformat()}" if self.on else "")


@dataclass
class UnitRow:
    line: int
    code: str
    name: str
    kind: str
    category: str
    parent: Reference | None
    population: int | None = None
    staff_count: int | None = None
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None
    successors: list[Reference] = field(default_factory=list)
    note: str = ""
    city_needs_parent: bool = False


def parse_reference(text: str) -> Reference:
    match = REFERENCE.match(text)
    if not match:
        raise ValueError(f"“{text}” không phải mã đơn vị (dạng 91 hoặc 91@2022-01-01)")
    on = parse_date(match["on"]) if match["on"] else None
    share = None
    if match["share"]:
        try:
            share = Decimal(match["share"].replace(",", "."))
        except InvalidOperation as exc:
            raise ValueError(f"tỉ lệ “{match['share']}” không hợp lệ") from exc
        if share <= 0:
            raise ValueError("tỉ lệ kế thừa phải lớn hơn 0")
    return Reference(match["code"], on, share)


def strip_prefix(name: str, category: str) -> str:
    """'Tỉnh Kiên Giang' → 'Kiên Giang' when the row's level says tỉnh; other names stay as written."""
    folded = fold(name)
    for prefix in NAME_PREFIXES.get(category, ()):
        if folded.startswith(prefix + " ") and len(folded) > len(prefix) + 1:
            return name.strip()[len(prefix) + 1 :].strip()
    return name.strip()


def parse_rows(rows: list[list[str]]) -> tuple[list[UnitRow], list[Finding]]:
    """Parse a whole table. Line numbers are the file's own (1 = first line), as a spreadsheet shows them."""
    search = find_header(rows, COLUMN_ALIASES, REQUIRED_COLUMNS)
    if search.header is None:
        return [], [Finding(F.HEADER, 1, "tiêu đề", "không tìm thấy dòng tiêu đề có cột Tên và Cấp")]
    header_index, columns = search.header.data_from - 1, search.header.columns
    parsed: list[UnitRow] = []
    errors: list[Finding] = []
    for offset, raw in enumerate(rows[header_index + 1 :], start=header_index + 2):
        if not any(cell.strip() for cell in raw):
            continue
        row, row_errors = _parse_row(offset, raw, columns)
        errors.extend(row_errors)
        if row is not None:
            parsed.append(row)
    if not parsed and not errors:
        errors.append(Finding(F.NO_DATA, header_index + 2, "dữ liệu", "bảng không có dòng dữ liệu nào"))
    return parsed, errors


def _parse_row(line: int, raw: list[str], columns: dict[str, int]) -> tuple[UnitRow | None, list[Finding]]:
    def cell(name: str) -> str:
        index = columns.get(name)
        return raw[index].strip() if index is not None and index < len(raw) else ""

    errors: list[Finding] = []
    name, level_text = cell("name"), cell("level")
    if not name:
        errors.append(Finding(F.MISSING, line, "Tên", "thiếu tên đơn vị"))
    level_key = fold_words(level_text)
    city_needs_parent = level_key == CITY
    if city_needs_parent:
        kind, category = "district", "thanh_pho"
    elif level_key in LEVELS:
        kind, category = LEVELS[level_key]
    else:
        kind = category = ""
        errors.append(
            Finding(
                F.INVALID_VALUE, line, "Cấp", f"không hiểu cấp “{level_text}” (ví dụ: Tỉnh, Huyện, Xã, Phường, Cơ quan)"
            )
        )

    def guarded(field_label: str, parser, text: str):
        code = F.INVALID_DATE if parser is parse_date else F.INVALID_VALUE
        try:
            return parser(text)
        except ValueError as exc:
            errors.append(Finding(code, line, field_label, str(exc)))
            return None

    parent_text = cell("parent_code")
    parent = guarded("Mã cấp trên", parse_reference, parent_text) if parent_text else None
    successors = []
    for part in filter(None, (p.strip() for p in re.split(r"[;\n]", cell("successors")))):
        reference = guarded("Đơn vị kế thừa", parse_reference, part)
        if reference is not None:
            successors.append(reference)
    valid_from = guarded("Hiệu lực từ", parse_date, cell("valid_from"))
    valid_until = guarded("Chấm dứt từ", parse_date, cell("valid_until"))
    if valid_from and valid_until and valid_until <= valid_from:
        errors.append(Finding(F.INCONSISTENT, line, "Chấm dứt từ", "ngày chấm dứt phải sau ngày hiệu lực"))
    if successors and not valid_until:
        errors.append(
            Finding(
                F.INCONSISTENT,
                line,
                "Đơn vị kế thừa",
                "chỉ đơn vị đã chấm dứt (có ngày chấm dứt) mới có đơn vị kế thừa",
            )
        )
    code = cell("code")
    if code and not re.fullmatch(r"[0-9A-Za-z.\-_]+", code):
        errors.append(
            Finding(
                F.INVALID_VALUE, line, "Mã", f"mã “{code}” chỉ được gồm chữ số, chữ cái không dấu, dấu chấm hoặc gạch"
            )
        )
    row = UnitRow(
        line=line,
        code=code,
        name=strip_prefix(name, category) if name else "",
        kind=kind,
        category=category,
        parent=parent,
        population=guarded("Dân số", parse_count, cell("population")),
        staff_count=guarded("Số cán bộ", parse_count, cell("staff_count")),
        valid_from=valid_from,
        valid_until=valid_until,
        successors=successors,
        note=cell("note"),
        city_needs_parent=city_needs_parent,
    )
    return (None if errors else row), errors
