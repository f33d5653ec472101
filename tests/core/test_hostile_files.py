"""Hostile files against every file importer: broken zip and XML, random bytes under a sheet's name, wrong
encodings, huge cells, formulas and HTML. Each importer either reads the file (formulas and HTML as plain
text) or refuses it with its own error carrying a message; nothing crashes, and a refused file stores
nothing."""

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hienmau.demand import importer as demand
from hienmau.demand.models import Need
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


def _text_sheet(cells: list[str], encoding: str) -> bytes:
    header = "Cơ sở tiếp nhận,Tháng,Số đơn vị máu,Họ và tên,Mã,Tên,Cấp\n"
    line = ",".join(f'"{cell}"' for cell in cells)
    return (header + line + "\n").encode(encoding, errors="replace")


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
