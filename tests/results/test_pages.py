"""The achievement pages and the web import: scope, read-only roles, Vietnamese labels instead of codes,
and mapping an unknown unit in the preview."""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from hienmau.core.clock import frozen
from hienmau.results.models import ResultImport, UnitDayResult

from .conftest import write_tally

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2022, 10, 1)


@pytest.fixture
def imported(tmp_path, campaign):
    with frozen(TODAY):
        call_command("results", "import", str(write_tally(tmp_path)), stdout=StringIO())
    return campaign


def visible_text(response) -> str:
    return re.sub(r"<[^>]+>", " ", response.content.decode())


def test_the_province_officer_sees_target_and_result_per_unit_and_month(client_for, people, imported):
    with frozen(TODAY):
        response = client_for(people.province_officer).get(reverse("reports:plan_achievement", args=[imported.plan.pk]))
    assert response.status_code == 200
    text = visible_text(response)
    assert "104,3%" in text and "100 / 365" in text  # An Minh: May target 100, result 365
    assert "Chậm so với lịch" in text  # Rạch Giá: 120 against 350 due
    assert "ngoài thời gian kế hoạch" in text  # the 20/9 row
    assert "None" not in text and "outside_period" not in text


def test_someone_of_another_province_gets_404_and_a_leader_may_not_import(client_for, people, imported, tree):
    client = client_for(people.van_du_focal)
    assert client.get(reverse("reports:plan_achievement", args=[imported.plan.pk])).status_code == 404
    assert client.get(reverse("reports:unit_achievement", args=[tree.kien_giang.pk])).status_code == 404
    leader = client_for(people.province_leader)
    assert leader.get(reverse("reports:unit_achievement", args=[tree.kien_giang.pk]) + "?year=2022").status_code == 200
    assert leader.get(reverse("results:result_import")).status_code == 403


def test_the_unit_page_reads_a_merged_provinces_year_by_unit_and_by_month(client_for, people, imported, tree):
    client = client_for(people.province_officer)
    url = reverse("reports:unit_achievement", args=[tree.kien_giang.pk])
    with frozen(TODAY):
        by_unit = visible_text(client.get(url + "?year=2022&by=unit"))
        by_month = visible_text(client.get(url + "?year=2022&by=month"))
    assert "huyện An Minh" in by_unit and "720" in by_unit
    assert "Xem các chỉ số của thời gian đã chọn" in by_unit  # loaded after the page shows
    indicators = reverse("reports:unit_indicators", args=[tree.kien_giang.pk]) + "?year=2022"
    with frozen(TODAY):
        fragment = client.get(indicators, headers={"HX-Request": "true"}).content.decode()
        page = visible_text(client.get(indicators))
    assert "<html" not in fragment and "Bảng tổng hợp nhập từ tệp" in fragment
    assert "Tỉ lệ tạm hoãn" in page and "tỉnh Kiên Giang" in page and "None" not in page
    assert "Tháng 9" in by_month and "None" not in by_month


def test_the_unit_page_reads_any_months_of_the_year_with_their_share_of_the_target(client_for, people, imported, tree):
    from hienmau.reports import services

    june = services.unit_year(tree.kien_giang, 2022, "unit", period=(6, 6))
    rows = {row["unit"]: row for row in june.rows}
    assert (rows["Công an tỉnh"]["target"], rows["Công an tỉnh"]["result"]) == (325, 180)  # all of it in June
    assert (rows["huyện An Minh"]["target"], rows["huyện An Minh"]["result"]) == (100, 0)  # its May drive is outside
    month_rows = services.unit_year(tree.kien_giang, 2022, "month", period=(5, 6)).rows
    assert [row["month"] for row in month_rows] == [5, 6]
    url = reverse("reports:unit_achievement", args=[tree.kien_giang.pk])
    with frozen(TODAY):
        page = visible_text(client_for(people.province_officer).get(url + "?year=2022&from_month=8&to_month=5"))
    assert "tháng 5–8 năm 2022" in page and "chỉ tiêu các tháng đã chọn" in page and "None" not in page
    indicators = reverse("reports:unit_indicators", args=[tree.kien_giang.pk])
    with frozen(TODAY):
        june = client_for(people.province_officer).get(indicators + "?year=2022&from_month=6&to_month=6")
    assert "tháng 6–6 năm 2022" in visible_text(june)


def test_web_import_previews_in_vietnamese_and_saves_an_unknown_unit_once_mapped(
    client_for, people, campaign, tmp_path, tree
):
    client = client_for(people.province_officer)
    with frozen(TODAY), open(write_tally(tmp_path), "rb") as upload:
        preview = client.post(reverse("results:result_import"), {"file": upload})
    assert preview.status_code == 200
    text = visible_text(preview)
    assert "Không nhận ra đơn vị" in text and "Dòng trùng" in text
    assert not re.search(r"\b(unknown_unit|duplicate_row|invalid_date|outside_period)\b", text)
    token = re.search(r'name="token" value="([^"]+)"', preview.content.decode()).group(1)
    with frozen(TODAY):
        done = client.post(
            reverse("results:result_import"),
            {"token": token, "plan": campaign.plan.pk, "map:Huyện Không Có": tree.an_minh.pk},
        )
    assert done.status_code == 302
    assert UnitDayResult.objects.filter(unit=tree.an_minh, day=datetime.date(2022, 7, 20), collected=40).exists()
    assert [row["line"] for row in ResultImport.objects.get().pending_rows] == [13, 15]


def test_a_large_tally_is_saved_by_the_worker_with_the_same_mapping_and_rows_kept(
    client_for, people, campaign, tmp_path, tree, settings
):
    from hienmau.jobs.models import Job, JobState

    settings.HIENMAU_BACKGROUND_IMPORT_BYTES = 0  # every file counts as large
    client = client_for(people.province_officer)
    with frozen(TODAY), open(write_tally(tmp_path), "rb") as upload:
        preview = client.post(reverse("results:result_import"), {"file": upload})
    token = re.search(r'name="token" value="([^"]+)"', preview.content.decode()).group(1)
    with frozen(TODAY):
        done = client.post(
            reverse("results:result_import"),
            {"token": token, "plan": campaign.plan.pk, "map:Huyện Không Có": tree.an_minh.pk},
        )
        job = Job.objects.get()
        page = visible_text(client.get(done["Location"]))
    assert done["Location"] == reverse("jobs:job_detail", args=[job.pk]) and job.state == JobState.DONE
    assert UnitDayResult.objects.filter(unit=tree.an_minh, day=datetime.date(2022, 7, 20), collected=40).exists()
    assert [row["line"] for row in ResultImport.objects.get().pending_rows] == [13, 15]
    assert "Đã lưu kết quả từ tệp" in page and "2 dòng chưa lưu được" in page and "Xem kết quả" in page
    assert job.result_url == reverse("reports:plan_achievement", args=[campaign.plan.pk])


def test_mapping_to_a_unit_outside_the_scope_is_refused(client_for, people, campaign, tmp_path, tree):
    client = client_for(people.province_officer)
    with frozen(TODAY), open(write_tally(tmp_path), "rb") as upload:
        preview = client.post(reverse("results:result_import"), {"file": upload})
    token = re.search(r'name="token" value="([^"]+)"', preview.content.decode()).group(1)
    with frozen(TODAY):
        response = client.post(reverse("results:result_import"), {"token": token, "map:Huyện Không Có": tree.van_du.pk})
    assert response.status_code == 404
    assert not UnitDayResult.objects.exists()


def test_the_comparison_table_exports_last_year_and_this_years_plan_and_schedule(client_for, people, imported, tree):
    from openpyxl import load_workbook

    from hienmau.results.lib.rules import Counts
    from hienmau.results.services import set_tally_entry

    set_tally_entry(tree.an_minh.pk, datetime.date(2021, 6, 1), Counts(collected=300, v350=300))
    imported.plan.allocations.filter(unit=imported.police).update(prior_plan=300, prior_actual=310, prior_percent=103)
    with frozen(TODAY):
        response = client_for(people.province_officer).get(
            reverse("reports:plan_comparison", args=[imported.plan.pk, "xlsx"])
        )
    assert response.status_code == 200
    sheet = load_workbook(__import__("io").BytesIO(response.content)).active
    rows = {row[1]: row for row in sheet.iter_rows(min_row=9, values_only=True) if row[1]}
    assert rows["huyện An Minh"][2:] == (None, 300, None, 350, 100, 100, 100, 50, 365, 104.3)
    assert rows["Công an tỉnh"][2:6] == (300, 310, 103, 325)
    assert rows["Tổng cộng"][-2:] == (665, 64.9)
    assert sheet.page_setup.orientation == "landscape"
    with frozen(TODAY):
        pdf = client_for(people.province_officer).get(
            reverse("reports:plan_comparison", args=[imported.plan.pk, "pdf"])
        )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    leader_of_commune = client_for(people.van_du_focal)
    assert leader_of_commune.get(reverse("reports:plan_comparison", args=[imported.plan.pk, "xlsx"])).status_code == 404


def test_the_comparison_table_in_word_follows_decree_30_and_holds_the_same_figures(client_for, people, imported):
    from docx import Document
    from docx.shared import Mm

    imported.plan.allocations.filter(unit=imported.police).update(prior_plan=300, prior_actual=310, prior_percent=103)
    with frozen(TODAY):
        response = client_for(people.province_officer).get(
            reverse("reports:plan_comparison", args=[imported.plan.pk, "docx"])
        )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.docx"')
    document = Document(__import__("io").BytesIO(response.content))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    assert round(section.left_margin.mm) == 30 and round(section.right_margin.mm) == 15
    head, table = document.tables
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in head.cell(0, 1).text
    assert (
        "BAN CHỈ ĐẠO VẬN ĐỘNG" in head.cell(0, 0).text
        and "TỈNH KIÊN GIANG" in head.cell(0, 0).text
        and "01/10/2022" not in head.cell(1, 1).text
    )
    assert "ngày 01 tháng 10 năm 2022" in head.cell(1, 1).text
    assert "Kèm theo Kế hoạch số 66/KH-BCĐ" in "\n".join(p.text for p in document.paragraphs)
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells[0][2] == "Năm 2021" and cells[1][6:10] == ["Tháng 5", "Tháng 6", "Tháng 7", "Tháng 8"]
    rows = {row[1]: row for row in cells[2:]}
    assert rows["huyện An Minh"][5:] == ["350", "100", "100", "100", "50", "365", "104,3"]
    assert rows["Công an tỉnh"][2:6] == ["300", "310", "103,0", "325"]
    assert rows["Tổng cộng"][-2:] == ["665", "64,9"]
    assert all(run.font.size is None or run.font.size <= Mm(5) for p in document.paragraphs for run in p.runs)


def test_a_long_schedule_is_written_as_text_as_the_seed_002_annex_does():
    from hienmau.reports.exports import schedule_text

    labels = [f"Tháng {m}" for m in range(1, 13)]
    values = [None, None, None, 400, None, None, 400, None, None, None, None, 1532]
    assert schedule_text(labels, values) == "Tháng 4 (400 đv); tháng 7 (400 đv); tháng 12 (1.532 đv)"
    assert schedule_text(labels, [None] * 12) == ""


def test_the_dashboard_opens_on_the_latest_year_in_the_units_boundaries_of_that_year(client_for, people, imported):
    with frozen(TODAY):
        page = visible_text(client_for(people.province_officer).get(reverse("reports:overview")))
        other = visible_text(client_for(people.van_du_focal).get(reverse("reports:overview")))
    assert "tỉnh Kiên Giang" in page and "2022" in page  # today's An Giang stood for Kiên Giang in 2022
    assert "Đơn vị chậm tiến độ" in page and "huyện An Minh" in page and "None" not in page
    assert "Bản đồ ô tỉ lệ đạt" in page and "104,3%" in page  # An Minh's tile
    assert "Kiên Giang" not in other and "66/KH-BCĐ" not in other


def test_rows_kept_aside_are_listed_with_their_import_for_the_scope_only(client_for, people, imported):
    record = ResultImport.objects.get()
    page = visible_text(client_for(people.province_officer).get(reverse("results:import_detail", args=[record.pk])))
    assert "Huyện Không Có" in page and "Không nhận ra đơn vị" in page and "unknown_unit" not in page
    listing = visible_text(client_for(people.province_officer).get(reverse("results:import_list")))
    assert "ket-qua-tiep-nhan.xlsx" in listing
    outsider = client_for(people.van_du_focal)
    assert outsider.get(reverse("results:import_detail", args=[record.pk])).status_code == 404
    assert "ket-qua-tiep-nhan" not in visible_text(outsider.get(reverse("results:import_list")))
