"""Hostile files against every file importer: broken zip and XML, random bytes under a sheet's name, wrong
encodings, huge cells, formulas and HTML. Each importer either reads the file (formulas and HTML as plain
text) or refuses it with its own error carrying a message; nothing crashes, and a refused file stores
nothing. The donation-history importer's refusals are also checked finding by finding: each names its row
and column and says it in Vietnamese."""

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from hienmau.demand import importer as demand
from hienmau.demand.models import Need
from hienmau.donors import importer as history
from hienmau.donors.models import Donation, Donor
from hienmau.honours import importer as honours
from hienmau.honours.models import Honour
from hienmau.orgs import importer as units
from hienmau.orgs.models import Unit
from hienmau.results import importer as results
from hienmau.results.models import ResultImport

pytestmark = pytest.mark.django_db

FAST = settings(
    max_examples=8,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _broken_zip(body: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<?xml version='1.0'?><Types")  # cut off: broken XML
        archive.writestr("xl/workbook.xml", body)
    return buffer.getvalue()[: max(30, len(buffer.getvalue()) - 7)]  # truncated central directory


SHEET_HEADER = ("Cơ sở tiếp nhận", "Tháng", "Số đơn vị máu", "Họ và tên", "Mã", "Tên", "Cấp")
# A facility's donation export (donors/lib/history_rows.py): the hostile cells land in its columns.
HISTORY_HEADER = ("Họ và tên", "Ngày sinh", "Ngày hiến", "Giới tính", "Số CCCD", "Số điện thoại", "Thể tích")
HISTORY_HEADER += ("Thành phần", "Kết quả", "Nhóm máu", "Số tiền", "Hoãn đến", "Đồng ý liên hệ", "Địa chỉ")


def _text_sheet(cells: list[str], encoding: str, header: tuple[str, ...] = SHEET_HEADER) -> bytes:
    line = ",".join(f'"{cell}"' for cell in cells)
    return (",".join(header) + "\n" + line + "\n").encode(encoding, errors="replace")


def _workbook(cells: list[str], header: tuple[str, ...]) -> bytes:
    """A sound .xlsx holding the hostile cells (formulas are written as formulas)."""
    book = Workbook()
    book.active.append(list(header))
    book.active.append([ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in cells])  # openpyxl refuses them
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


HOSTILE_CELLS = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "=cmd|' /C calc'!A0",
                '=HYPERLINK("http://x.invalid","bấm")',
                "+SUM(1,2)",
                "@SUM(A1)",
                "<script>alert(1)</script>",
                "<b>Bệnh viện</b>",
                "01/2025",
                "\ufeff",
                "x" * 140_000,
            ]
        ),
        st.text(max_size=30),
    ),
    min_size=1,
    max_size=7,
)
FILES = st.one_of(
    st.builds(lambda b: ("xlsx", _broken_zip(b)), st.binary(max_size=200)),
    st.builds(lambda b: ("xlsx", b), st.binary(max_size=300)),
    st.builds(lambda b: ("xls", b"\xd0\xcf\x11\xe0" + b), st.binary(max_size=300)),
    st.builds(lambda b: ("docx", _broken_zip(b)), st.binary(max_size=200)),
    st.builds(
        lambda cells, enc: ("csv", _text_sheet(cells, enc)),
        HOSTILE_CELLS,
        st.sampled_from(["utf-8", "utf-16", "cp1258", "latin-1", "utf-8-sig"]),
    ),
    st.builds(lambda b: ("csv", b), st.binary(max_size=300)),
)
ENCODINGS = st.sampled_from(["utf-8", "utf-16", "cp1258", "latin-1", "utf-8-sig"])
HISTORY_CELLS = st.lists(
    st.one_of(
        HOSTILE_CELLS.map(lambda cells: cells[0]),
        st.sampled_from(["01/02/1990", "2025-11-09", "Nữ", "350 ml", "²⁵⁰", "Đã hiến", "O+", "0912345678"]),
    ),
    min_size=3,
    max_size=len(HISTORY_HEADER),
)
HISTORY_FILES = st.one_of(
    FILES,
    st.builds(lambda cells, enc: ("csv", _text_sheet(cells, enc, HISTORY_HEADER)), HISTORY_CELLS, ENCODINGS),
    st.builds(lambda cells: ("xlsx", _workbook(cells, HISTORY_HEADER)), HISTORY_CELLS),
)
VIETNAMESE = set("àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ")


def _write(tmp_path: Path, kind: str, body: bytes) -> Path:
    path = tmp_path / f"hostile.{kind}"
    path.write_bytes(body)
    return path


def _refusal_says_something(error: Exception) -> None:
    problems = getattr(error, "problems", None) or getattr(error, "findings", None)
    text = str(error) if not problems else " ".join(str(p) for p in problems)
    assert text.strip(), type(error).__name__


@FAST
@given(file=FILES)
def test_the_demand_importer(tmp_path_factory, tree, file):
    path = _write(tmp_path_factory.mktemp("d"), *file)
    try:
        demand.import_file(path)
    except demand.DemandImportError as error:
        _refusal_says_something(error)
        assert not Need.objects.exists()


@FAST
@given(file=FILES)
def test_the_results_importer(tmp_path_factory, tree, file):
    path = _write(tmp_path_factory.mktemp("r"), *file)
    try:
        results.analyse(path, unit=tree.hung_yen)
    except results.ResultImportError as error:
        _refusal_says_something(error)
    assert not ResultImport.objects.exists()  # analyse stores nothing


@FAST
@given(file=FILES)
def test_the_honours_importer(tmp_path_factory, tree, file):
    path = _write(tmp_path_factory.mktemp("h"), *file)
    try:
        honours.import_past(path, tree.hung_yen)
    except honours.PastImportError as error:
        _refusal_says_something(error)
        assert not Honour.objects.exists()


@FAST
@given(file=FILES)
def test_the_units_importer(tmp_path_factory, tree, file):
    path = _write(tmp_path_factory.mktemp("u"), *file)
    before = Unit.objects.count()
    try:
        units.import_units_file(path)
    except units.UnitImportError as error:
        _refusal_says_something(error)
        assert Unit.objects.count() == before


@FAST
@given(file=HISTORY_FILES)
def test_the_donation_history_importer(tmp_path_factory, tree, file):
    path = _write(tmp_path_factory.mktemp("h"), *file)
    donors, donations = Donor.objects.count(), Donation.objects.count()
    try:
        result = history.import_history(path, tree.hung_yen)
    except history.HistoryImportError as error:
        _refusal_says_something(error)
        for finding in error.problems:  # each names its row and its column, in Vietnamese
            assert finding.line and finding.column, finding
            assert VIETNAMESE & set(finding.message.lower()), finding
        assert (Donor.objects.count(), Donation.objects.count()) == (donors, donations)
    else:  # formulas and HTML are kept as plain text
        assert Donation.objects.count() == donations + result.donations_created
