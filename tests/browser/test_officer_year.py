"""Seed 000 in a real browser: the provincial officer's year with Kiên Giang's 2022 summer campaign
(plan 66/KH-BCĐ, units to report "trước ngày 10/9/2022"), now An Giang's since the 2025 merger.

The plan is issued and then refuses an edit with the reason; An Minh district sends its report, the
office returns it with a comment, the district corrects and resends, the office approves it and the
figures lock; the consolidated report is downloaded as Word and PDF and read back; the calendar jumps to
July 2021; the provincial hospital's staff find the drives it collects. Any console error fails the test.
Screenshots go to test-artifacts/officer-year/.
"""

import datetime
import io
import re
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone
from docx import Document

from hienmau.core.clock import frozen
from hienmau.orgs.demo import load_demo as load_units_and_accounts
from hienmau.orgs.models import Unit
from hienmau.plans.demo import DATA_DIR, SOURCE_NAMES
from hienmau.plans.importer import analyse_file, save_plan
from hienmau.plans.models import Plan, PlanStatus
from hienmau.reports.models import ReportStatus, UnitReport
from hienmau.results import demo as results_demo
from tests.browser.conftest import ARTIFACTS
from tests.factories import member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "officer-year"
SEED_000 = "seed-000-kien-giang-66-KH-BCD-2022.txt"
OFFICE = "vp.angiang"  # the provincial standing office (An Giang, which Kiên Giang joined)
DEMO_PASSWORD = "hienmau-demo"
DISTRICT = "ctd.anminh"  # An Minh district's officer (made here; the demo has no district account there)
FACILITY = "bv.kiengiang"  # staff of the provincial hospital that collects the campaign's drives
# The hospital's tally (results/demo.py) for An Minh's day of 8/5/2022: 430 registered, 30 + 290 + 45 units.
AN_MINH_COLLECTED, AN_MINH_REGISTERED = 365, 430


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


def export_through_the_worker(page, link_name):
    """A plan of many units is reported by the background worker: the link opens the job's page, whose
    button downloads the file (the suite's task backend runs the job within the request)."""
    page.get_by_role("link", name=link_name).click()
    page.wait_for_url(re.compile(r"/jobs/\d+/$"))
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^Tải về ")).click()
    return download.value


@pytest.fixture
def console_errors(page):
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture
def shot(page):
    (ARTIFACTS / SHOTS).mkdir(parents=True, exist_ok=True)

    def take(name: str) -> None:
        page.screenshot(path=str(ARTIFACTS / SHOTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def seed_000(db) -> Plan:
    """The units and demo accounts, seed 000's appendix imported as the office would (a draft), and the
    provincial hospital's tally of the campaign (four drives with their results)."""
    load_units_and_accounts()
    plan, _changed = save_plan(analyse_file(DATA_DIR / SEED_000), source_name=SOURCE_NAMES[SEED_000])
    results_demo.load_demo()
    officer = member(DISTRICT, Unit.objects.get(name="An Minh", kind="district", parent=plan.issuing_unit))
    officer.first_name = "Danh Thị Mỹ"  # Vietnamese names are kept whole, family name first
    officer.save()
    assert plan.status == PlanStatus.DRAFT and plan.report_deadline == datetime.date(2022, 9, 10)
    return plan


def visible_text(page) -> str:
    return page.locator("main").inner_text() if page.locator("main").count() else page.inner_text("body")


def assert_no_developer_text(page) -> None:
    text = visible_text(page)
    for word in ("None", "Traceback", "month:", "round:"):
        assert word not in text, (word, page.url)


def refused_and_logged(errors: list[str], status: int) -> None:
    """The browser logs a refused request (403, 409) as a failed resource; the refusals this test provokes
    are dropped here, once checked, so that any other console error still fails the test."""
    assert errors and all(f"status of {status}" in error for error in errors), errors
    errors.clear()


def logout(page, base: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")


def test_the_officers_year_on_seed_000(live_server, seed_000, page, login, shot, console_errors, tmp_path):
    base, plan = live_server.url, seed_000
    an_minh = Unit.objects.get(name="An Minh", kind="district", parent=plan.issuing_unit)
    report_url = f"{base}/reports/plans/{plan.pk}/units/{an_minh.pk}/report/"

    # ------------------------------------------------------------------ 1. the plan is issued, then locked
    with frozen(at(datetime.date(2022, 4, 5))):
        login(OFFICE, DEMO_PASSWORD)
        page.goto(f"{base}/plans/{plan.pk}/")
        page.get_by_role("link", name="Ban hành kế hoạch").click()
        page.wait_for_url(f"{base}/plans/{plan.pk}/issue/")
        assert page.input_value("#id_number") == "66/KH-BCĐ"
        page.fill("#id_date", "05/04/2022")
        page.fill("#id_signer", "Lâm Minh Thành — Phó Chủ tịch UBND tỉnh, Trưởng Ban Chỉ đạo")
        shot("01-issue")
        assert_no_developer_text(page)
        page.get_by_role("button", name="Xác nhận ban hành").click()
        page.wait_for_url(f"{base}/plans/{plan.pk}/")
        assert "Đã ban hành kế hoạch" in page.inner_text("body")
        notice = page.locator("p.notice", has_text="đã ban hành").inner_text()
        assert "Điều chỉnh kế hoạch" in notice, notice
        assert page.get_by_role("link", name="Sửa bảng phân bổ").count() == 0
        shot("02-plan-issued")
        assert_no_developer_text(page)
        assert "Nhập từ: 66-KH-BCD-2022-chien-dich-he.txt" in page.inner_text("main")  # not the seed's name
        plan.refresh_from_db()
        assert plan.status == PlanStatus.ISSUED and plan.signer.startswith("Lâm Minh Thành")
        # An edit after issue (a bookmarked grid, a cell sent by an open tab) is refused with the reason.
        assert console_errors == []
        response = page.goto(f"{base}/plans/{plan.pk}/grid/")
        assert response is not None and response.status == 403
        refusal = page.inner_text("main")
        assert "Kế hoạch 66/KH-BCĐ đã ban hành ngày 05/04/2022 nên chỉ xem được" in refusal, refusal
        shot("03-edit-refused")
        cell = page.evaluate(
            """async (url) => {
                const csrf = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
                const r = await fetch(url, {method: "POST", headers: {"X-CSRFToken": csrf},
                                            body: new URLSearchParams({allocation: "1", bucket: "total", value: "9"})});
                return {status: r.status, text: await r.text()};
            }""",
            f"/plans/{plan.pk}/grid/cell/",
        )
        assert cell["status"] == 403 and "đã ban hành" in cell["text"]
        refused_and_logged(console_errors, 403)

    # ------------------------------------------------------------------ 2. An Minh sends its report
    with frozen(at(datetime.date(2022, 9, 6))):
        logout(page, base)
        login(DISTRICT)
        page.goto(f"{base}/reports/submissions/")
        page.get_by_role("link", name="huyện An Minh — 66/KH-BCĐ").click()
        page.wait_for_url(report_url)
        # Prefilled from the hospital's tally.
        assert page.input_value("#id_collected") == str(AN_MINH_COLLECTED)
        assert page.input_value("#id_registered") == str(AN_MINH_REGISTERED)
        page.fill("#id_volunteers", "45")
        page.fill("#id_media_items", "6")
        page.fill("#id_reserve_donors", "30")
        page.fill("#id_difficulties", "Mùa mưa, nhiều điểm lấy máu bị ngập.")
        shot("04-report-form")
        assert_no_developer_text(page)
        page.get_by_role("button", name="Gửi báo cáo").click()
        page.wait_for_url(report_url)
        assert "Đã gửi báo cáo về Văn phòng Ban Chỉ đạo tỉnh Kiên Giang" in page.inner_text("body")

    # ------------------------------------------------------------------ 3. returned with a comment
    with frozen(at(datetime.date(2022, 9, 7))):
        logout(page, base)
        login(OFFICE, DEMO_PASSWORD)
        page.goto(f"{base}/")
        shot("05-office-home")
        page.get_by_role("link", name="Báo cáo chờ duyệt — Kế hoạch 66/KH-BCĐ").click()
        page.wait_for_url(f"{base}/reports/plans/{plan.pk}/submissions/")
        page.get_by_role("link", name="huyện An Minh", exact=True).click()
        page.wait_for_url(report_url)
        page.fill("#id_comment", "Số tình nguyện viên chưa khớp danh sách đã gửi, đề nghị kiểm tra lại.")
        shot("06-office-decides")
        page.get_by_role("button", name="Trả lại để sửa").click()
        page.wait_for_url(report_url)
        assert UnitReport.objects.get(plan=plan, unit=an_minh).status == ReportStatus.RETURNED

    # ------------------------------------------------------------------ 4. corrected and resent
    with frozen(at(datetime.date(2022, 9, 8))):
        logout(page, base)
        login(DISTRICT)
        page.goto(report_url)
        assert "Số tình nguyện viên chưa khớp danh sách đã gửi" in page.locator("p.notice").inner_text()
        page.fill("#id_volunteers", "42")
        shot("07-returned")
        page.get_by_role("button", name="Gửi báo cáo").click()
        page.wait_for_url(report_url)

    # ------------------------------------------------------------------ 5. approved, then locked
    with frozen(at(datetime.date(2022, 9, 9))):
        logout(page, base)
        login(OFFICE, DEMO_PASSWORD)
        page.goto(report_url)
        page.get_by_role("button", name="Duyệt").click()
        page.wait_for_url(report_url)
        assert "số liệu đã khóa" in page.inner_text("body")
        report = UnitReport.objects.get(plan=plan, unit=an_minh)
        assert (report.status, report.volunteers, report.collected) == (ReportStatus.APPROVED, 42, AN_MINH_COLLECTED)
        assert [e.action for e in report.events.all()] == ["submitted", "returned", "submitted", "approved"]

        logout(page, base)
        login(DISTRICT)
        page.goto(report_url)
        assert page.locator("#id_collected").count() == 0  # no form any more
        locked = page.locator("p.notice[role=alert]").inner_text()
        assert "đã được duyệt ngày 09/09/2022" in locked and "Văn phòng Ban Chỉ đạo tỉnh Kiên Giang" in locked
        shot("08-approved-locked")
        assert_no_developer_text(page)
        assert console_errors == []
        edit = page.evaluate(
            """async (url) => {
                const csrf = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
                const r = await fetch(url, {method: "POST", headers: {"X-CSRFToken": csrf},
                                            body: new URLSearchParams({action: "submitted", collected: "1"})});
                return {status: r.status, text: await r.text()};
            }""",
            report_url.removeprefix(base),
        )
        assert edit["status"] == 409 and "đã được duyệt" in edit["text"] and "mở lại" in edit["text"]
        refused_and_logged(console_errors, 409)
        report.refresh_from_db()
        assert report.collected == AN_MINH_COLLECTED

    # ------------------------------------------------------------------ 6. the consolidated report
    with frozen(at(datetime.date(2022, 9, 12))):
        logout(page, base)
        login(OFFICE, DEMO_PASSWORD)
        page.goto(f"{base}/reports/plans/{plan.pk}/submissions/")
        shot("09-completeness")
        assert_no_developer_text(page)
        word = export_through_the_worker(page, "Báo cáo tổng hợp (Word)")
        document = Document(io.BytesIO(Path(word.path()).read_bytes()))
        rows = [[cell.text.strip() for cell in row.cells] for table in document.tables for row in table.rows]
        an_minh_row = next(row for row in rows if "huyện An Minh" in row)
        assert an_minh_row[2:9] == ["350", "365", "104,3%", "1", "42", "6", "30"], an_minh_row
        page.goto(f"{base}/reports/plans/{plan.pk}/submissions/")
        pdf = export_through_the_worker(page, "Báo cáo tổng hợp (PDF)")
        pdf_path = tmp_path / "tong-hop.pdf"
        word.save_as(tmp_path / "tong-hop.docx")
        pdf.save_as(pdf_path)
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf_path), "-"], check=True, capture_output=True, text=True
        ).stdout
        assert "Kiên Giang, ngày 12 tháng 9 năm 2022" in text
        heading = [line.strip().split("   ")[0] for line in text.splitlines()[:6]]
        assert heading[:4] == ["BAN CHỈ ĐẠO VẬN ĐỘNG", "HIẾN MÁU TÌNH NGUYỆN", "TỈNH KIÊN GIANG", "Số: …/BC-BCĐ"], (
            heading
        )
        assert "Kết quả thực hiện Kế hoạch số 66/KH-BCĐ ngày 05/04/2022" in text
        assert "Tổng hợp từ 1/23 báo cáo của đơn vị đã được duyệt." in text
        # An Minh's row (its name wraps onto the lines around it): target 350, 365 collected, 104,3 %, one
        # drive, the corrected 42 volunteers, 6 media items, 30 reserve donors, sent on time on 6/9.
        assert re.search(r"^\s*1\s+350\s+365\s+104,3%\s+1\s+42\s+6\s+30\s*$", text, re.M), text
        assert "06/09/2022" in text and "(đúng hạn)" in text
        assert "- huyện An Minh: Mùa mưa, nhiều điểm lấy máu bị ngập." in text
        assert "thành phố Rạch Giá (chưa lập)" in text

    # ------------------------------------------------------------------ 7. the calendar jumps to July 2021
    page.goto(f"{base}/drives/")
    page.select_option("#cal-month", "7")
    page.select_option("#cal-year", "2021")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url("**/drives/?month=7&year=2021*")
    assert page.locator("h1").inner_text() == "Tháng 07/2021"
    page.get_by_role("link", name="Tháng sau").click()
    assert page.locator("h1").inner_text() == "Tháng 08/2021"
    page.goto(f"{base}/drives/?month=2022-07")
    shot("10-calendar-july-2022")
    assert "huyện Giồng Riềng" in page.locator("table.calendar").inner_text()
    assert_no_developer_text(page)

    # ------------------------------------------------------------------ 8. the hospital's staff see their drives
    logout(page, base)
    login(FACILITY, DEMO_PASSWORD)
    page.goto(f"{base}/drives/?month=2022-05")
    calendar = page.locator("table.calendar").inner_text()
    assert "huyện An Minh" in calendar and "thành phố Rạch Giá" in calendar
    shot("11-facility-calendar")
    page.goto(f"{base}/drives/list/")
    listing = page.locator("main").inner_text()
    assert all(name in listing for name in ("An Minh", "Rạch Giá", "Tân Hiệp", "Giồng Riềng")), listing
    shot("12-facility-list")
    assert_no_developer_text(page)
    assert console_errors == []
    page.goto(f"{base}/plans/new/")
    assert "không lập kế hoạch" in page.inner_text("main")
    refused_and_logged(console_errors, 403)

    assert console_errors == []
