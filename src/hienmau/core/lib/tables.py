"""Reading a spreadsheet-like file (.csv, .xlsx, pasted tab-separated text) into rows of strings.

Every importer starts here, so the guards against hostile files live here once: a size cap; for .xlsx a
cap on the uncompressed size (from the zip directory, which Python's zipfile enforces while inflating) so
a zip bomb is refused before it is opened; a row cap (MAX_ROWS) checked while the sheet is streamed
(openpyxl read-only mode), so nothing holds more than MAX_ROWS rows in memory; a cell-length cap for text.
A workbook that is damaged (truncated sheet XML) or a cell longer than the cap is a TableError with a
Vietnamese message, never an exception from the parser.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from pathlib import Path

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_XLSX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024
MAX_ROWS = 100_000
MAX_CELL_CHARS = 131_072  # csv's own field limit; a longer cell is refused, not read


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
    if suffix in (".csv", ".txt", ".tsv", ""):
        return read_text_rows(read_text(path))
    raise TableError(f"Không đọc được tệp {path.name}: chỉ nhận .xlsx, .csv hoặc văn bản phân cách bằng tab.")


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


def _read_xlsx(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(path) as archive:
            uncompressed = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise TableError(f"Tệp {path.name} không phải tệp Excel .xlsx hợp lệ.") from exc
    if uncompressed > MAX_XLSX_UNCOMPRESSED_BYTES:
        raise TableError(
            f"Tệp {path.name} giải nén ra quá lớn ({uncompressed // (1024 * 1024)} MB): từ chối để an toàn."
        )
    damaged = (
        f"Tệp Excel {path.name} bị hỏng hoặc không đầy đủ (có thể tải lên chưa hết): hãy mở tệp bằng Excel, "
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
