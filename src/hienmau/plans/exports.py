"""The plan's appendix as an official document: xlsx, docx and pdf.

Layout follows Decree 30/2020/NĐ-CP (A4, Times New Roman, margins top/bottom 20 mm, left 30 mm,
right 15 mm; landscape for tables): the issuing body and the document number on the left, the national
motto on the right, then "PHỤ LỤC", the title, the "(Kèm theo …)" line and the table.

`build_appendix` turns a plan into plain data (header lines, columns, rows with their values and
subtotals); the three renderers only lay that data out. Numbers are shown as stored: a row whose total
is blank stays blank, and sums are sums of what the rows say (never corrected silently).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from hienmau.core.lib.numbers import format_int
from hienmau.core.lib.text import fold_words
from hienmau.orgs.models import UnitKind
from hienmau.plans.models import Metric, Plan

FONT = "Times New Roman"
FONT_STACK = ('"Times New Roman"', '"Liberation Serif"', '"DejaVu Serif"', "serif")
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"
# Page in millimetres: A4 landscape and the Decree 30 margins.
PAGE_W, PAGE_H = 297, 210
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 20, 20, 30, 15
USABLE_W = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT

# The body that issues a document is named by the abbreviation after the document type in its number
# ("KH-UBND": Ủy ban nhân dân). Only unambiguous ones; otherwise the unit's own name stands alone.
# Each is given as the lines it is set on in the header block, above the unit's name.
ISSUING_BODIES = {
    "ubnd": ("Ủy ban nhân dân",),
    "bcd": ("Ban Chỉ đạo vận động", "hiến máu tình nguyện"),
    "hctd": ("Hội Chữ thập đỏ",),
}
SECTION_NUMBER = re.compile(r"^\s*([IVXLC]+)\s*[.)]\s*(.+)$")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text for a spreadsheet cell that Excel cannot run: a leading = + - @ tab or CR gets a quote in front."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


# --------------------------------------------------------------------------------------------- model


@dataclass(frozen=True)
class NumberColumn:
    key: str  # "prior_plan", "prior_actual", "prior_percent", "total", or "bucket:<id>"
    label: str
    group: str = ""  # a header cell spanning the consecutive columns of the same group
    width: float = 20  # mm


@dataclass
class Row:
    kind: str  # "section", "allocation", "subtotal", "total"
    stt: str
    name: str
    values: list[int | None] = field(default_factory=list)  # one per number column
    note: str = ""

    @property
    def note_only(self) -> bool:
        """A row with no figure at all, only a note ("(Liên đoàn lao động huyện phụ trách)")."""
        return self.kind == "allocation" and bool(self.note) and all(v is None for v in self.values)


@dataclass
class HeaderCell:
    row: int  # 0 or 1 within the header
    col: int  # 0-based over all columns
    rowspan: int
    colspan: int
    text: str


@dataclass
class Appendix:
    body_lines: list[str]  # upper case, e.g. ["ỦY BAN NHÂN DÂN", "HUYỆN ÂN THI"]
    number_line: str  # "Số: 14/KH-UBND"
    place_date: str  # "Ân Thi, ngày 17 tháng 01 năm 2024"
    title: str
    attached: str  # "(Kèm theo Kế hoạch số 14/KH-UBND ngày 17/01/2024 của Ủy ban nhân dân huyện Ân Thi)"
    measure: str  # "Đơn vị tính: đơn vị máu"
    numbers: list[NumberColumn]
    rows: list[Row]
    name_width: float
    note_width: float
    stt_width: float = 12
    font_pt: int = 12

    @property
    def widths(self) -> list[float]:
        return [self.stt_width, self.name_width, *(c.width for c in self.numbers), self.note_width]

    @property
    def column_count(self) -> int:
        return len(self.numbers) + 3

    @property
    def header_rows(self) -> int:
        return 2 if any(c.group for c in self.numbers) else 1

    def header_cells(self) -> list[HeaderCell]:
        depth = self.header_rows
        cells = [HeaderCell(0, 0, depth, 1, "STT"), HeaderCell(0, 1, depth, 1, "Đơn vị")]
        index = 0
        while index < len(self.numbers):
            column, col = self.numbers[index], index + 2
            if not column.group:
                cells.append(HeaderCell(0, col, depth, 1, column.label))
                index += 1
                continue
            span = 1
            while index + span < len(self.numbers) and self.numbers[index + span].group == column.group:
                span += 1
            cells.append(HeaderCell(0, col, 1, span, column.group))
            cells.extend(HeaderCell(1, col + k, 1, 1, self.numbers[index + k].label) for k in range(span))
            index += span
        cells.append(HeaderCell(0, self.column_count - 1, depth, 1, "Ghi chú"))
        return cells


def build_appendix(plan: Plan) -> Appendix:
    allocations = list(plan.allocations.select_related("unit").prefetch_related("cells"))
    numbers = _number_columns(plan, allocations)
    name_width, note_width = _text_widths(numbers)
    return Appendix(
        body_lines=[line.upper() for line in _issuing_body(plan)],
        number_line=f"Số: {plan.reference}" if plan.reference else "Số:",
        place_date=_place_date(plan),
        title="Bảng phân bổ chỉ tiêu " + _lower_first(plan.title.strip()),
        attached=_attached_line(plan),
        measure=_measure(allocations),
        numbers=numbers,
        rows=_rows(allocations, numbers),
        name_width=name_width,
        note_width=note_width,
        font_pt=12 if len(numbers) <= 8 else 11,
    )


def _issuing_body(plan: Plan) -> list[str]:
    unit = plan.issuing_unit
    abbreviation = fold_words(plan.suffix.split("-", 1)[1]) if "-" in plan.suffix else ""
    body = ISSUING_BODIES.get(abbreviation.replace(" ", ""))
    if body and unit.kind != UnitKind.ORGANISATION:
        return [*body, unit.full_name]
    return [unit.full_name]


def _issuer_phrase(plan: Plan) -> str:
    return " ".join(_issuing_body(plan))


def _place_name(plan: Plan) -> str:
    unit = plan.issuing_unit
    if unit.kind != UnitKind.ORGANISATION:
        return unit.name
    territorial = [u for u in unit.ancestors() if u.kind not in (UnitKind.ORGANISATION, UnitKind.NATIONAL)]
    return territorial[-1].name if territorial else ""


def _place_date(plan: Plan) -> str:
    if plan.date is None:
        return ""
    day, month = plan.date.day, plan.date.month
    # Decree 30: days below 10 and months 1 and 2 take a leading zero.
    month_text = f"{month:02d}" if month < 3 else str(month)
    text = f"ngày {day:02d} tháng {month_text} năm {plan.date.year}"
    place = _place_name(plan)
    return f"{place}, {text}" if place else text.capitalize()


def _attached_line(plan: Plan) -> str:
    parts = ["Kèm theo Kế hoạch"]
    if plan.reference:
        parts.append(f"số {plan.reference}")
    if plan.date:
        parts.append(f"ngày {plan.date:%d/%m/%Y}")
    parts.append(f"của {_issuer_phrase(plan)}")
    return "(" + " ".join(parts) + ")"


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _measure(allocations) -> str:
    metrics = {a.metric for a in allocations}
    if len(metrics) != 1:
        return ""
    metric = Metric(metrics.pop())
    if metric == Metric.BLOOD_UNITS:
        unit = "đơn vị máu"
    elif metric.is_percent:
        unit = "%"
    elif metric == Metric.MEDIA_ITEMS:
        unit = "tin, bài"
    else:
        unit = "người"
    return f"Đơn vị tính: {unit}"


NAME_MIN, NOTE_MIN = 55.0, 28.0  # mm: what Đơn vị and Ghi chú keep however many number columns there are


def _number_columns(plan: Plan, allocations) -> list[NumberColumn]:
    columns = []
    if any(a.prior_plan is not None or a.prior_actual is not None or a.prior_percent is not None for a in allocations):
        group = f"Năm {plan.date.year - 1}" if plan.date else "Năm trước"
        columns += [
            NumberColumn("prior_plan", "Kế hoạch", group, 22),
            NumberColumn("prior_actual", "Thực hiện", group, 22),
            NumberColumn("prior_percent", "Tỷ lệ %", group, 19),
        ]
    columns.append(NumberColumn("total", "Tổng", "", 18))
    buckets = plan.ordered_buckets()
    kinds = frozenset(b.key.partition(":")[0] for b in buckets)
    group = {frozenset({"round"}): "Chia theo đợt", frozenset({"month"}): "Chia theo tháng"}.get(
        kinds, "Chia theo tháng, đợt"
    )
    # A dated round needs room for "(15/03/2024)"; squeeze every bucket alike when there are many.
    wanted = [27.0 if b.date else 18.0 for b in buckets]
    budget = USABLE_W - 12 - NAME_MIN - NOTE_MIN - sum(c.width for c in columns)
    scale = min(1.0, budget / sum(wanted)) if wanted else 1.0
    columns += [
        NumberColumn(f"bucket:{b.pk}", b.label, group, round(max(11.0, w * scale), 1)) for b, w in zip(buckets, wanted)
    ]
    return columns


def _text_widths(numbers: list[NumberColumn]) -> tuple[float, float]:
    """Đơn vị takes 60 % of what the number columns leave (at least NAME_MIN), Ghi chú the rest."""
    left = USABLE_W - 12 - sum(c.width for c in numbers)
    name = max(min(NAME_MIN, left - NOTE_MIN), round(left * 0.6, 1))
    return name, round(left - name, 1)


def _allocation_values(allocation, numbers: list[NumberColumn]) -> list[int | None]:
    cells = {f"bucket:{cell.bucket_id}": cell.value for cell in allocation.cells.all()}
    own = {
        "prior_plan": allocation.prior_plan,
        "prior_actual": allocation.prior_actual,
        "prior_percent": allocation.prior_percent,
        "total": allocation.total,
    }
    return [own[c.key] if c.key in own else cells.get(c.key) for c in numbers]


def _sum_values(rows: list[Row], numbers: list[NumberColumn]) -> list[int | None]:
    sums: list[int | None] = []
    for index in range(len(numbers)):
        present = [r.values[index] for r in rows if r.values[index] is not None]
        sums.append(sum(present) if present else None)
    keys = [c.key for c in numbers]
    if "prior_percent" in keys:
        planned, actual = sums[keys.index("prior_plan")], sums[keys.index("prior_actual")]
        sums[keys.index("prior_percent")] = (
            int((Decimal(actual) * 100 / planned).quantize(Decimal(1), ROUND_HALF_UP))
            if planned and actual is not None
            else None
        )
    return sums


def _split_section(section: str) -> tuple[str, str]:
    match = SECTION_NUMBER.match(section)
    return (match.group(1), match.group(2).strip()) if match else ("", section.strip())


def _rows(allocations, numbers: list[NumberColumn]) -> list[Row]:
    groups: list[tuple[str, list]] = []
    for allocation in allocations:
        section = allocation.section.strip()
        if not groups or groups[-1][0] != section:
            groups.append((section, []))
        groups[-1][1].append(allocation)
    rows: list[Row] = []
    every: list[Row] = []
    for section, members in groups:
        numeral, heading = _split_section(section)
        if section:
            rows.append(Row("section", numeral, heading))
        group_rows = [
            Row("allocation", str(index), a.unit_name, _allocation_values(a, numbers), a.note.strip())
            for index, a in enumerate(members, start=1 if section or not every else len(every) + 1)
        ]
        rows += group_rows
        every += group_rows
        if section:
            rows.append(Row("subtotal", "", f"Cộng {numeral}".strip(), _sum_values(group_rows, numbers)))
    rows.append(Row("total", "", "Tổng cộng", _sum_values(every, numbers)))
    return rows


def _text(value: int | None) -> str:
    return "" if value is None else format_int(value)


def _bucket_header(label: str) -> str:
    """'Đợt I (15/03/2024)' on two lines: the name, then the date."""
    return label.replace(" (", "\n(", 1)


# ---------------------------------------------------------------------------------------------- xlsx


def appendix_xlsx(plan: Plan) -> bytes:
    """The appendix as one worksheet, printed on A4 landscape with the table header on every page."""
    from openpyxl import Workbook

    workbook = Workbook()
    _SheetWriter(workbook.active, build_appendix(plan)).write()
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class _SheetWriter:
    """Lays an Appendix out on an openpyxl worksheet. Every text goes through safe_cell()."""

    def __init__(self, sheet, data: Appendix):
        from openpyxl.styles import Alignment, Border, Side

        self.sheet, self.data = sheet, data
        self.ncols, self.size = data.column_count, data.font_pt
        thin = Side(style="thin", color="000000")
        self.grid = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.left = Alignment(horizontal="left", vertical="center", wrap_text=True)
        self.right = Alignment(horizontal="right", vertical="center")

    def font(self, bold=False, italic=False, underline=None, pt=None):
        from openpyxl.styles import Font

        return Font(name=FONT, size=pt or self.size, bold=bold, italic=italic, underline=underline)

    def put(self, row, col, value, *, span=1, font=None, align=None, border=None):
        cell = self.sheet.cell(row=row, column=col, value=safe_cell(value))
        cell.font = font or self.font()
        cell.alignment = align or self.centre
        if span > 1:
            self.sheet.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + span - 1)
        for k in range(span if border is not None else 0):
            self.sheet.cell(row=row, column=col + k).border = border
        return cell

    def write(self) -> None:
        from openpyxl.utils import get_column_letter

        self.sheet.title = "Phụ lục"
        for index, width in enumerate(self.data.widths, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = round(width / 1.9, 1)
        row = self.header_block()
        row = self.table_header(row)
        for item in self.data.rows:
            self.table_row(row, item)
            row += 1
        self.page_setup(last_row=row - 1)

    def header_block(self) -> int:
        """Issuing body and number over STT + Đơn vị; motto and place-date over the rest. Returns the next row."""
        data, size, wide = self.data, self.size, sum(self.data.widths)
        right_span = self.ncols - 2
        for index, line in enumerate(data.body_lines, start=1):
            self.put(index, 1, line, span=2, font=self.font(bold=True))
        self.put(1, 3, MOTTO, span=right_span, font=self.font(bold=True))
        self.put(2, 3, MOTTO_2, span=right_span, font=self.font(bold=True, underline="single", pt=size + 1))
        row = max(len(data.body_lines), 2) + 1
        self.put(row, 1, data.number_line, span=2, font=self.font(pt=size + 1))
        self.put(row, 3, data.place_date, span=right_span, font=self.font(italic=True, pt=size + 1))
        row += 2
        self.put(row, 1, "PHỤ LỤC", span=self.ncols, font=self.font(bold=True, pt=size + 2))
        self.put(row + 1, 1, data.title, span=self.ncols, font=self.font(bold=True, pt=size + 2))
        self.sheet.row_dimensions[row + 1].height = 20 * _lines(data.title, wide, size + 2)
        self.put(row + 2, 1, data.attached, span=self.ncols, font=self.font(italic=True, pt=size + 1))
        self.sheet.row_dimensions[row + 2].height = 18 * _lines(data.attached, wide, size + 1)
        if data.measure:
            self.put(row + 3, 1, data.measure, span=self.ncols, font=self.font(italic=True), align=self.right)
        return row + 4

    def table_header(self, top: int) -> int:
        """The header rows, bordered and set to repeat on every printed page. Returns the first body row."""
        for cell in self.data.header_cells():
            text = _bucket_header(cell.text) if cell.row == 1 else cell.text
            self.put(top + cell.row, cell.col + 1, text, font=self.font(bold=True))
            if cell.rowspan > 1 or cell.colspan > 1:
                self.sheet.merge_cells(
                    start_row=top + cell.row,
                    start_column=cell.col + 1,
                    end_row=top + cell.row + cell.rowspan - 1,
                    end_column=cell.col + cell.colspan,
                )
        end = top + self.data.header_rows - 1
        for row in range(top, end + 1):
            for col in range(1, self.ncols + 1):
                self.sheet.cell(row=row, column=col).border = self.grid
        if self.data.header_rows == 2:
            self.sheet.row_dimensions[end].height = 34
        self.sheet.print_title_rows = f"{top}:{end}"
        return end + 1

    def table_row(self, row: int, item: Row) -> None:
        data, grid = self.data, self.grid
        font = self.font(bold=item.kind != "allocation")
        self.put(row, 1, item.stt, font=font, border=grid)
        if item.kind == "section":
            self.put(row, 2, item.name, span=self.ncols - 1, font=font, align=self.left, border=grid)
            lines = _lines(item.name, sum(data.widths[1:]), self.size)
        else:
            self.put(
                row, 2, item.name, font=font, align=self.left if item.kind == "allocation" else self.centre, border=grid
            )
            lines = _lines(item.name, data.name_width, self.size)
        if item.note_only:
            self.put(row, 3, item.note, span=len(data.numbers), font=self.font(italic=True), border=grid)
            self.put(row, self.ncols, None, border=grid)
            lines = max(lines, _lines(item.note, sum(c.width for c in data.numbers), self.size))
        elif item.kind != "section":
            for offset, value in enumerate(item.values):
                self.put(row, 3 + offset, value, font=font, border=grid).number_format = "#,##0"
            self.put(row, self.ncols, item.note, font=self.font(italic=True), align=self.left, border=grid)
            lines = max(lines, _lines(item.note, data.note_width, self.size))
        if lines > 1:
            self.sheet.row_dimensions[row].height = 16 * lines

    def page_setup(self, last_row: int) -> None:
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.page import PageMargins

        sheet = self.sheet
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0  # one page wide, as many long as needed
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_options.horizontalCentered = True
        inch = 25.4
        sheet.page_margins = PageMargins(
            left=MARGIN_LEFT / inch,
            right=MARGIN_RIGHT / inch,
            top=MARGIN_TOP / inch,
            bottom=MARGIN_BOTTOM / inch,
            header=0.3,
            footer=0.3,
        )
        sheet.oddFooter.center.text = "&P/&N"
        sheet.oddFooter.center.font = FONT
        sheet.oddFooter.center.size = self.size
        sheet.print_area = f"A1:{get_column_letter(self.ncols)}{last_row}"
        sheet.sheet_view.showGridLines = False


def _lines(text: str, width_mm: float, pt: int) -> int:
    """A rough count of the lines a text wraps to in a column (Times: about 0.5 em per character)."""
    if not text:
        return 1
    per_line = max(1, int(width_mm / (pt * 0.3528 * 0.5)))
    return sum(-(-max(len(part), 1) // per_line) for part in text.split("\n"))


# ---------------------------------------------------------------------------------------------- docx


def appendix_docx(plan: Plan) -> bytes:
    """The appendix as a Word document: A4 landscape, header block, bordered table with a repeating header."""
    from docx import Document

    document = Document()
    _DocxWriter(document, build_appendix(plan)).write()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class _DocxWriter:
    def __init__(self, document, data: Appendix):
        self.document, self.data, self.size = document, data, data.font_pt

    def text(self, paragraph, text, *, bold=False, italic=False, underline=False, pt=None, align="center"):
        """Text in a paragraph; a newline in it becomes a line break."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        paragraph.alignment = {
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "left": WD_ALIGN_PARAGRAPH.LEFT,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
        }[align]
        for index, line in enumerate(text.split("\n")):
            if index:
                paragraph.runs[-1].add_break()
            run = paragraph.add_run(line)
            run.bold, run.italic, run.underline, run.font.size = bold, italic, underline, Pt(pt or self.size)
        return paragraph

    def write(self) -> None:
        _docx_defaults(self.document, self.size)
        self.page()
        self.header_block()
        self.table()

    def page(self) -> None:
        from docx.enum.section import WD_ORIENT
        from docx.shared import Mm

        section = self.document.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(PAGE_W), Mm(PAGE_H)
        section.top_margin, section.bottom_margin = Mm(MARGIN_TOP), Mm(MARGIN_BOTTOM)
        section.left_margin, section.right_margin = Mm(MARGIN_LEFT), Mm(MARGIN_RIGHT)
        section.header_distance = section.footer_distance = Mm(10)
        _docx_page_numbers(section.footer.paragraphs[0])

    def header_block(self) -> None:
        """A borderless 2×2 table (body | motto, number | place-date), then the appendix title lines."""
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.shared import Mm, Pt

        data, size, document = self.data, self.size, self.document
        head = document.add_table(rows=2, cols=2)
        head.alignment = WD_TABLE_ALIGNMENT.CENTER
        _docx_no_borders(head)
        _docx_widths(head, [Mm(100), Mm(USABLE_W - 100)])
        body, motto = head.cell(0, 0), head.cell(0, 1)
        self.text(body.paragraphs[0], "\n".join(data.body_lines), bold=True)
        _docx_rule(body.add_paragraph(), width_mm=100, rule_mm=35)
        self.text(motto.paragraphs[0], MOTTO, bold=True)
        self.text(motto.add_paragraph(), MOTTO_2, bold=True, underline=True, pt=size + 1)
        self.text(head.cell(1, 0).paragraphs[0], data.number_line, pt=size + 1)
        self.text(head.cell(1, 1).paragraphs[0], data.place_date, italic=True, pt=size + 1)
        for cell in head.rows[1].cells:
            cell.paragraphs[0].paragraph_format.space_before = Pt(6)
        self.text(document.add_paragraph(), "PHỤ LỤC", bold=True, pt=size + 2).paragraph_format.space_before = Pt(18)
        self.text(document.add_paragraph(), data.title, bold=True, pt=size + 2)
        self.text(document.add_paragraph(), data.attached, italic=True, pt=size + 1)
        measure = self.text(document.add_paragraph(), data.measure, italic=True, align="right")
        measure.paragraph_format.space_before = Pt(6)

    def table(self) -> None:
        from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
        from docx.shared import Mm

        data = self.data
        table = self.document.add_table(rows=data.header_rows + len(data.rows), cols=data.column_count)
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _docx_widths(table, [Mm(w) for w in data.widths])
        for cell in data.header_cells():
            target = table.cell(cell.row, cell.col)
            if cell.rowspan > 1 or cell.colspan > 1:
                target = target.merge(table.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1))
            self.text(target.paragraphs[0], _bucket_header(cell.text) if cell.row == 1 else cell.text, bold=True)
        for index, row in enumerate(table.rows):
            _docx_row_flags(row, header=index < data.header_rows)
            for cell in row.cells:
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        for offset, item in enumerate(data.rows):
            self.table_row(table, data.header_rows + offset, item)

    def table_row(self, table, r: int, item: Row) -> None:
        last = self.data.column_count - 1
        bold = item.kind != "allocation"
        self.text(table.cell(r, 0).paragraphs[0], item.stt, bold=bold)
        if item.kind == "section":
            self.text(table.cell(r, 1).merge(table.cell(r, last)).paragraphs[0], item.name, bold=True, align="left")
            return
        self.text(
            table.cell(r, 1).paragraphs[0],
            item.name,
            bold=bold,
            align="left" if item.kind == "allocation" else "center",
        )
        if item.note_only:
            self.text(table.cell(r, 2).merge(table.cell(r, last - 1)).paragraphs[0], item.note, italic=True)
            return
        for k, value in enumerate(item.values):
            self.text(table.cell(r, 2 + k).paragraphs[0], _text(value), bold=bold)
        self.text(table.cell(r, last).paragraphs[0], item.note, italic=True, align="left")


def _docx_defaults(document, pt: int) -> None:
    """Times New Roman for every script (east-asian too, so Vietnamese never falls back), no spacing."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(r_pr):
        r_pr.remove(child)
    r_pr.append(
        parse_xml(f'<w:rFonts {nsdecls("w")} w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>')
    )
    r_pr.append(parse_xml(f'<w:sz {nsdecls("w")} w:val="{pt * 2}"/>'))
    r_pr.append(parse_xml(f'<w:szCs {nsdecls("w")} w:val="{pt * 2}"/>'))
    r_pr.append(parse_xml(f'<w:lang {nsdecls("w")} w:val="vi-VN" w:eastAsia="vi-VN" w:bidi="ar-SA"/>'))
    p_pr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    for child in list(p_pr):
        p_pr.remove(child)
    p_pr.append(parse_xml(f'<w:spacing {nsdecls("w")} w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'))
    for name in ("Normal", "Table Grid"):
        style = document.styles[name]
        style.font.name = FONT
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), FONT)


def _docx_widths(table, widths) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    table.autofit = False
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblLayout")):
        tbl_pr.remove(old)
    tbl_pr.append(parse_xml(f'<w:tblLayout {nsdecls("w")} w:type="fixed"/>'))
    for column, width in zip(table.columns, widths):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _docx_no_borders(table) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    edges = "".join(f'<w:{edge} w:val="nil"/>' for edge in ("top", "left", "bottom", "right", "insideH", "insideV"))
    table._tbl.tblPr.append(parse_xml(f"<w:tblBorders {nsdecls('w')}>{edges}</w:tblBorders>"))


def _docx_rule(paragraph, *, width_mm: float, rule_mm: float) -> None:
    """A short centred line under the issuing body: an empty paragraph with a bottom border, indented."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Mm, Pt

    indent = Mm(max(0.0, (width_mm - rule_mm) / 2))
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = indent
    paragraph.paragraph_format.line_spacing = Pt(4)
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>')
    )


def _docx_row_flags(row, *, header: bool) -> None:
    """Rows never split across pages; header rows repeat on every page."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
    if header:
        tr_pr.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))


def _docx_page_numbers(paragraph) -> None:
    """'PAGE/NUMPAGES' as Word fields, centred in the footer."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def field(code: str) -> None:
        for xml in (
            f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>',
            f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> {code} </w:instrText></w:r>',
            f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>',
            f"<w:r {nsdecls('w')}><w:t>1</w:t></w:r>",
            f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>',
        ):
            paragraph._p.append(parse_xml(xml))

    field("PAGE")
    paragraph.add_run("/")
    field("NUMPAGES")


# ----------------------------------------------------------------------------------------------- pdf


def appendix_html(plan: Plan) -> str:
    from django.template.loader import render_to_string

    data = build_appendix(plan)
    header = [[c for c in data.header_cells() if c.row == level] for level in range(data.header_rows)]
    for cell in header[1] if len(header) > 1 else []:
        cell.text = _bucket_header(cell.text)
    rows = []
    for item in data.rows:
        cells = [{"text": item.stt, "cls": "stt"}]
        if item.kind == "section":
            cells.append({"text": item.name, "cls": "name", "span": data.column_count - 1})
        elif item.note_only:
            cells += [
                {"text": item.name, "cls": "name"},
                {"text": item.note, "cls": "note-only", "span": len(data.numbers)},
                {"text": "", "cls": "note"},
            ]
        else:
            cells.append({"text": item.name, "cls": "name"})
            cells += [{"text": _text(v), "cls": "num"} for v in item.values]
            cells.append({"text": item.note, "cls": "note"})
        rows.append({"kind": item.kind, "cells": cells})
    return render_to_string(
        "plans/export/appendix.html",
        {
            "a": data,
            "header": header,
            "rows": rows,
            "motto": MOTTO,
            "motto_2": MOTTO_2,
            "font_stack": ", ".join(FONT_STACK),
            "widths": data.widths,
            "margins": f"{MARGIN_TOP}mm {MARGIN_RIGHT}mm {MARGIN_BOTTOM}mm {MARGIN_LEFT}mm",
        },
    )


def appendix_pdf(plan: Plan) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # The page needs nothing from outside (fonts come from fontconfig): refuse every URL, file:// included.
    return HTML(string=appendix_html(plan), url_fetcher=URLFetcher(allowed_protocols=())).write_pdf()
