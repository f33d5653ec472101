"""Reading a spreadsheet-like file into rows of strings: .csv, .xlsx, legacy .xls (xlrd), pasted
tab-separated text, a table pasted in the browser as HTML (Word's and Excel's clipboard, merged cells
kept), the tables of a text PDF (pdfplumber), and .ods/.odt/.doc through a LibreOffice
headless conversion (soffice; the server may not have it, then the message says so).

Every importer starts here, so the guards against hostile files live here once: a size cap; for .xlsx a
cap on the uncompressed size (from the zip directory, which Python's zipfile enforces while inflating) so
a zip bomb is refused before it is opened; a row cap (MAX_ROWS) checked while the sheet is streamed
(openpyxl read-only mode), so nothing holds more than MAX_ROWS rows in memory; a cell-length cap for text.
A workbook that is damaged (truncated sheet XML) or a cell longer than the cap is a TableError with a
Vietnamese message, never an exception from the parser.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_XLSX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024
MAX_ROWS = 100_000
MAX_CELL_CHARS = 131_072  # csv's own field limit; a longer cell is refused, not read
MAX_PDF_PAGES = 200
CONVERT_TIMEOUT_SECONDS = 120
# Formats LibreOffice turns into one this module reads: a text document into .docx, a sheet into .xlsx.
CONVERTED = {".doc": "docx", ".odt": "docx", ".ods": "xlsx"}


class TableError(ValueError):
    """The file cannot be read as a table at all; the message says why, in Vietnamese."""


def _cell_text(value, number_format: str = "") -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in (number_format or ""):
        # Excel stores 104% as 1.04; write it the way the sheet shows it.
        return f"{value * 100:.10g}%".replace(".", ",")
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def check_size(path: Path) -> None:
    """TableError when the file is over MAX_FILE_BYTES (every reader of an uploaded file calls this)."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise TableError(
            f"Tệp {path.name} quá lớn ({size // (1024 * 1024)} MB; tối đa {MAX_FILE_BYTES // (1024 * 1024)} MB)."
        )


def read_text(path: Path) -> str:
    """The text of a plain-text file (UTF-8, else the Vietnamese Windows code page), size-checked."""
    check_size(path)
    return _decode(path.read_bytes(), path.name)


def read_rows(path: Path) -> list[list[str]]:
    """All rows of the first sheet (xlsx) or of the text file (csv / tab-separated), as strings."""
    check_size(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix == ".xls":
        return _read_xls(path)
    if suffix == ".ods":
        with converted(path) as sheet:
            return _read_xlsx(sheet, shown_name=path.name)
    if suffix == ".pdf":
        tables = [item for item in read_pdf(path) if isinstance(item, list)]
        if not tables:
            raise TableError(f"Tệp PDF {path.name} không có bảng nào đọc được.")
        return tables[0]
    if suffix in (".csv", ".txt", ".tsv", ""):
        return read_text_rows(read_text(path))
    raise TableError(
        f"Không đọc được tệp {path.name}: chỉ nhận .xlsx, .xls, .ods, .csv, PDF có lớp chữ "
        "hoặc văn bản phân cách bằng tab."
    )


def _decode(data: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "cp1258", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError(f"Tệp {name} không phải văn bản UTF-8.")


def read_text_rows(text: str) -> list[list[str]]:
    """Rows from CSV or from text pasted out of Word/Excel (tab-separated)."""
    lines = text.splitlines()
    sample = "\n".join(lines[:20])
    if "\t" in sample:
        delimiter = "\t"
    else:
        counts = {d: sample.count(d) for d in (",", ";")}
        delimiter = max(counts, key=counts.get) if any(counts.values()) else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for row in reader:
            if len(rows) >= MAX_ROWS:
                raise TableError(_too_many_rows())
            rows.append([cell.strip() for cell in row])
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise TableError(
                f"Dòng {reader.line_num}: có ô dài hơn {_grouped(MAX_CELL_CHARS)} ký tự; "
                "hãy kiểm tra dấu ngoặc kép trong tệp (một ô mở ngoặc mà không đóng) rồi tải lên lại."
            ) from exc
        raise TableError(f"Dòng {reader.line_num}: không đọc được tệp như một bảng CSV ({_csv_hint()}).") from exc
    return rows


def _grouped(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _too_many_rows() -> str:
    return f"Tệp có hơn {_grouped(MAX_ROWS)} dòng: hãy chia thành nhiều tệp nhỏ hơn rồi nhập từng tệp."


def _csv_hint() -> str:
    return "các cột phân cách bằng dấu phẩy, dấu chấm phẩy hoặc tab"


def _read_xlsx(path: Path, shown_name: str = "") -> list[list[str]]:
    from openpyxl import load_workbook

    name = shown_name or path.name
    try:
        with zipfile.ZipFile(path) as archive:
            uncompressed = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise TableError(f"Tệp {name} không phải tệp Excel .xlsx hợp lệ.") from exc
    if uncompressed > MAX_XLSX_UNCOMPRESSED_BYTES:
        raise TableError(f"Tệp {name} giải nén ra quá lớn ({uncompressed // (1024 * 1024)} MB): từ chối để an toàn.")
    damaged = (
        f"Tệp Excel {name} bị hỏng hoặc không đầy đủ (có thể tải lên chưa hết): hãy mở tệp bằng Excel, "
        "lưu lại rồi tải lên lại."
    )
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a corrupt workbook
        raise TableError(damaged) from exc
    try:
        sheet = workbook.worksheets[0]
        rows: list[list[str]] = []
        for row in sheet.iter_rows():  # streamed: one row parsed at a time
            if len(rows) >= MAX_ROWS:
                raise TableError(_too_many_rows())
            rows.append([_cell_text(cell.value, getattr(cell, "number_format", "")) for cell in row])
        return rows
    except TableError:
        raise
    except Exception as exc:  # truncated or malformed sheet XML surfaces only while rows are parsed
        raise TableError(damaged) from exc
    finally:
        workbook.close()


def _read_xls(path: Path) -> list[list[str]]:
    """The first sheet of a legacy Excel 97-2003 workbook, with the same caps as .xlsx (file size, rows)."""
    import xlrd

    damaged = (
        f"Tệp {path.name} không phải tệp Excel .xls hợp lệ hoặc bị hỏng: hãy mở tệp bằng Excel, "
        "lưu lại rồi tải lên lại."
    )
    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except Exception as exc:  # xlrd raises XLRDError, CompDocError, struct errors... for a bad file
        raise TableError(damaged) from exc
    try:
        sheet = book.sheet_by_index(0)
        if sheet.nrows > MAX_ROWS:
            raise TableError(_too_many_rows())
        rows: list[list[str]] = []
        for r in range(sheet.nrows):
            row = []
            for c in range(sheet.ncols):
                cell = sheet.cell(r, c)
                value = cell.value
                if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    value = None
                elif cell.ctype == xlrd.XL_CELL_DATE:
                    value = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
                elif cell.ctype == xlrd.XL_CELL_ERROR:
                    value = None
                row.append(_cell_text(value, _xls_format(book, cell.xf_index)))
            rows.append(row)
        return rows
    except TableError:
        raise
    except Exception as exc:
        raise TableError(damaged) from exc
    finally:
        book.release_resources()


def _xls_format(book, xf_index) -> str:
    try:
        return book.format_map[book.xf_list[xf_index].format_key].format_str
    except (IndexError, KeyError, TypeError):
        return ""


# --- PDF ---------------------------------------------------------------------------------------------


def read_pdf(path: Path) -> list[str | list[list[str]]]:
    """A text PDF as it reads top to bottom: each line of text outside a table (a str) and each table (rows
    of strings). A table that goes on at the top of the next page is one table; the header rows the next
    page repeats are dropped there (they are the printer's, not the author's). A PDF without a text layer
    (a scan) is refused with a message saying so, never read as an empty or wrong table."""
    import pdfplumber

    check_size(path)
    try:
        pdf = pdfplumber.open(str(path))
    except Exception as exc:  # pdfminer raises several types for a file that is not a PDF
        raise TableError(f"Tệp {path.name} không phải tệp PDF hợp lệ.") from exc
    items: list[str | list[list[str]]] = []
    has_text = False
    try:
        if len(pdf.pages) > MAX_PDF_PAGES:
            raise TableError(
                f"Tệp PDF {path.name} có {len(pdf.pages)} trang (tối đa {MAX_PDF_PAGES}): "
                "hãy tách riêng các trang phụ lục rồi tải lên."
            )
        rows_seen = 0
        for page in pdf.pages:
            if page.chars:
                has_text = True
            found = page.find_tables()
            boxes = [table.bbox for table in found]
            placed: list[tuple[float, str | list[list[str]]]] = []
            for table in found:
                rows = [[_pdf_cell(cell) for cell in row] for row in table.extract()]
                rows_seen += len(rows)
                if rows_seen > MAX_ROWS:
                    raise TableError(_too_many_rows())
                placed.append((table.bbox[1], rows))

            def outside_tables(obj: dict, boxes: list = boxes) -> bool:
                return not any(_inside(obj, box) for box in boxes)

            outside = page.filter(outside_tables)
            for top, text in _paragraphs(outside.extract_text_lines()):
                placed.append((top, text))
            placed.sort(key=lambda item: item[0])
            for index, (_, item) in enumerate(placed):
                if index == 0 and isinstance(item, list) and items and isinstance(items[-1], list):
                    _continue_table(items[-1], item)
                else:
                    items.append(item)
    except TableError:
        raise
    except Exception as exc:
        raise TableError(f"Tệp PDF {path.name} bị hỏng, không đọc được.") from exc
    finally:
        pdf.close()
    if not has_text:
        raise TableError(
            f"Tệp PDF {path.name} là bản scan (ảnh chụp), không có lớp chữ nên không đọc được bảng. "
            "Hãy tải lên tệp Word/Excel gốc, hoặc bản PDF xuất trực tiếp từ Word/Excel."
        )
    return items


# A line that starts a list item or a numbered section starts a new paragraph, however close it sits.
_ITEM_START = re.compile(r"^(\d+(\.\d+)*[.)]\s|[IVXLC]+[.)]\s|[a-zđ][.)]\s|[-+•*–]\s|#)")


def _paragraphs(lines: list[dict]) -> list[tuple[float, str]]:
    """Lines of text joined back into the paragraphs they were wrapped from: a line follows on from the one
    above when the gap between them is under half a line and it does not open a list item or section."""
    paragraphs: list[tuple[float, str]] = []
    previous = None
    for line in lines:
        text = line["text"].strip()
        if not text:
            continue
        height = line["bottom"] - line["top"]
        if previous is not None and line["top"] - previous["bottom"] < 0.5 * height and not _ITEM_START.match(text):
            top, joined = paragraphs[-1]
            paragraphs[-1] = (top, f"{joined} {text}")
        else:
            paragraphs.append((line["top"], text))
        previous = line
    return paragraphs


def _pdf_cell(cell) -> str:
    """A cell's text with its wrapped lines joined: by a space, or by nothing after a line that ends in a
    hyphen ("nghiệp-" / "GDTC" was "nghiệp-GDTC" before the cell was too narrow for it)."""
    text = ""
    for line in (cell or "").splitlines():
        words = " ".join(line.split())
        if not words:
            continue
        text = f"{text}{words}" if not text or text.endswith("-") else f"{text} {words}"
    return text


def _inside(obj, box) -> bool:
    x0, top, x1, bottom = box
    return (
        obj.get("x0", -1) >= x0 - 1
        and obj.get("x1", -1) <= x1 + 1
        and obj.get("top", -1) >= top - 1
        and (obj.get("bottom", -1) <= bottom + 1)
    )


def _continue_table(table: list[list[str]], more: list[list[str]]) -> None:
    """Append the rows of the table that opens a page to the table that closed the previous one, when they
    have the same columns; the header rows repeated at the top of the page are skipped."""
    width = len(table[0]) if table else 0
    if not more or len(more[0]) != width:
        table.extend(more)  # a different table right after: still one block, the layout decides
        return
    skip = 0
    while skip < len(more) and skip < len(table) and more[skip] == table[skip]:
        skip += 1
    table.extend(more[skip:])


# --- LibreOffice conversion ----------------------------------------------------------------------------


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@contextlib.contextmanager
def converted(path: Path) -> Iterator[Path]:
    """The file converted by LibreOffice headless (.doc/.odt into .docx, .ods into .xlsx), in a temporary
    directory removed afterwards. TableError in Vietnamese when LibreOffice is not installed on the server
    or the conversion fails."""
    check_size(path)
    suffix = path.suffix.lower()
    target = CONVERTED[suffix]
    soffice = soffice_path()
    if not soffice:
        raise TableError(
            f"Không đọc được tệp {path.name}: máy chủ chưa cài LibreOffice để chuyển đổi tệp {suffix} "
            "(quản trị viên cài bằng lệnh: make libreoffice). Trong lúc chờ, hãy mở tệp và lưu lại dưới dạng "
            f".{target} rồi tải lên."
        )
    with tempfile.TemporaryDirectory(prefix="hienmau-convert-") as work:
        source = Path(work) / f"input{suffix}"
        shutil.copyfile(path, source)
        try:
            subprocess.run(
                [
                    soffice,
                    "--headless",
                    "--norestore",
                    f"-env:UserInstallation=file://{work}/profile",
                    "--convert-to",
                    target,
                    "--outdir",
                    work,
                    str(source),
                ],
                check=False,
                capture_output=True,
                timeout=CONVERT_TIMEOUT_SECONDS,
            )
        except subprocess.TimeoutExpired as exc:
            raise TableError(
                f"Chuyển đổi tệp {path.name} quá lâu: hãy lưu lại dưới dạng .{target} rồi tải lên."
            ) from exc
        result = Path(work) / f"input.{target}"
        if not result.exists():
            raise TableError(
                f"LibreOffice không chuyển đổi được tệp {path.name} (tệp hỏng hoặc không phải tệp {suffix}): "
                f"hãy mở tệp, lưu lại dưới dạng .{target} rồi tải lên."
            )
        yield result


# ---- HTML: a table pasted from Word or Excel in the browser ---------------------------------------------


@dataclass
class HtmlTable:
    """A table of an HTML clipboard: each merged cell's text once, in its first row and column, blanks in
    the cells it covers (as a merged header reads in Word); `merged_rows` are the rows (0-based) that hold
    or are covered by a merged cell, for a reader to refuse merging inside its data."""

    rows: list[list[str]]
    merged_rows: set[int] = field(default_factory=set)


_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "table", "br", "title"}
_SKIPPED_TAGS = {"style", "script", "head", "xml"}


class _HtmlTables(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[str | HtmlTable] = []
        self.text: list[str] = []  # the paragraph being read, outside tables
        self.depth = 0  # nested tables: an inner table's text belongs to the outer cell
        self.skipping = 0
        self.rows: list[list[tuple[str, int, int]]] = []
        self.cell: list[str] | None = None
        self.span = (1, 1)

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED_TAGS:
            self.skipping += 1
            return
        if tag == "table":
            self.depth += 1
            if self.depth == 1:
                self._paragraph()
                self.rows = []
            return
        if self.depth == 1 and tag == "tr":
            self.rows.append([])
        elif self.depth == 1 and tag in ("td", "th"):
            values = dict(attrs)
            self.cell = []
            self.span = (_span(values.get("rowspan")), _span(values.get("colspan")))
        elif tag in _BLOCK_TAGS:
            self._space() if self.depth else self._paragraph()

    def handle_endtag(self, tag):
        if tag in _SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
            return
        if tag == "table" and self.depth:
            self.depth -= 1
            if self.depth == 0:
                self._cell()
                self.items.append(_grid(self.rows))
            return
        if self.depth == 1 and tag in ("td", "th"):
            self._cell()
        elif tag in _BLOCK_TAGS:
            self._space() if self.depth else self._paragraph()

    def handle_data(self, data):
        if self.skipping:
            return
        (self.cell if self.depth and self.cell is not None else self.text).append(data)

    def _space(self) -> None:
        if self.cell is not None:
            self.cell.append(" ")

    def _cell(self) -> None:
        if self.cell is None:
            return
        if not self.rows:
            self.rows.append([])
        text = " ".join("".join(self.cell).replace("\xa0", " ").split())
        self.rows[-1].append((text, *self.span))
        self.cell = None

    def _paragraph(self) -> None:
        text = " ".join("".join(self.text).replace("\xa0", " ").split())
        if text:
            self.items.append(text)
        self.text = []


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(str(value).strip()), 1000))
    except ValueError:
        return 1


def _grid(rows: list[list[tuple[str, int, int]]]) -> HtmlTable:
    """Place cells with their spans on a grid (a cell of an earlier row spanning down takes its column)."""
    grid: list[list[str]] = []
    merged: set[int] = set()
    covered: dict[tuple[int, int], bool] = {}
    for r, cells in enumerate(rows):
        line: list[str] = []
        column = 0
        for text, rowspan, colspan in cells:
            while covered.get((r, column)):
                line.append("")
                merged.add(r)
                column += 1
            line += [text] + [""] * (colspan - 1)
            if rowspan > 1 or colspan > 1:
                merged.add(r)
            for below in range(1, rowspan):
                for c in range(column, column + colspan):
                    covered[(r + below, c)] = True
            column += colspan
        while covered.get((r, column)):
            line.append("")
            merged.add(r)
            column += 1
        grid.append(line)
    width = max((len(line) for line in grid), default=0)
    return HtmlTable([line + [""] * (width - len(line)) for line in grid], merged)


def read_html(markup: str) -> list[str | HtmlTable]:
    """Paragraphs and tables of an HTML clipboard (Word's or Excel's "text/html"), in order."""
    if len(markup) > MAX_FILE_BYTES:
        raise TableError("Bảng dán quá lớn: hãy lưu thành tệp rồi tải lên.")
    parser = _HtmlTables()
    parser.feed(markup)
    parser.close()
    parser._paragraph()
    if any(len(item.rows) > MAX_ROWS for item in parser.items if isinstance(item, HtmlTable)):
        raise TableError(_too_many_rows())
    return parser.items
