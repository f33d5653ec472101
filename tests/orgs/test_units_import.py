import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from hienmau.orgs.demo import DATA_DIR
from hienmau.orgs.importer import UnitImportError, import_units, import_units_file
from hienmau.orgs.lib.unit_rows import parse_rows
from hienmau.orgs.models import SuccessorLink, Unit, UnitKind

HEADER = "code,name,level,parent_code,valid_from,valid_until,successors\n"


def write(tmp_path: Path, text: str, name="units.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def nation(db, tmp_path_factory):
    import_units_file(write(tmp_path_factory.mktemp("nation"), HEADER + "VN,Việt Nam,Toàn quốc,,,,\n"))
    return Unit.objects.get(code="VN")


def test_shipped_unit_lists_load_34_current_provinces_and_are_idempotent(db):
    first = [import_units_file(DATA_DIR / name) for name in ("units_vn.csv", "units_seed_organisations.csv")]
    assert first[0].created > 100 and first[0].links_created == 36
    assert Unit.objects.current().filter(kind=UnitKind.PROVINCE).count() == 34
    counts = (Unit.objects.count(), SuccessorLink.objects.count(), Unit.history.count())
    again = [import_units_file(DATA_DIR / name) for name in ("units_vn.csv", "units_seed_organisations.csv")]
    assert all(r.created == r.updated == r.links_created == 0 for r in again)
    assert (Unit.objects.count(), SuccessorLink.objects.count(), Unit.history.count()) == counts


def test_reused_codes_are_told_apart_by_date(db):
    import_units_file(DATA_DIR / "units_vn.csv")
    kien_giang = Unit.objects.get(name="Kiên Giang", kind=UnitKind.PROVINCE)
    an_giang = Unit.objects.current().get(code="91")
    assert an_giang.name == "An Giang" and kien_giang.code == "91"
    assert kien_giang.valid_until == datetime.date(2025, 6, 12)
    assert Unit.objects.get(code="909").parent == kien_giang
    assert list(kien_giang.successor_links.values_list("successor__name", flat=True)) == ["An Giang"]


def test_official_list_names_with_prefix_and_vietnamese_headers(nation, tmp_path):
    text = "Mã,Tên,Cấp,Mã cấp trên\n66,Tỉnh Đắk Lắk,Tỉnh,VN\n643,Thành phố Buôn Ma Thuột,Thành phố,66\n"
    result = import_units_file(write(tmp_path, text))
    assert result.created == 2
    city = Unit.objects.get(code="643")
    assert (city.name, city.kind, city.category) == ("Buôn Ma Thuột", "district", "thanh_pho")
    assert city.full_name == "thành phố Buôn Ma Thuột"


def test_xlsx_with_a_title_row_above_the_header(nation, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["DANH MỤC ĐƠN VỊ HÀNH CHÍNH"])
    sheet.append(["Mã", "Tên", "Cấp", "Mã cấp trên", "Dân số"])
    sheet.append(["33", "Hưng Yên", "Tỉnh", "VN", 1_290_000])
    sheet.append(["329", "Ân Thi", "Huyện", "33", None])
    path = tmp_path / "dvhc.xlsx"
    book.save(path)
    import_units_file(path)
    assert Unit.objects.get(code="33").population == 1_290_000
    assert Unit.objects.get(code="329").parent.code == "33"


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ("33,Hưng Yên,Tỉnh,99,,,\n", "Dòng 2, cột Mã cấp trên: không có đơn vị nào mang mã 99"),
        ("33,Hưng Yên,Tỉnh,VN,,,\n33,Thái Bình,Tỉnh,VN,,,\n", "Dòng 3, cột Mã: trùng mã 33 với dòng 2"),
        ("33,Hưng Yên,Tỉnh,329,,,\n329,Ân Thi,Huyện,33,,,\n", "quan hệ cấp trên tạo thành vòng lặp"),
        ("33,Hưng Yên,Vùng,VN,,,\n", "Dòng 2, cột Cấp: không hiểu cấp “Vùng”"),
        ("33,,Tỉnh,VN,,,\n", "Dòng 2, cột Tên: thiếu tên đơn vị"),
        ("33,Hưng Yên,Tỉnh,VN,31/6/2024,,\n", "Dòng 2, cột Hiệu lực từ: “31/6/2024” không phải ngày có thật"),
        ("33,Hưng Yên,Xã,VN,,,\n", "cấp xã không thể trực thuộc đơn vị toàn quốc"),
        ("34,Thái Bình,Tỉnh,VN,,2025-06-12,33\n33,Hưng Yên,Tỉnh,VN,,2025-06-12,34\n", "vòng lặp kế thừa"),
    ],
)
def test_bad_rows_are_named_and_nothing_is_imported(nation, tmp_path, rows, expected):
    before = Unit.objects.count()
    with pytest.raises(UnitImportError) as caught:
        import_units_file(write(tmp_path, HEADER + rows))
    import re

    assert re.search(expected, str(caught.value)), str(caught.value)
    assert Unit.objects.count() == before


def test_one_bad_row_among_good_ones_saves_nothing(nation, tmp_path):
    text = HEADER + "33,Hưng Yên,Tỉnh,VN,,,\n329,Ân Thi,Huyện,33,,,\n,Vân Du,Xã,999,,,\n"
    with pytest.raises(UnitImportError, match="Dòng 4"):
        import_units_file(write(tmp_path, text))
    assert not Unit.objects.filter(code__in=["33", "329"]).exists()


def test_ambiguous_reused_code_asks_for_a_date(db, tmp_path):
    text = HEADER + (
        "VN,Việt Nam,Toàn quốc,,,,\n91,Kiên Giang,Tỉnh,VN,,2025-06-12,\n91,An Giang,Tỉnh,VN,2025-06-12,2026-01-01,\n"
        ",Trường X,Trường học,91,,,\n"
    )
    with pytest.raises(UnitImportError, match="ghi rõ ngày, ví dụ 91@2022-01-01"):
        import_units_file(write(tmp_path, text))


def test_reimport_with_a_rename_updates_the_same_unit_and_keeps_history(nation, tmp_path):
    import_units_file(write(tmp_path, HEADER + "46,Thừa Thiên Huế,Tỉnh,VN,,,\n"))
    unit = Unit.objects.get(code="46")
    result = import_units_file(write(tmp_path, HEADER + "46,Huế,Thành phố Trung ương,VN,,,\n"))
    assert result.updated == 1 and result.created == 0
    unit.refresh_from_db()
    assert unit.full_name == "thành phố Huế"
    assert [h.name for h in unit.history.order_by("history_date")] == ["Thừa Thiên Huế", "Huế"]


def test_command_reports_errors_and_exit_status(nation, tmp_path):
    err = StringIO()
    with pytest.raises(CommandError, match="Không nhập gì: 1 lỗi"):
        call_command("units", "import", str(write(tmp_path, HEADER + "33,Hưng Yên,Tỉnh,77,,,\n")), stderr=err)
    assert "Dòng 2" in err.getvalue()
    out = StringIO()
    call_command("units", "import", "--dry-run", str(write(tmp_path, HEADER + "33,Hưng Yên,Tỉnh,VN,,,\n")), stdout=out)
    assert "không lưu" in out.getvalue() and not Unit.objects.filter(code="33").exists()


def test_not_a_table_is_a_clear_error(db, tmp_path):
    path = tmp_path / "scan.xlsx"
    path.write_bytes(b"%PDF-1.4 not a workbook")
    with pytest.raises(UnitImportError, match="không phải tệp Excel .xlsx hợp lệ"):
        import_units_file(path)
    with pytest.raises(UnitImportError, match="không tìm thấy dòng tiêu đề"):
        import_units_file(write(tmp_path, "just some words\nnothing else\n"))


cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(cells, min_size=0, max_size=6), max_size=8))
def test_parse_rows_never_crashes_and_every_error_names_a_line(rows):
    parsed, errors = parse_rows([["code", "name", "level", "parent_code", "valid_from", "successors"], *rows])
    for error in errors:
        assert error.line >= 1 and error.message
    for row in parsed:
        assert row.name and row.kind


def test_import_units_accepts_parsed_rows_directly(nation):
    rows, errors = parse_rows([["Mã", "Tên", "Cấp", "Mã cấp trên"], ["48", "Đà Nẵng", "Thành phố", "VN"]])
    assert not errors
    import_units(rows)
    assert Unit.objects.get(code="48").kind == UnitKind.PROVINCE  # "Thành phố" directly under the nation
