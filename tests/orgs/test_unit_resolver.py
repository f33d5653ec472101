"""The one resolver every importer reads unit names through (orgs.place_resolver.UnitResolver): a name is
read as it was on the document's (or row's) date, an old name becomes the unit covering it that day with
a note citing the link, a split or unknown name is never guessed."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hienmau.core.clock import frozen
from hienmau.orgs.models import SuccessorLink, UnitCategory, UnitKind
from hienmau.orgs.place_resolver import UnitResolver
from hienmau.plans.importer import analyse_pasted
from hienmau.results.importer import analyse as analyse_tally
from hienmau.results.tally_files import TallyLine, tally_csv
from tests.conftest import DISTRICTS_END, territorial

BEFORE = datetime.date(2024, 5, 1)
AFTER = datetime.date(2026, 3, 1)
BASIS = "Nghị quyết số 1666/NQ-UBTVQH15 ngày 16/06/2025"


@pytest.fixture
def reform(tree):
    """Vân Du merged into today's Xuân Trúc; Phù Ứng split between two communes."""
    xuan_truc = territorial(
        "Xuân Trúc", UnitKind.COMMUNE, UnitCategory.RURAL_COMMUNE, tree.hung_yen, "12162", valid_from=DISTRICTS_END
    )
    east = territorial("Nam Phù", UnitKind.COMMUNE, UnitCategory.WARD, tree.hung_yen, "12170", valid_from=DISTRICTS_END)
    west = territorial("Bãi Sậy", UnitKind.COMMUNE, UnitCategory.RURAL_COMMUNE, tree.hung_yen, valid_from=DISTRICTS_END)
    SuccessorLink.objects.create(
        predecessor=tree.van_du, successor=xuan_truc, effective_date=DISTRICTS_END, legal_basis=BASIS
    )
    for half in (east, west):
        SuccessorLink.objects.create(predecessor=tree.phu_ung, successor=half, share=Decimal("0.5"))
    return xuan_truc, east, west


def test_a_name_is_the_unit_valid_on_the_documents_date(tree, reform):
    resolver = UnitResolver(tree.hung_yen, BEFORE)
    found = resolver.resolve("xã Vân Du")
    assert (found.unit_id, found.former, found.note) == (tree.van_du.pk, None, "")


def test_an_old_name_after_the_reform_is_its_successor_with_a_note_citing_the_resolution(tree, reform):
    xuan_truc, _east, _west = reform
    found = UnitResolver(tree.hung_yen, AFTER).resolve("BCĐ. Xã Vân Du ")
    assert found.unit_id == xuan_truc.pk and found.former == tree.van_du
    assert "xã Vân Du (huyện Ân Thi) trước đây, không còn từ ngày 01/07/2025" in found.note
    assert "xã Xuân Trúc theo nghị quyết số 1666/NQ-UBTVQH15" in found.note


def test_a_split_commune_is_not_guessed_its_successors_are_offered(tree, reform):
    _xuan_truc, east, west = reform
    found = UnitResolver(tree.hung_yen, AFTER).resolve("Phù Ứng")
    assert found.unit_id is None and found.ambiguous and found.former == tree.phu_ung
    assert set(found.suggestions) == {east.full_name, west.full_name}
    assert "nay thuộc 2 đơn vị" in found.problem


def test_units_outside_the_reach_are_not_found(tree, reform):
    # Kiên Giang's reach (today's An Giang holds it) does not hold Hưng Yên's communes.
    found = UnitResolver(tree.an_giang, AFTER).resolve("xã Vân Du")
    assert found.unit_id is None and not found.former
    assert "không khớp" in found.problem


def test_a_province_reaches_the_units_of_the_province_merged_into_it(tree):
    found = UnitResolver(tree.an_giang, datetime.date(2024, 1, 1)).resolve("H. An Minh")
    assert found.unit_id == tree.an_minh.pk


def test_an_address_is_placed_in_todays_commune_and_a_village_is_skipped(tree, reform):
    xuan_truc, _east, _west = reform
    resolver = UnitResolver(tree.hung_yen, AFTER, territorial=True)
    found = resolver.resolve_address("thôn Đào Xá, xã Vân Du, huyện Ân Thi, tỉnh Hưng Yên")
    assert found.unit_id == xuan_truc.pk and found.former == tree.van_du
    # Only a district or a province: no commune to place the person in.
    assert resolver.resolve_address("huyện Ân Thi, Hưng Yên").unit_id is None
    assert resolver.resolve_address("").unit_id is None


PREFIXES = st.sampled_from(["", "xã ", "Xã ", "X. ", "BCĐ. xã ", "Ban Chỉ đạo xã ", "XÃ "])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prefix=PREFIXES, spaces=st.sampled_from([" ", "  ", "\t"]), accents=st.booleans(), upper=st.booleans())
def test_any_written_form_of_an_old_name_reaches_the_same_successor(tree, reform, prefix, spaces, accents, upper):
    name = "Vân Du" if accents else "Van Du"
    written = (prefix + name).replace(" ", spaces)
    written = written.upper() if upper else written
    found = UnitResolver(tree.hung_yen, AFTER).resolve(written)
    assert found.unit_id == reform[0].pk and found.former == tree.van_du


PLAN = "UBND TỈNH HƯNG YÊN\nHưng Yên, ngày {date}\nPhụ lục\nSTT\tĐơn vị\tTổng\n1\tXã Vân Du\t120\n2\tXã Xuân Trúc\t80\n\tTổng cộng\t200\n"


def test_a_plan_of_2026_naming_an_old_commune_counts_it_for_its_successor_with_a_finding(tree, reform):
    xuan_truc, _east, _west = reform
    analysis = analyse_pasted(PLAN.format(date="10 tháng 01 năm 2026"), tree.hung_yen)
    assert [analysis.unit_ids[i] for i in (0, 1)] == [xuan_truc.pk, xuan_truc.pk]
    [finding] = [f for f in analysis.appendix.findings if f.code == "former_unit"]
    assert finding.unit == "Xã Vân Du" and "xã Xuân Trúc" in finding.message


def test_a_plan_of_2024_keeps_the_commune_as_it_was(tree, reform):
    analysis = analyse_pasted(PLAN.format(date="10 tháng 01 năm 2024"), tree.hung_yen)
    assert analysis.unit_ids[0] == tree.van_du.pk
    assert not [f for f in analysis.appendix.findings if f.code == "former_unit"]
    # Xuân Trúc (formed in 2025) in a 2024 plan: found only as the unit it came from, said so.
    assert analysis.unit_ids[1] is None
    [finding] = [f for f in analysis.appendix.findings if f.unit == "Xã Xuân Trúc"]
    assert finding.code == "unknown_unit" and "chỉ có từ ngày 01/07/2025, sau ngày 10/01/2024" in finding.message


def test_a_tally_row_is_read_on_its_own_date(tmp_path, tree, reform):
    xuan_truc, east, west = reform
    lines = [
        TallyLine("Xã Vân Du", datetime.date(2024, 5, 8), 50, 40, 0, 40, 0),
        TallyLine("Xã Vân Du", datetime.date(2026, 2, 8), 60, 50, 0, 50, 0),
        TallyLine("Xã Phù Ứng", datetime.date(2026, 2, 9), 30, 20, 0, 20, 0),
    ]
    path = tmp_path / "tally.csv"
    path.write_bytes(tally_csv(lines, facility="Bệnh viện", plan_line="", period=""))
    with frozen(AFTER):
        analysis = analyse_tally(path, unit=tree.hung_yen)
    first, second, third = analysis.tally.rows
    assert analysis.row_unit_id(first) == tree.van_du.pk
    assert analysis.row_unit_id(second) == xuan_truc.pk
    assert analysis.row_unit_id(third) is None
    codes = {(f.code, f.line) for f in analysis.findings}
    assert ("former_unit", second.line) in codes and ("unknown_unit", third.line) in codes
    assert set(analysis.suggestions[third.line]) == {east.full_name, west.full_name}
