"""An approved round's list in the official format (Decree 30/2020: A4, Times New Roman, the national motto;
landscape for the table) as PDF and .xlsx, and its certificates of merit, one A4 landscape page a person.

The list reads as the lists offices send today (and as `hienmau honours import` reads back): a section
per tier ("I. NGƯỜI HIẾN MÁU ĐẠT 20 LẦN"), and per person the full name, the year of birth under Nam or
Nữ, the address or workplace and the count.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation

from hienmau.core.labels import ROMAN_NUMERALS
from hienmau.core.lib.documents import FONT, FONT_STACK, MOTTO, MOTTO_2, a4_sheet, place_date_line, safe_cell
from hienmau.donors.models import Donor
from hienmau.honours.models import Honour, HonourRound, HonourStatus, Subject
from hienmau.honours.services import SUBJECT_ORDER

HEADER = ["STT", "Họ và tên", "Năm sinh", "", "Địa chỉ / Đơn vị", "Số lần hiến", "Ghi chú"]
SUBHEADER = ["", "", "Nam", "Nữ", "", "", ""]


@dataclass
class Section:
    number: str  # I, II, …
    tier: int
    award: str
    honours: list[Honour]
    subject: str = Subject.INDIVIDUAL
    year: int = 0

    @property
    def title(self) -> str:
        """The section row's words ("NGƯỜI HIẾN MÁU ĐẠT 20 LẦN", as the old lists write it)."""
        if self.subject == Subject.FAMILY:
            return f"GIA ĐÌNH HIẾN MÁU TÌNH NGUYỆN ĐẠT {self.tier} LẦN HIẾN"
        if self.subject == Subject.RECRUITER:
            return f"NGƯỜI VẬN ĐỘNG ĐƯỢC TỪ {self.tier} LẦN HIẾN MÁU TRỞ LÊN TRONG NĂM {self.year}"
        if self.subject == Subject.UNIT:
            return f"TẬP THỂ ĐẠT TỪ {self.tier}% CHỈ TIÊU HIẾN MÁU NĂM {self.year}"
        return f"NGƯỜI HIẾN MÁU ĐẠT {self.tier} LẦN"

    @property
    def counted(self) -> str:
        """What one row is: a person, a family or a unit."""
        return {Subject.FAMILY: "gia đình", Subject.UNIT: "tập thể"}.get(Subject(self.subject), "người")


def sections(honour_round: HonourRound, subjects: tuple[str, ...] = (Subject.INDIVIDUAL,)) -> list[Section]:
    """The approved honours of the round by subject (in SUBJECT_ORDER) then tier, numbered I, II, …"""
    honours = list(
        honour_round.honours.filter(status=HonourStatus.APPROVED, subject__in=subjects)
        .select_related("donor")
        .order_by("tier", "certificate_number")
    )
    keys = sorted({(SUBJECT_ORDER.index(h.subject), h.tier) for h in honours})
    found = []
    for i, (order, tier) in enumerate(keys, start=1):
        subject = SUBJECT_ORDER[order]
        chosen = [h for h in honours if h.subject == subject and h.tier == tier]
        found.append(
            Section(
                ROMAN_NUMERALS[i] if i < len(ROMAN_NUMERALS) else str(i),
                tier,
                next((h.award for h in chosen if h.award), ""),
                chosen,
                subject,
                honour_round.cutoff.year,
            )
        )
    return found


ALL_SUBJECTS = tuple(SUBJECT_ORDER)


def count_text(honour: Honour) -> str:
    return f"{honour.count}%" if honour.subject == Subject.UNIT else str(honour.count)


def _sex(honour: Honour) -> str:
    donor: Donor | None = honour.donor
    return donor.sex if donor is not None else ""


def birth_year(honour: Honour) -> str:
    year = honour.date_of_birth.year if honour.date_of_birth else honour.birth_year
    return str(year) if year else ""


def _issuer(honour_round: HonourRound) -> tuple[str, str]:
    unit = honour_round.unit
    parent = unit.parent
    above = f"BAN CHỈ ĐẠO VẬN ĐỘNG HIẾN MÁU TÌNH NGUYỆN {unit.full_name.upper()}"
    return (parent.full_name.upper() if parent and parent.parent_id else "", above)


def _context(honour_round: HonourRound, subjects: tuple[str, ...] = ALL_SUBJECTS) -> dict:
    upper, issuer = _issuer(honour_round)
    day = honour_round.decision_date or honour_round.cutoff
    found = sections(honour_round, subjects)
    return {
        "round": honour_round,
        "sections": found,
        "total": sum(len(s.honours) for s in found),
        "total_text": _total(found),
        "upper": upper,
        "issuer": issuer,
        "motto": MOTTO,
        "motto_2": MOTTO_2,
        "font_stack": ", ".join(FONT_STACK),
        "place_date": place_date_line(honour_round.unit.document_place, day),
    }


def _total(found: list[Section]) -> str:
    """ "Tổng cộng: 12 người, 2 gia đình, 1 tập thể" (people: donors and recruiters)."""
    by: dict[str, int] = {}
    for section in found:
        by[section.counted] = by.get(section.counted, 0) + len(section.honours)
    parts = [f"{n} {what}" for what, n in by.items()] or ["0 người"]
    return "Tổng cộng: " + ", ".join(parts)


def _pdf(html: str) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).write_pdf()


def list_pdf(honour_round: HonourRound) -> bytes:
    with translation.override("vi"):
        html = render_to_string("honours/list_pdf.html", _context(honour_round) | {"birth_year": birth_year})
    return _pdf(html)


def certificates_pdf(honour_round: HonourRound) -> bytes:
    context = _context(honour_round)
    people = [
        {
            "honour": h,
            "salutation": (
                {"M": "Ông", "F": "Bà"}.get(_sex(h), "Ông/Bà")
                if h.subject in (Subject.INDIVIDUAL, Subject.RECRUITER)
                else ""
            ),
            "birth_year": birth_year(h),
            "year": honour_round.cutoff.year,
        }
        for section in context["sections"]
        for h in section.honours
    ]
    with translation.override("vi"):
        html = render_to_string("honours/certificates_pdf.html", context | {"people": people})
    return _pdf(html)


def list_xlsx(honour_round: HonourRound) -> bytes:
    """The people honoured for their donations on the first sheet (it reads back as an old list, `hienmau
    honours import`); families, recruiters and units on a second sheet when the round honours any."""
    from openpyxl import Workbook

    book = Workbook()
    _fill_sheet(
        book.active,
        honour_round,
        "Danh sách tôn vinh",
        "DANH SÁCH NGƯỜI HIẾN MÁU TÌNH NGUYỆN ĐƯỢC TÔN VINH",
        _context(honour_round, (Subject.INDIVIDUAL,)),
    )
    others = _context(honour_round, ALL_SUBJECTS[1:])
    if others["sections"]:
        _fill_sheet(
            book.create_sheet(),
            honour_round,
            "Gia đình, vận động, tập thể",
            "DANH SÁCH GIA ĐÌNH, NGƯỜI VẬN ĐỘNG VÀ TẬP THỂ ĐƯỢC TÔN VINH",
            others,
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fill_sheet(sheet, honour_round: HonourRound, name: str, heading: str, context: dict) -> None:
    from openpyxl.styles import Alignment, Border, Font, Side

    sheet.title = name
    bold = Font(name=FONT, bold=True, size=12)
    plain = Font(name=FONT, size=12)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    rows: list[list] = [
        [context["upper"] or context["issuer"], "", "", "", MOTTO],
        [context["issuer"] if context["upper"] else "", "", "", "", MOTTO_2],
        [],
        [heading],
        [honour_round.title],
    ]
    if honour_round.decision_number:
        decided = f" ngày {honour_round.decision_date:%d/%m/%Y}" if honour_round.decision_date else ""
        rows.append([f"(Kèm theo Quyết định số {honour_round.decision_number}{decided})"])
    rows.append([])
    header_at = len(rows) + 1
    rows += [HEADER, SUBHEADER]
    for section in context["sections"]:
        rows.append([section.number, f"{section.title} — {section.award}".rstrip(" —")])
        for number, honour in enumerate(section.honours, start=1):
            year = birth_year(honour)
            sex = _sex(honour)
            rows.append(
                [
                    number,
                    safe_cell(honour.name),
                    year if sex != "F" else "",
                    year if sex == "F" else "",
                    safe_cell(honour.place),
                    honour.count if honour.subject != Subject.UNIT else count_text(honour),
                    " · ".join(p for p in (honour.certificate_number, safe_cell(honour.note)) if p),
                ]
            )
    rows.append(["", context["total_text"]])
    for row in rows:
        sheet.append(row)
    for row in sheet.iter_rows():
        for cell in row:
            cell.font = plain
    for r in (1, 2, 4, 5):
        for cell in sheet[r]:
            cell.font = bold
    last = len(rows)
    for r in range(header_at, last):
        for c in range(1, len(HEADER) + 1):
            cell = sheet.cell(row=r, column=c)
            cell.border = box
            if r < header_at + 2:
                cell.font = bold
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.merge_cells(start_row=header_at, end_row=header_at, start_column=3, end_column=4)
    for width, letter in zip((6, 30, 9, 9, 40, 12, 14), "ABCDEFG", strict=True):
        sheet.column_dimensions[letter].width = width
    a4_sheet(sheet, landscape=True, ncols=len(HEADER), last_row=last)
