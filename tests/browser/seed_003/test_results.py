"""After the day: results by unit, closing the drive, the result sheet (PDF and Excel), the calendar."""

import io
import subprocess
import uuid

import pytest
from openpyxl import load_workbook

from hienmau.core.clock import frozen
from hienmau.drives.models import (
    DriveStatus,
)
from tests.browser.conftest import ARTIFACTS
from tests.browser.seed_003.conftest import (
    COMMUNE_DIRECT,
    COMMUNE_QUOTA,
    DIRECT,
    DRIVE_DAY,
    POLICE,
    QUOTAS,
    SEND_OUTCOMES,
    SHOTS,
    YOUTH,
    at,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_results_close_and_result_sheet(live_server, seed, registered, page, login, shot, console_errors):
    units, communes = seed.units, seed.communes
    base = live_server.url
    drive = registered
    with frozen(at(DRIVE_DAY, 10, 5)):
        login("hctd.backan")
        # Everyone giving directly came and gave, but the first police officer, deferred (test_checkin does this
        # through the page; here through the same outcome endpoint).
        page.goto(f"{base}/drives/{drive.pk}/checkin/")
        page.wait_for_function("window.hienmauCheckin !== undefined")
        police_first = drive.registrations.filter(unit=units[POLICE], kind="direct").order_by("pk").first()
        waiting = drive.registrations.filter(kind="direct").exclude(pk=police_first.pk).order_by("pk")
        items = [
            {
                "client_event_id": uuid.uuid4().hex,
                "registration": r.pk,
                "registration_token": r.qr_token,
                "outcome": "donated",
                "component": "whole_blood",
                "volume_ml": 250 if n % 5 == 0 else 350,
                "bag_number": f"BK-{n + 1:04d}",
                "deferral_reason": "",
                "deferral_until": "",
            }
            for n, r in enumerate(waiting)
        ]
        items.append(
            {
                "client_event_id": uuid.uuid4().hex,
                "registration": police_first.pk,
                "registration_token": police_first.qr_token,
                "outcome": "deferred",
                "deferral_reason": "Huyết áp không đạt",
                "deferral_until": "09/08/2021",
            }
        )
        sent = page.evaluate(
            SEND_OUTCOMES, {"url": f"/drives/{drive.pk}/checkin/outcomes/", "items": items, "devices": 1}
        )
        assert all(a["status"] == 200 and a["ok"] for a in sent["answers"]), sent["answers"][-3:]
        items = items[:-1]
        # ------------------------------------------------------------------ 6. results, close, result sheet
        page.goto(f"{base}/drives/{drive.pk}/")
        results = page.locator("section.card", has=page.locator("h2", has_text="Kết quả theo đơn vị vận động"))
        total = results.locator("tfoot tr.total td").all_inner_texts()
        assert total[:5] == ["Tổng cộng", "461", "240", "1", "0"], total
        expected = {name: (QUOTAS[name], DIRECT[name]) for name in QUOTAS}
        expected[POLICE] = (60, DIRECT[POLICE] - 1)
        for commune in communes:
            expected[commune.full_name] = (COMMUNE_QUOTA, COMMUNE_DIRECT)
        expected["Tự đăng ký / đến trực tiếp"] = (1, 1)
        shown = {
            cells[0]: (int(cells[1]), int(cells[2]))
            for cells in (r.locator("td").all_inner_texts() for r in results.locator("tbody tr").all())
        }
        assert shown == expected
        assert "240 / 240" in page.inner_text("section.stats")
        with page.expect_navigation():
            results.locator("button:has-text('Kết thúc đợt')").click()
        assert "220 người chưa có kết quả được ghi là không đến" in page.inner_text("body")
        drive.refresh_from_db()
        assert drive.status == DriveStatus.CLOSED
        page.goto(f"{base}/drives/{drive.pk}/")
        results = page.locator("section.card", has=page.locator("h2", has_text="Kết quả theo đơn vị vận động"))
        volume = sum(item["volume_ml"] for item in items)
        total = results.locator("tfoot tr.total td").all_inner_texts()
        assert total == ["Tổng cộng", "461", "240", "1", "220", f"{volume:,}".replace(",", ".")], total
        assert "Đã kết thúc" in page.inner_text(".page-head")
        shot("seed-003-6a-results-closed")

        with page.expect_download() as pdf_download:
            results.locator("a:has-text('Biên bản kết quả (PDF)')").click()
        with page.expect_download() as xlsx_download:
            results.locator("a:has-text('Kết quả (Excel)')").click()
        pdf_path, xlsx_path = pdf_download.value.path(), xlsx_download.value.path()
        assert pdf_download.value.suggested_filename == f"ket-qua-dot-hien-mau-20210709-{drive.pk}.pdf"
        pdf_bytes = pdf_path.read_bytes()
        assert pdf_bytes[:5] == b"%PDF-"
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "KẾT QUẢ TIẾP NHẬN MÁU" in text and "240" in text
        assert "đã tiếp nhận: 240 đơn vị máu (100%)" in " ".join(text.split())
        assert "Bắc Kạn, ngày 09 tháng 7 năm 2021" in " ".join(text.split())
        (ARTIFACTS / SHOTS / "seed-003-result-sheet.pdf").write_bytes(pdf_bytes)

        xlsx_bytes = xlsx_path.read_bytes()
        assert xlsx_download.value.suggested_filename.endswith(".xlsx") and xlsx_bytes[:2] == b"PK"
        sheet = load_workbook(io.BytesIO(xlsx_bytes)).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        header = next(n for n, r in enumerate(rows) if r[:2] == ["STT", "Đơn vị vận động"])
        totals = next(r for r in rows if r[1] == "Tổng cộng")
        assert totals[2:7] == [461, 240, 1, 220, volume], totals
        by_unit = {r[1]: r[2:7] for r in rows[header + 1 :] if isinstance(r[0], int)}
        assert len(by_unit) == 14
        assert by_unit[YOUTH][:4] == [110, 58, 0, 52]
        assert by_unit[POLICE][:4] == [60, 30, 1, 29]
        assert sum(v[1] for v in by_unit.values()) == 240
        (ARTIFACTS / SHOTS / "seed-003-result-sheet.xlsx").write_bytes(xlsx_bytes)

        # The province-wide calendar shows the day with its target and facility.
        page.goto(f"{base}/drives/?year=2021&month=7")
        cell = page.locator("a.cal-drive", has_text="Hành trình đỏ")
        assert "240 đv" in cell.inner_text()
        day_row = page.locator("table.table tbody tr", has_text="Hành trình đỏ").locator("td")
        assert day_row.nth(6).inner_text() == "461"  # registered
        assert day_row.last.inner_text() == "Đã kết thúc, có kết quả"
        shot("seed-003-6b-calendar")
    assert console_errors == []
