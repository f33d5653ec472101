"""Reading appendices of 400 and 10,000 rows in every format: `python -m bench appendix [ROWS ...]`.

Each file is written once (a title block, a two-row header with the months under "THÁNG", one row per
unit, the total row, the signature), then read and analysed as `hienmau plan import --dry-run` does it
without a database (`read_blocks` + `analyse_document`; unit matching is measured in bench/reference.py).
A text PDF is printed with WeasyPrint and timed per page. Figures only, never pass/fail; the results are
in docs/benchmarks.md.
"""

from __future__ import annotations

import csv
import html
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

import xlwt
from docx import Document as WordDocument
from docx.table import _Cell
from openpyxl import Workbook

from bench.report import figure
from hienmau.plans.lib.document import analyse_document, analyse_text
from hienmau.plans.readers import read_blocks

TITLE = ["BAN CHỈ ĐẠO VẬN ĐỘNG HIẾN MÁU TÌNH NGUYỆN TỈNH", "Kiên Giang, ngày 05 tháng 4 năm 2022", "PHỤ LỤC"]
SIGNATURE = ["TM. BAN CHỈ ĐẠO", "TRƯỞNG BAN"]


def table(rows: int) -> list[list[str]]:
    header = [
        ["STT", "ĐƠN VỊ", "THÁNG"] + [""] * 11 + ["Tổng cộng"],
        ["", ""] + [f"Tháng {m}" for m in range(1, 13)] + [""],
    ]
    body, grand = [], [0] * 12
    for u in range(1, rows + 1):
        values = [(u * m) % 50 for m in range(1, 13)]
        grand = [a + b for a, b in zip(grand, values, strict=True)]
        body.append(
            [str(u), f"Đơn vị số {u}", *(str(v) if v else "" for v in values), f"{sum(values):,}".replace(",", ".")]
        )
    total = ["", "Tổng cộng", *(f"{v:,}".replace(",", ".") for v in grand), f"{sum(grand):,}".replace(",", ".")]
    return header + body + [total]


def write(kind: str, rows: list[list[str]], directory: Path) -> Path:
    path = directory / f"phu-luc-{len(rows)}.{kind}"
    sheet_rows = [[t] for t in TITLE] + rows + [[]] + [[t] for t in SIGNATURE]
    if kind == "txt":
        path.write_text("\n".join(TITLE + ["\t".join(r) for r in rows] + SIGNATURE), encoding="utf-8")
    elif kind == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows(sheet_rows)
        path.write_text(buffer.getvalue(), encoding="utf-8")
    elif kind == "xlsx":
        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        for row in sheet_rows:
            sheet.append([int(c) if c.isdigit() else (c or None) for c in row])
        book.save(path)
    elif kind == "xls":
        book = xlwt.Workbook(encoding="utf-8")
        sheet = book.add_sheet("Phu luc")
        for r, row in enumerate(sheet_rows):
            for c, cell in enumerate(row):
                if cell:
                    sheet.write(r, c, int(cell) if cell.isdigit() else cell)
        book.save(str(path))
    elif kind == "docx":
        document = WordDocument()
        for line in TITLE:
            document.add_paragraph(line)
        grid = document.add_table(rows=len(rows), cols=len(rows[0]))
        # Cell by cell from each row's XML: python-docx's `row.cells` rebuilds the whole grid for every row,
        # which made writing the 10,000-row file take many minutes (the reader had the same fix).
        for line, row in zip(grid.rows, rows, strict=True):
            for tc, cell in zip(line._tr.tc_lst, row, strict=True):
                _Cell(tc, grid).text = cell
        for line in SIGNATURE:
            document.add_paragraph(line)
        document.save(path)
    elif kind == "pdf":
        from weasyprint import HTML

        head = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows[:2])
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows[2:])
        markup = (
            "<html><head><meta charset='utf-8'><style>body{font-family:'DejaVu Serif';font-size:8pt}"
            "table{border-collapse:collapse}td{border:1px solid black;padding:1px}tr{break-inside:avoid}</style>"
            f"</head><body>{''.join(f'<p>{t}</p>' for t in TITLE)}<table><thead>{head}</thead>"
            f"<tbody>{body}</tbody></table></body></html>"
        )
        HTML(string=markup).write_pdf(str(path))
    else:
        raise ValueError(kind)
    return path


def read(kind: str, path: Path) -> int:
    if kind == "txt":
        document = analyse_text(path.read_text(encoding="utf-8"))
    else:
        document = analyse_document(read_blocks(path))
    return len(document.appendix.rows)


def pages(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


TARGETS = {400: "< 1 s", 10_000: "< 10 s"}  # issue #13; a PDF: < 1 s a page


def main(argv: list[str]) -> list[dict]:
    """Prints a line per format and size and returns the figures (bench/all.py)."""
    figures = []
    sizes = [int(a) for a in argv] or [400, 10_000]
    kinds = ["txt", "csv", "xlsx", "xls", "docx", "pdf"]
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        print(f"{'format':6} {'rows':>7} {'read p50':>10} {'rows/s':>10}  note")
        for size in sizes:
            rows = table(size)
            for kind in kinds:
                if kind == "pdf" and size > 1000:
                    continue  # printing 10,000 rows takes minutes; a PDF is measured per page
                path = write(kind, rows, directory)
                runs = 1 if size > 1000 else 3
                times, found = [], 0
                for _ in range(runs):
                    start = time.perf_counter()
                    found = read(kind, path)
                    times.append(time.perf_counter() - start)
                p50 = statistics.median(times)
                note = "" if found == size else f"read {found} rows!"
                if kind == "pdf":
                    count = pages(path)
                    note = f"{count} pages, {p50 / count * 1000:.0f} ms a page " + note
                print(f"{kind:6} {size:>7,} {p50 * 1000:>8.0f} ms {size / p50:>10,.0f}  {note}", flush=True)
                value = f"{p50:.2f} s" + (f", {note.strip()}" if note.strip() else "")
                target = "< 1 s a page" if kind == "pdf" else TARGETS.get(size, "")
                figures.append(figure("appendix", f"appendix .{kind}, {size:,} rows", value, target))
    return figures


if __name__ == "__main__":
    main(sys.argv[1:])
