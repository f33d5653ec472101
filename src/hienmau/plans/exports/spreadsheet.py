"""The appendix as one xlsx worksheet."""

from __future__ import annotations

import io

from hienmau.core.lib.documents import (
    FONT,
    MOTTO,
    MOTTO_2,
    a4_sheet,
    safe_cell,
)
from hienmau.plans.exports.appendix import Appendix, Row, bucket_header, build_appendix
from hienmau.plans.models import Plan


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
            text = bucket_header(cell.text) if cell.row == 1 else cell.text
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
        a4_sheet(self.sheet, landscape=True, ncols=self.ncols, last_row=last_row)
        self.sheet.print_options.horizontalCentered = True
        self.sheet.oddFooter.center.font = FONT
        self.sheet.oddFooter.center.size = self.size


def _lines(text: str, width_mm: float, pt: int) -> int:
    """A rough count of the lines a text wraps to in a column (Times: about 0.5 em per character)."""
    if not text:
        return 1
    per_line = max(1, int(width_mm / (pt * 0.3528 * 0.5)))
    return sum(-(-max(len(part), 1) // per_line) for part in text.split("\n"))
