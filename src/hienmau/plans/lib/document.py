"""A whole plan document: its header (number, date, place), what it implements, its dates, its appendix.

`analyse_document` is what `hienmau plan import` runs: it finds the appendix table(s), reads them, and
adds the findings only the whole text can give (impossible dates, an appendix that cites another plan
number or date than the header, a higher plan dated after this one).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from hienmau.core.lib.dates import date_from_parts
from hienmau.core.lib.numbers import parse_int
from hienmau.core.lib.tables import TableError, read_text_rows
from hienmau.core.lib.text import fold
from hienmau.plans.lib import findings as F
from hienmau.plans.lib.appendix import Appendix, AppendixError, Block, Paragraph, Row, TableBlock, read_appendix

NUMBER = re.compile(r"S[ốo]\s*:?\s*\*?\s*(\d{1,5})\s*\*?\s*/\s*([A-ZĐ][A-ZĐ \t-]*[A-ZĐ])")
PLACE_DATE = re.compile(
    r"^\s*(?P<place>[^\n,]{2,60}?),\s*ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})", re.M
)
LONG_DATE = re.compile(
    r"ngày\s+\*?\s*(?P<d>\d{1,2})\s*\*?\s+tháng\s+\*?\s*(?P<m>\d{1,2})\s*\*?\s+năm\s+\*?\s*(?P<y>\d{4})"
)
SHORT_DATE = re.compile(r"(?<![\d/])(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})(?:\s*/\s*(?P<y>\d{4}))?(?![\d/])")
# An appendix's title block: "(Kèm theo Kế hoạch số 14/KH-UBND ngày 17/01/2024 của …)", the date also
# written "ngày 17 tháng 01 năm 2024"; Word's bold marks (*17*) and stray spaces are allowed.
APPENDIX_REF = re.compile(
    r"Kèm theo Kế hoạch số\s*\*?\s*(?P<num>\d{1,5})\s*\*?\s*/\s*(?P<suffix>[A-ZĐ][A-ZĐ\-\s]*?[A-ZĐ])\s+ngày\s+"
    r"(?:\*?\s*(?P<d>\d{1,2})\s*\*?\s*/\s*\*?\s*(?P<m>\d{1,2})\s*\*?\s*/\s*(?P<y>\d{4})"
    r"|\*?\s*(?P<ld>\d{1,2})\s*\*?\s+tháng\s+\*?\s*(?P<lm>\d{1,2})\s*\*?\s+năm\s+\*?\s*(?P<ly>\d{4}))",
    re.I,
)
IMPLEMENTS = re.compile(
    r"(?:Thực hiện|Căn cứ)\s+(?P<kind>Kế hoạch|Hướng dẫn|Quyết định|Công văn)\s+số\s*(?P<num>\d{1,5})\s*/\s*(?P<suffix>[A-ZĐ][A-ZĐ\-\s]*?[A-ZĐ])\s+ngày\s+(?P<date>\d{1,2}/\d{1,2}/\d{4})"
)
QUOTA_LINE = re.compile(r"^\s*(?P<stt>\d{1,3})\.\s+(?P<unit>[^:*\n]+?)\s*:?\s*\*\*(?P<body>[^\n]*?)\*\*")
PEOPLE = re.compile(r"(\d[\d.]*)\s*người")
TARGET_REGISTRATIONS = re.compile(r"người đăng ký[^:\n]*:\s*\**\s*(\d[\d.]*)\s*người", re.I)


@dataclass
class Reference:
    number: str
    suffix: str
    date: datetime.date | None

    @property
    def label(self) -> str:
        return f"{self.number}/{self.suffix}"


@dataclass
class Document:
    blocks: list[Block]
    number: Reference | None = None
    place: str = ""
    date: datetime.date | None = None
    implements: list[tuple[str, Reference]] = field(default_factory=list)
    appendix: Appendix | None = None

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks if isinstance(b, Paragraph))


def blocks_from_text(text: str) -> list[Block]:
    """Paragraphs and tab-separated tables, as text copied out of Word arrives.

    A line without tabs between two rows of a table, or right after its last row, that continues a cell
    ("(400đv)." after "… tháng 11") is joined to the previous row's last filled cell.
    """
    blocks: list[Block] = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    current: TableBlock | None = None
    for line in lines:
        if "\t" in line:
            if current is None:
                current = TableBlock([])
                blocks.append(current)
            current.rows.append(line.split("\t"))
            continue
        stripped = line.strip()
        if current is not None and stripped and _continues_cell(stripped, current):
            _append_to_last_cell(current.rows[-1], stripped)
            continue
        if stripped or current is None:
            current = None
        if stripped:
            blocks.append(Paragraph(stripped))
    return blocks


def _continues_cell(line: str, table: TableBlock) -> bool:
    last = next((c for c in reversed(table.rows[-1]) if c.strip()), "")
    if not last:
        return False
    folded = fold(line)
    return bool(re.match(r"^\(?\s*\d[\d.]*\s*(dv|don vi|dvm)\b", folded)) or bool(
        re.match(r"^(thang|va)\b", folded) and "thang" in fold(last)
    )


def _append_to_last_cell(row: list[str], text: str) -> None:
    for index in range(len(row) - 1, -1, -1):
        if row[index].strip():
            row[index] = f"{row[index].rstrip()} {text}"
            return


def read_header(document: Document) -> None:
    text = document.text
    number = NUMBER.search(text[:3000])
    if number:
        document.number = Reference(number.group(1), re.sub(r"\s+", "", number.group(2)), None)
    place_date = PLACE_DATE.search(text[:3000])
    if place_date:
        document.place = place_date.group("place").strip(" *#")
        document.date = date_from_parts(place_date.group("d"), place_date.group("m"), place_date.group("y"))
        if document.number:
            document.number.date = document.date
    if document.number is None:
        # An appendix pasted without its plan: the title block's "(Kèm theo Kế hoạch số … ngày …)" says
        # which plan it belongs to, so that the import fills the number and date or finds that plan.
        cited = next(appendix_references(text), None)
        if cited is not None:
            document.number = Reference(cited.number, cited.suffix, document.date or cited.date)
            document.date = document.date or cited.date
    for match in IMPLEMENTS.finditer(text):
        d, m, y = match.group("date").split("/")
        document.implements.append(
            (
                match.group("kind"),
                Reference(match.group("num"), re.sub(r"\s+", "", match.group("suffix")), date_from_parts(d, m, y)),
            )
        )


def appendix_references(text: str) -> Iterator[Reference]:
    """Each plan an appendix says it is attached to, in the order written."""
    for match in APPENDIX_REF.finditer(text):
        short = match.group("d") is not None
        day, month, year = (match.group(k) for k in (("d", "m", "y") if short else ("ld", "lm", "ly")))
        yield Reference(
            match.group("num"), re.sub(r"\s+", "", match.group("suffix")), date_from_parts(day, month, year)
        )


def date_findings(document: Document) -> list[F.Finding]:
    """Dates that cannot exist (31/6, 30/02), wherever the document writes them."""
    findings = []
    year = document.date.year if document.date else None
    seen: set[str] = set()
    for match in SHORT_DATE.finditer(document.text):
        day, month = int(match.group("d")), int(match.group("m"))
        written = match.group(0).replace(" ", "")
        if not (1 <= month <= 12 and 1 <= day <= 31) and not match.group("y"):
            continue  # a fraction or a score, not a date
        the_year = int(match.group("y")) if match.group("y") else (year or 2000)
        try:
            datetime.date(the_year, month, day)
        except ValueError:
            if written not in seen:
                seen.add(written)
                findings.append(
                    F.finding(
                        F.INVALID_DATE, None, f"Ngày “{written}” không tồn tại (tháng {month} không có ngày {day})."
                    )
                )
    for match in LONG_DATE.finditer(document.text):
        if date_from_parts(match.group("d"), match.group("m"), match.group("y")) is None:
            written = match.group(0)
            findings.append(F.finding(F.INVALID_DATE, None, f"“{written}” không phải ngày có thật."))
    return findings


def reference_findings(document: Document) -> list[F.Finding]:
    findings = []
    number = document.number
    for cited in appendix_references(document.text):
        if number and cited.number != number.number:
            findings.append(
                F.finding(
                    F.REFERENCE_MISMATCH,
                    None,
                    f"Phụ lục ghi “Kèm theo Kế hoạch số {cited.label}” nhưng văn bản là Kế hoạch số {number.label}.",
                )
            )
        if document.date and cited.date and cited.date != document.date:
            findings.append(
                F.finding(
                    F.REFERENCE_MISMATCH,
                    None,
                    f"Phụ lục ghi ngày {cited.date:%d/%m/%Y} nhưng văn bản ban hành ngày {document.date:%d/%m/%Y}.",
                )
            )
    for kind, reference in document.implements:
        if document.date and reference.date and reference.date > document.date:
            findings.append(
                F.finding(
                    F.REFERENCE_MISMATCH,
                    None,
                    f"Văn bản thực hiện {kind} số {reference.label} ngày {reference.date:%d/%m/%Y}, "
                    f"sau ngày ban hành văn bản này ({document.date:%d/%m/%Y}): kiểm tra lại số hoặc ngày.",
                )
            )
    return findings


def quota_list(document: Document) -> Appendix | None:
    """Allocations written as a numbered list ("2. Công an thành phố: **60 người**"), as in seed 003."""
    appendix = Appendix(metric="registrations")
    for line in document.text.splitlines():
        match = QUOTA_LINE.match(line)
        if not match:
            continue
        written = PEOPLE.findall(match.group("body"))
        if not written:
            continue
        unit = match.group("unit").strip()
        body = re.sub(r"\s+", " ", match.group("body")).strip(" .;")
        try:
            numbers = [parse_int(n.rstrip(".")) for n in written]
        except ValueError:
            appendix.rows.append(
                Row(unit=unit, total=None, buckets={}, prior=None, note=body, line=int(match.group("stt")))
            )
            appendix.findings.append(
                F.finding(F.NOTE_INSTEAD_OF_NUMBER, unit, f"{unit}: số người ghi “{body}” không phải số nguyên.")
            )
            continue
        note = body if len(numbers) > 1 else None
        appendix.rows.append(
            Row(unit=unit, total=numbers[-1], buckets={}, prior=None, note=note, line=int(match.group("stt")))
        )
    if len(appendix.rows) < 2:
        return None
    stated = TARGET_REGISTRATIONS.search(document.text)
    if stated:
        appendix.stated_total = parse_int(stated.group(1).rstrip("."))
        if appendix.stated_total != appendix.computed_total:
            appendix.findings.append(
                F.finding(
                    F.TOTAL_MISMATCH,
                    None,
                    f"Chỉ tiêu ghi {appendix.stated_total} người đăng ký nhưng phân bổ cho các đơn vị cộng lại {appendix.computed_total}.",
                )
            )
    return appendix


def analyse_document(blocks: list[Block], meanings: dict[int, dict[int, str]] | None = None) -> Document:
    document = Document(blocks)
    read_header(document)
    try:
        document.appendix = read_appendix(blocks, meanings)
    except AppendixError:
        document.appendix = quota_list(document)
        if document.appendix is None:
            raise
    document.appendix.findings = date_findings(document) + reference_findings(document) + document.appendix.findings
    return document


def analyse_text(text: str, meanings: dict[int, dict[int, str]] | None = None) -> Document:
    if not any("\t" in line for line in text.splitlines()) and "," in text and text.count("\n") >= 1:
        try:
            rows = read_text_rows(text)
        except TableError as exc:
            raise AppendixError(str(exc)) from exc
        if rows and max(len(r) for r in rows) >= 2 and sum(1 for r in rows if len(r) >= 2) >= len(rows) // 2:
            return analyse_document([TableBlock(rows)], meanings)
    return analyse_document(blocks_from_text(text), meanings)
