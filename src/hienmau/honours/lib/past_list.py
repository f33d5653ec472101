"""Rows of an old honours list ("Danh sách người hiến máu tình nguyện được tôn vinh năm 2019"), checked one
by one. Plain Python: no Django.

Such lists come as Word tables, sheets or text copied out of Word, with a title block, sometimes a
two-row header ("Năm sinh" over "Nam | Nữ", the date written under the person's sex), section rows
("I. Tôn vinh 20 lần", "II. MỨC 30 LẦN"), the header repeated on each printed page, a total row and the
signatures. What is read per person: name, birth date (or only the year), CCCD when given, the count of
donations, the tier (a number, "30 lần", or the award's words: "Bằng khen Thủ tướng Chính phủ") and the
year, from a column, a section row or the title ("… được tôn vinh năm 2019").

Nothing is corrected: every problem is a `Finding` naming the line and the column. Blocking findings stop
the import; `WARNINGS` (a count below its tier, the same person twice) are reported and the row is kept as
written (a duplicate once).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass

from hienmau.core.lib import findings as F
from hienmau.core.lib.dates import parse_date
from hienmau.core.lib.findings import Finding
from hienmau.core.lib.headers import combine_header_rows, match_columns
from hienmau.core.lib.identity import SEX_WORDS, check_cccd, normalise_cccd
from hienmau.core.lib.numbers import parse_count
from hienmau.core.lib.text import fold, fold_words
from hienmau.honours.lib.tiers import Tier, tier_for, tier_from_text

# Order matters: a column is given to the first key one of its titles matches ("Năm sinh | Nam" is the
# men's birth dates, not a year).
COLUMNS: dict[str, tuple[str, ...]] = {
    "stt": ("stt", "tt", "so tt", "so thu tu"),
    "dob_male": ("ngay sinh nam", "nam sinh nam", "ngay thang nam sinh nam", "sinh nam", "nam sinh nam nam"),
    "dob_female": ("ngay sinh nu", "nam sinh nu", "ngay thang nam sinh nu", "sinh nu"),
    "full_name": (
        "ho va ten",
        "ho ten",
        "ho va ten nguoi hien mau",
        "ho ten nguoi hien mau",
        "ten nguoi hien mau",
        "nguoi hien mau",
        "ho va ten nguoi duoc ton vinh",
        "full name",
        "name",
    ),
    "date_of_birth": (
        "ngay sinh",
        "ngay thang nam sinh",
        "ngay thang nam sinh nam",
        "sinh ngay",
        "date of birth",
        "dob",
    ),
    "birth_year": ("nam sinh", "year of birth"),
    "sex": ("gioi tinh", "gioi", "sex"),
    "cccd": ("cccd", "so cccd", "cmnd", "so cmnd", "cmnd cccd", "cccd cmnd", "so dinh danh", "so dinh danh ca nhan"),
    "count": (
        "so lan hien",
        "so lan hien mau",
        "so lan hmtn",
        "so lan da hien",
        "so lan da hien mau",
        "so lan",
        "lan hien",
        "tong so lan hien",
        "count",
    ),
    "tier": (
        "muc ton vinh",
        "moc ton vinh",
        "hinh thuc ton vinh",
        "hinh thuc khen thuong",
        "hinh thuc khen",
        "danh hieu",
        "khen thuong",
        "muc khen thuong",
        "loai khen thuong",
        "tier",
    ),
    "year": ("nam ton vinh", "nam duoc ton vinh", "nam khen thuong", "nam khen", "nam", "year"),
    "place": ("dia chi", "don vi", "noi cong tac", "don vi cong tac", "noi o", "que quan", "co quan don vi"),
    "note": ("ghi chu", "note"),
}
PERSON_DETAIL = ("date_of_birth", "birth_year", "dob_male", "dob_female", "count", "tier", "cccd")
WARNINGS = frozenset({F.INCONSISTENT, F.DUPLICATE})
HEADER_SCAN = 60
MAX_COUNT = 300  # nobody has given blood 300 times in a life: a typing slip

_YEAR_WORDS = re.compile(r"\bnam (19[7-9]\d|20\d\d)\b")
_SHORT_DATE_YEAR = re.compile(r"\b\d{1,2}/\d{1,2}/((?:19|20)\d\d)\b")
_TOTAL = re.compile(r"^(tong cong|tong so|cong|tong)\b")
_ROMAN = re.compile(r"^(?:[ivxlc]+|[a-z])[.)]?$")
_LAN = re.compile(r"\blan\b")


@dataclass(frozen=True)
class PastRow:
    line: int
    full_name: str
    date_of_birth: datetime.date | None
    birth_year: int | None
    sex: str
    cccd: str | None
    count: int
    tier: int
    year: int
    award: str  # the tier cell as written
    place: str
    note: str

    @property
    def name_folded(self) -> str:
        return fold(" ".join(self.full_name.split()))


@dataclass
class ParsedList:
    rows: list[PastRow]
    findings: list[Finding]
    year: int | None  # the year the title gives

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.code not in WARNINGS]


Line = tuple[int, Sequence[str]]  # (line number as the file shows it, cells)


def _filled(cells: Sequence[str]) -> list[str]:
    return [c.strip() for c in cells if c and c.strip()]


def _find_header(lines: list[Line]) -> tuple[int, int, dict[str, int]] | None:
    """(index of the header's first line, index of the first data line, columns)."""
    for index, (_line, cells) in enumerate(lines[:HEADER_SCAN]):
        if len(_filled(cells)) < 2:
            continue
        columns = match_columns(list(cells), COLUMNS)
        below = lines[index + 1][1] if index + 1 < len(lines) else []
        name_at = columns.get("full_name")
        # A sub-header row leaves the name cell empty (merged down); a data row has the name in it.
        name_below = below[name_at].strip() if name_at is not None and name_at < len(below) else ""
        if below and len(_filled(below)) >= 2 and not name_below:
            width = max(len(cells), len(below))
            pair = match_columns([list(p) for p in combine_header_rows([cells, below], width)], COLUMNS)
            below_alone = match_columns(list(below), COLUMNS)
            if (
                "full_name" in pair
                and len(pair) > len(columns)
                and "full_name" not in below_alone
                and any(k in pair for k in PERSON_DETAIL)
            ):
                return index, index + 2, pair
        if "full_name" in columns and any(k in columns for k in PERSON_DETAIL):
            return index, index + 1, columns
    return None


def year_in(texts: Sequence[str]) -> int | None:
    """The year a title names: "… tôn vinh năm 2019", "nhân dịp 14/6/2023"; the title lines that speak of
    honours first, then any."""
    folded = [fold_words(t) for t in texts]
    folded_dates = [fold(t) for t in texts]
    for wanted in (True, False):
        for text, raw in zip(folded, folded_dates, strict=True):
            about = any(w in text for w in ("ton vinh", "khen thuong", "bieu duong", "danh sach"))
            if about != wanted:
                continue
            match = _YEAR_WORDS.search(text) or _SHORT_DATE_YEAR.search(raw)
            if match:
                return int(match.group(1))
    return None


def parse_list(
    lines: list[Line],
    tiers: tuple[Tier, ...],
    national: tuple[Tier, ...],
    today: datetime.date,
    document_year: int | None = None,
) -> ParsedList:
    """Every person row of the list, checked. `tiers` are the tiers in force (national and local, for
    reading a count into a tier), `national` those whose award words are recognised."""
    header = _find_header(lines)
    if header is None:
        first = lines[0][0] if lines else 1
        return ParsedList(
            [],
            [
                Finding(
                    F.HEADER,
                    first,
                    "tiêu đề",
                    "không tìm thấy dòng tiêu đề có cột Họ và tên cùng Ngày sinh (hoặc Năm sinh), "
                    "Số lần hiến hoặc Mức tôn vinh",
                )
            ],
            None,
        )
    start, data_from, columns = header
    title_year = year_in([" ".join(_filled(cells)) for _line, cells in lines[:start]])
    year = title_year or document_year
    reader = _Reader(columns, tuple(t.count for t in tiers), national, today)
    rows: list[PastRow] = []
    findings: list[Finding] = []
    seen: dict[tuple, int] = {}
    section_tier: int | None = None
    section_year: int | None = None
    for line, cells in lines[data_from:]:
        filled = _filled(cells)
        if not filled:
            continue
        kind = reader.kind(cells, filled)
        if kind == "skip":
            continue
        if kind == "section":
            text = fold_words(" ".join(filled))
            section_tier = tier_from_text(" ".join(filled), national) if _LAN.search(text) else section_tier
            section_year = year_in([" ".join(filled)]) or section_year
            continue
        row, problems = reader.row(line, cells, section_tier, section_year or year)
        findings += problems
        if row is None:
            continue
        key = (row.name_folded, row.date_of_birth or row.birth_year, row.tier)
        if key in seen:
            findings.append(
                Finding(F.DUPLICATE, line, "Họ và tên", f"trùng người và mức tôn vinh với dòng {seen[key]}: bỏ qua")
            )
            continue
        seen[key] = line
        rows.append(row)
    if not rows and not findings:
        findings.append(Finding(F.NO_DATA, None, "", "danh sách không có người nào"))
    return ParsedList(rows, findings, title_year)


class _Reader:
    def __init__(self, columns: dict[str, int], tiers: tuple[int, ...], national: tuple[Tier, ...], today):
        self.columns, self.tiers, self.national, self.today = columns, tiers, national, today

    def cell(self, cells: Sequence[str], key: str) -> str:
        index = self.columns.get(key)
        return " ".join(cells[index].split()) if index is not None and index < len(cells) and cells[index] else ""

    def kind(self, cells: Sequence[str], filled: list[str]) -> str:
        """ "person", "section" (a heading row inside the table), or "skip" (header again, total)."""
        joined = fold_words(" ".join(filled))
        if (
            "full_name" in match_columns(list(cells), COLUMNS)
            and fold_words(self.cell(cells, "full_name")) in (COLUMNS["full_name"])
        ):
            return "skip"  # the header printed again on the next page
        if _TOTAL.match(joined) or _TOTAL.match(fold_words(self.cell(cells, "full_name"))):
            return "skip"
        if all(re.fullmatch(r"\(?\d{1,2}\)?", c) for c in filled):
            return "skip"  # the column numbers under a header: (1) (2) (3) …
        details = [k for k in PERSON_DETAIL if self.cell(cells, k)]
        name = self.cell(cells, "full_name")
        if not name:
            return "section"
        if not details:
            stt = fold_words(self.cell(cells, "stt"))
            if len(set(filled)) == 1 or _ROMAN.match(stt or "x") or name.isupper() or _LAN.search(joined):
                return "section"
        return "person"

    def row(self, line: int, cells: Sequence[str], section_tier: int | None, year: int | None):
        problems: list[Finding] = []

        def problem(code: str, column: str, message: str) -> None:
            problems.append(Finding(code, line, column, message))

        name = self.cell(cells, "full_name")
        sex = SEX_WORDS.get(fold_words(self.cell(cells, "sex")), "")
        birth_text = self.cell(cells, "date_of_birth")
        if not birth_text:
            for key, code in (("dob_male", "M"), ("dob_female", "F")):
                if self.cell(cells, key):
                    birth_text, sex = self.cell(cells, key), sex or code
        if not birth_text:
            birth_text = self.cell(cells, "birth_year")
        dob, birth_year = None, None
        if re.fullmatch(r"(19|20)\d\d", birth_text):
            birth_year = int(birth_text)
        elif birth_text:
            try:
                dob = parse_date(birth_text)
            except ValueError as exc:
                problem(F.INVALID_DATE, "Ngày sinh", str(exc))
        if dob is not None:
            birth_year = dob.year
        if birth_year is not None and not (self.today.year - 100 <= birth_year <= self.today.year - 16):
            problem(F.INVALID_DATE, "Ngày sinh", f"năm sinh {birth_year} không hợp lý cho người hiến máu")
        cccd = normalise_cccd(self.cell(cells, "cccd")) or None
        if cccd:
            for cccd_problem in check_cccd(cccd, dob, sex or None):
                problem(cccd_problem.code, "CCCD", cccd_problem.message)
        count = self._count(cells, problem)
        award = self.cell(cells, "tier")
        tier = tier_from_text(award, self.national) if award else None
        if award and tier is None and count is None:
            problem(F.INVALID_VALUE, "Mức tôn vinh", f"không hiểu mức “{award}”: ghi số lần, ví dụ “20 lần”")
        tier = tier or section_tier
        if tier is None and count is not None:
            tier = tier_for(count, self.tiers)
            if tier is None:
                problem(
                    F.INVALID_VALUE, "Số lần hiến", f"{count} lần chưa tới mốc tôn vinh nào ({_listed(self.tiers)})"
                )
        if count is None and tier is not None:
            count = tier
        if count is None and tier is None and not problems:
            problem(F.MISSING, "Số lần hiến", "thiếu số lần hiến hoặc mức tôn vinh")
        row_year = year
        if self.cell(cells, "year"):
            text = self.cell(cells, "year")
            found = re.search(r"(19|20)\d\d", text)
            row_year = int(found.group(0)) if found else None
            if row_year is None:
                problem(F.INVALID_VALUE, "Năm", f"“{text}” không phải năm tôn vinh")
        elif year is None:
            problem(F.MISSING, "Năm", "không rõ năm tôn vinh: thêm cột Năm hoặc ghi năm trong tiêu đề danh sách")
        if row_year is not None and row_year > self.today.year:
            problem(F.FUTURE_DATE, "Năm", f"năm {row_year} chưa tới: chỉ nhập những lần tôn vinh đã diễn ra")
        if row_year is not None and birth_year is not None and row_year - birth_year < 17:
            problem(F.INCONSISTENT, "Năm", f"tôn vinh năm {row_year} khi mới {row_year - birth_year} tuổi")
        if count is not None and tier is not None and count < tier:
            problem(F.INCONSISTENT, "Số lần hiến", f"{count} lần, chưa tới mốc {tier} lần ghi trong danh sách")
        if any(p.code not in WARNINGS for p in problems):
            return None, problems
        assert count is not None and tier is not None and row_year is not None
        return (
            PastRow(
                line=line,
                full_name=" ".join(name.split()),
                date_of_birth=dob,
                birth_year=birth_year,
                sex=sex,
                cccd=cccd,
                count=count,
                tier=tier,
                year=row_year,
                award=award,
                place=self.cell(cells, "place"),
                note=self.cell(cells, "note"),
            ),
            problems,
        )

    def _count(self, cells: Sequence[str], problem) -> int | None:
        text = self.cell(cells, "count")
        if not text:
            return None
        cleaned = re.sub(r"\s*(lần|lan|l)\.?$", "", text.strip(), flags=re.IGNORECASE)
        try:
            count = parse_count(cleaned)
        except ValueError as exc:
            problem(F.INVALID_VALUE, "Số lần hiến", str(exc))
            return None
        if count is not None and not 1 <= count <= MAX_COUNT:
            problem(F.INVALID_VALUE, "Số lần hiến", f"{count} lần không hợp lý")
            return None
        return count


def _listed(tiers: tuple[int, ...]) -> str:
    return ", ".join(str(t) for t in tiers)
