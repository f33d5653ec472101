"""`hienmau plan draft`: the contract's keys, last year's figures as `report achievement` counts them,
exact totals, the reform's successors, what is stored and what is refused."""

import datetime
import io
import json
import shutil
import subprocess
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from docx.enum.section import WD_ORIENT

from hienmau.core.clock import frozen
from hienmau.orgs.models import Unit, UnitCategory, UnitKind
from hienmau.orgs.services import link_successor
from hienmau.plans.exports import appendix_docx, appendix_pdf
from hienmau.plans.models import Allocation, ImportFinding, Plan, PlanStatus
from hienmau.results.lib.rules import Counts
from hienmau.results.services import set_tally_entry
from tests.conftest import DISTRICTS_END
from tests.plans.conftest import make_plan
from tests.results.conftest import campaign, write_tally  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

ROW_KEYS = {"unit", "code", "kind", "last_target", "last_result", "last_percent", "proposed", "parts"}


def draft(*args, today=datetime.date(2022, 12, 1)) -> dict:
    out = StringIO()
    with frozen(today):
        call_command("plan", "draft", *map(str, args), "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert set(result) == {"plan", "rows", "totals", "findings"}
    assert set(result["plan"]) == {"number", "year", "total", "status"}
    assert set(result["totals"]) == {"last_target", "last_result", "proposed"}
    for row in result["rows"]:
        assert set(row) == ROW_KEYS
        assert row["parts"] is None or sum(row["parts"].values()) == row["proposed"]
    for item in result["findings"]:
        assert set(item) == {"code", "unit", "message"} and item["message"]
    assert result["totals"]["proposed"] == result["plan"]["total"] == sum(r["proposed"] for r in result["rows"])
    return result


@pytest.fixture
def imported(tmp_path, campaign):  # noqa: F811 (the fixture imported above)
    with frozen(datetime.date(2022, 10, 1)):
        call_command("results", "import", str(write_tally(tmp_path)), stdout=StringIO())
    return campaign


def test_seed_000_with_its_tally_drafts_the_2023_campaign(imported):
    result = draft("--from", "66/KH-BCĐ", "--year", 2023, "--total", 1100, "--dry-run")
    assert result["plan"] == {"number": None, "year": 2023, "total": 1100, "status": "draft"}
    rows = {r["unit"]: r for r in result["rows"]}
    # Last year's figures are what `report achievement --plan 66` counts: 365, 120 (20/9 is outside), 180.
    assert [(r["unit"], r["last_target"], r["last_result"], r["last_percent"]) for r in result["rows"]] == [
        ("huyện An Minh", 350, 365, 104.3),
        ("thành phố Rạch Giá", 350, 120, 34.3),
        ("Công an tỉnh", 325, 180, 55.4),
    ]
    assert rows["huyện An Minh"]["code"] == "909" and rows["huyện An Minh"]["kind"] == "district"
    assert rows["Công an tỉnh"]["kind"] == "organisation"
    # actual: weights 365 : 120 : 180 of 1.100 → 603,8 / 198,5 / 297,7 → 600 / 195 / 295, the 10 left in
    # steps of 5 by largest remainder (3,8 and 3,5).
    assert [r["proposed"] for r in result["rows"]] == [605, 200, 295]
    assert result["totals"] == {"last_target": 1025, "last_result": 665, "proposed": 1100}
    # Each unit's months in the proportions of its own row last year.
    assert rows["Công an tỉnh"]["parts"] == {"Tháng 5": 0, "Tháng 6": 295, "Tháng 7": 0, "Tháng 8": 0}
    assert rows["huyện An Minh"]["parts"] == {"Tháng 5": 173, "Tháng 6": 173, "Tháng 7": 173, "Tháng 8": 86}
    assert [f["code"] for f in result["findings"]] == ["source_not_issued"]


def test_methods_step_and_a_total_off_the_step(imported):
    by_plan = draft("--from", "66", "--year", 2023, "--total", 1003, "--method", "plan", "--round", 10, "--dry-run")
    assert [r["proposed"] for r in by_plan["rows"]] == [343, 340, 320]  # 342,5 / 342,5 / 318: the 3 to the largest
    blend = draft(
        "--from",
        "66",
        "--year",
        2023,
        "--total",
        1000,
        "--method",
        "blend",
        "--weights",
        "actual=1,plan=1",
        "--dry-run",
    )
    assert sum(r["proposed"] for r in blend["rows"]) == 1000


def test_a_unit_with_no_result_keeps_its_share_of_last_years_plan(imported):
    Allocation.objects.filter(unit=imported.police).update(unit=imported.hospital, unit_name="Bệnh viện Đa khoa tỉnh")
    result = draft("--from", "66", "--year", 2023, "--total", 1025, "--round", 1, "--dry-run")
    hospital = next(r for r in result["rows"] if r["unit"] == "Bệnh viện Đa khoa tỉnh")
    assert hospital["last_result"] == 0 and hospital["proposed"] == round(1025 * 325 / (365 + 120 + 325))
    assert [f["unit"] for f in result["findings"] if f["code"] == "no_result_kept_target"] == ["Bệnh viện Đa khoa tỉnh"]


def test_dry_run_stores_nothing_and_a_saved_draft_is_a_plan_in_draft_linked_to_its_source(imported):
    before = Plan.objects.count()
    draft("--from", "66", "--year", 2023, "--total", 1100, "--dry-run")
    assert Plan.objects.count() == before
    imported.plan.status = PlanStatus.ISSUED
    imported.plan.save()
    result = draft("--from", "66", "--year", 2023, "--total", 1100)
    assert "source_not_issued" not in [f["code"] for f in result["findings"]]
    plan = Plan.objects.get(previous_plan=imported.plan)
    assert plan.status == PlanStatus.DRAFT and plan.number == "" and plan.issuing_unit == imported.plan.issuing_unit
    assert plan.title == "Chiến dịch những giọt máu hồng - hè năm 2023"
    assert plan.allocated_total() == 1100 and plan.target_value() == 1100
    first = plan.allocations.order_by("position").first()
    assert (first.unit, first.total, first.prior_plan, first.prior_actual, first.prior_percent) == (
        imported.plan.allocations.get(position=0).unit,
        605,
        350,
        365,
        104,
    )
    assert sorted(b.key for b in plan.buckets.all()) == ["month:5", "month:6", "month:7", "month:8"]
    assert sum(c.value for c in first.cells.all()) == 605
    assert ImportFinding.objects.filter(plan=plan, code="draft_review").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "999", "--year", 2023, "--total", 100), "Không xác định được kế hoạch số “999”"),
        (("--from", "66", "--year", 2023, "--total", 0), "từ 1 trở lên"),
        (("--from", "66", "--year", 2023, "--total", -5), "từ 1 trở lên"),
        (("--from", "66", "--year", 2022, "--total", 100), "phải sau năm của kế hoạch gốc"),
        (("--from", "66", "--year", 2023, "--total", 100, "--method", "blend"), "--weights"),
        (("--from", "66", "--year", 2023, "--total", 100, "--method", "blend", "--weights", "x=1"), "không hợp lệ"),
        (("--from", "66", "--year", 2023, "--total", 100, "--round", 0), "Bước làm tròn"),
    ],
)
def test_refusals_say_why_and_store_nothing(imported, args, message):
    before = Plan.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("plan", "draft", *map(str, args), "--json", stdout=StringIO())
    assert Plan.objects.count() == before


def test_a_2024_district_plan_drafted_for_2026_has_only_units_that_exist_and_keeps_its_total(district_plan, tree):
    """Vân Du and Phù Ứng merged into a new commune on 1/7/2025; Ân Thi district was abolished; the
    school stays. A commune split across two new ones by population."""
    new_commune = Unit.objects.create(
        name="Xuân Trúc", kind=UnitKind.COMMUNE, category=UnitCategory.RURAL_COMMUNE, parent=tree.hung_yen,
        code="12166", valid_from=DISTRICTS_END, population=30_000,
    )  # fmt: skip
    other = Unit.objects.create(
        name="Phạm Ngũ Lão", kind=UnitKind.COMMUNE, category=UnitCategory.RURAL_COMMUNE, parent=tree.hung_yen,
        code="12148", valid_from=DISTRICTS_END, population=10_000,
    )  # fmt: skip
    link_successor(tree.van_du, new_commune)
    link_successor(tree.phu_ung, new_commune)
    split = Unit.objects.create(
        name="Bãi Sậy", kind=UnitKind.COMMUNE, category=UnitCategory.RURAL_COMMUNE, parent=tree.an_thi,
        valid_until=DISTRICTS_END,
    )  # fmt: skip
    link_successor(split, new_commune)
    link_successor(split, other)
    Allocation.objects.create(plan=district_plan, unit=split, unit_name="Bãi Sậy", total=40, position=9)
    set_tally_entry(tree.van_du.pk, datetime.date(2024, 3, 2), Counts(collected=60, v350=60))
    set_tally_entry(tree.phu_ung.pk, datetime.date(2024, 4, 2), Counts(collected=30, v350=30))
    result = draft("--from", "14", "--year", 2026, "--total", 300, today=datetime.date(2025, 11, 1))
    names = [r["unit"] for r in result["rows"]]
    assert names == ["xã Xuân Trúc", "Trường THPT Ân Thi", "xã Phạm Ngũ Lão"]
    gone = {tree.van_du.pk, tree.phu_ung.pk, split.pk, tree.an_thi.pk}
    merged = result["rows"][0]
    # Vân Du 54 + Phù Ứng 61 + ¾ of Bãi Sậy's 40 (by population); results 60 + 30.
    assert (merged["last_target"], merged["last_result"], merged["code"], merged["kind"]) == (
        145,
        90,
        "12166",
        "commune",
    )
    assert result["rows"][2]["last_target"] == 10
    assert result["totals"]["proposed"] == 300 and result["totals"]["last_target"] == 54 + 61 + 60 + 40
    codes = [f["code"] for f in result["findings"]]
    assert "split_across_successors" in codes and "merged_into_successor" in codes and "issuer_replaced" in codes
    saved = Plan.objects.get(previous_plan=district_plan)
    assert saved.issuing_unit == tree.hung_yen
    assert not saved.allocations.filter(unit_id__in=gone).exists()
    assert saved.allocated_total() == 300
    # Rounds move to the new year; the school had no first round and keeps its own pattern.
    school = next(r for r in result["rows"] if r["unit"] == "Trường THPT Ân Thi")
    assert school["parts"]["Đợt I"] == 0 and sum(school["parts"].values()) == school["proposed"]


def test_a_district_row_is_split_across_the_communes_that_took_its_area(tree):
    new_a = Unit.objects.create(
        name="Ân Thi", kind=UnitKind.COMMUNE, category=UnitCategory.RURAL_COMMUNE, parent=tree.hung_yen,
        valid_from=DISTRICTS_END,
    )  # fmt: skip
    new_b = Unit.objects.create(
        name="Xuân Trúc", kind=UnitKind.COMMUNE, category=UnitCategory.RURAL_COMMUNE, parent=tree.hung_yen,
        valid_from=DISTRICTS_END,
    )  # fmt: skip
    link_successor(tree.van_du, new_a)
    link_successor(tree.phu_ung, new_b)
    make_plan(tree.hung_yen, "20", [(tree.an_thi, 500, [250, 250])], date=datetime.date(2024, 2, 1))
    result = draft("--from", "20", "--year", 2026, "--total", 600, "--dry-run", today=datetime.date(2025, 11, 1))
    assert [(r["unit"], r["last_target"], r["proposed"]) for r in result["rows"]] == [
        ("xã Ân Thi", 250, 300),
        ("xã Xuân Trúc", 250, 300),
    ]
    split = [f for f in result["findings"] if f["code"] == "split_across_successors"]
    assert split and split[0]["unit"] == "huyện Ân Thi" and "xã Ân Thi, xã Xuân Trúc" in split[0]["message"]


def test_the_drafts_document_is_its_text_then_the_comparison_annex(imported):
    imported.plan.implements_text = "Hướng dẫn số 10/HD-BCĐQG ngày 24/02/2022"
    imported.plan.save()
    draft("--from", "66", "--year", 2023, "--total", 1100)
    plan = Plan.objects.get(previous_plan=imported.plan)
    document = Document(io.BytesIO(appendix_docx(plan)))
    assert [s.orientation for s in document.sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE]
    words = "\n".join(p.text for p in document.paragraphs)
    assert "KẾ HOẠCH" in words and "Chiến dịch những giọt máu hồng - hè năm 2023" in words
    assert "Vận động và tiếp nhận tối thiểu 1.100 đơn vị máu" in words
    assert "năm 2022: kế hoạch 1.025, thực hiện 665 đơn vị máu, đạt 64,9 %" in words
    assert "Căn cứ Hướng dẫn số 10/HD-BCĐQG ngày 24/02/2022 (*)" in words and "DỰ THẢO" in words
    head = document.tables[0]
    assert head.cell(1, 1).text == "Kiên Giang, ngày … tháng … năm 2023"
    annex = document.tables[-1]
    header = [cell.text for cell in annex.rows[0].cells]
    assert "Năm 2022" in header and "Kế hoạch năm 2023" in header
    content = appendix_pdf(plan)
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()
    assert "KẾ HOẠCH" in text and "PHỤ LỤC" in text and "Kế hoạch" in text and "104" in text
    # A plan not drafted from another keeps its appendix alone.
    plain = Document(io.BytesIO(appendix_docx(imported.plan)))
    assert "DỰ THẢO" not in "\n".join(p.text for p in plain.paragraphs)
