"""Units' lists pasted into the page: each line checked, the refused ones named, the rest registered."""

import pytest

from hienmau.core.clock import frozen
from hienmau.core.labels import VERDICT_LABELS
from hienmau.drives.models import (
    RegistrantList,
)
from tests.browser.seed_003.conftest import (
    HEADER,
    LISTS_DAY,
    PASTED,
    POLICE,
    YOUTH,
    at,
    paste_line,
    people_by_unit,
    register,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lists_are_checked_line_by_line_and_taken_in(live_server, seed, drive, page, login, shot, console_errors):
    units = seed.units
    base = live_server.url
    with frozen(at(LISTS_DAY, 8)):
        login("hctd.backan")
        people_by_unit_ = people_by_unit(seed)
        bad = [  # what the preview must refuse, one reason each
            ("Hoàng Văn Lộc\t31/02/1998\tNam\t\t0982999001", "invalid_date"),
            ("Nông Thị Hạnh\t14/03/1996\tNữ\t006096001234\t0982999002", "cccd_sex_century"),
            ("Triệu Văn Nam\t15/08/2004\tNam\t006204001235\t0982999003", "under_18_on_drive_day"),
        ]

        def paste_list(unit_name, count, bad_lines=()):
            page.goto(f"{base}/drives/{drive.pk}/lists/")
            page.select_option("#id_unit", str(units[unit_name].pk))
            lines = [paste_line(n + 1, p, unit_name) for n, p in enumerate(people_by_unit_[unit_name][:count])]
            for position, (text, _verdict) in zip((2, 11, 23), bad_lines):
                lines.insert(position, f"0\t{text}\t{unit_name}\t\tTrực tiếp")
            text = f"DANH SÁCH TRÍCH NGANG NGƯỜI ĐĂNG KÝ HIẾN MÁU — {unit_name.upper()}\n{HEADER}\n" + "\n".join(lines)
            page.fill("#id_text", text)
            page.click("button:has-text('Kiểm tra danh sách')")
            page.wait_for_selector("h1:has-text('Danh sách của')")
            assert f"{count + len(bad_lines)} dòng" in page.inner_text("p.muted")
            assert f"{count} dòng hợp lệ" in page.inner_text("p.muted")
            assert page.locator("input[name=line]:checked").count() == count
            return [verdict for _text, verdict in bad_lines]

        verdicts = paste_list(YOUTH, PASTED[YOUTH], bad)
        flagged = page.locator("tr.flag")
        assert flagged.count() == 3
        for n, verdict in enumerate(verdicts):  # the verdict's words, never its code (issue 12)
            assert str(VERDICT_LABELS[verdict]) in flagged.nth(n).inner_text()
            assert verdict not in flagged.nth(n).inner_text()
        assert "Chưa đủ 18 tuổi" in flagged.nth(2).inner_text() and "15/08/2022" in flagged.nth(2).inner_text()
        shot("seed-003-3-list-preview-verdicts")
        with page.expect_navigation():
            page.click("button:has-text('Xác nhận nhận các dòng đã chọn')")
        assert f"Đã nhận {PASTED[YOUTH]} người của {YOUTH}" in page.inner_text("body")

        paste_list(POLICE, PASTED[POLICE])
        with page.expect_navigation():
            page.click("button:has-text('Xác nhận nhận các dòng đã chọn')")
        assert f"Đã nhận {PASTED[POLICE]} người của {POLICE}" in page.inner_text("body")

        # The remaining registrants (the rest of the Youth Union's and the police's lists, and every other
        # unit's) through the same service the confirmation uses, to keep the test fast.
        assert register(drive, seed, skip=PASTED) == 460 - PASTED[YOUTH] - PASTED[POLICE]
        assert drive.registrations.count() == 460
        assert drive.registrations.filter(kind="direct").count() == 240
        assert not RegistrantList.objects.filter(drive=drive, late=True).exists()
        page.goto(f"{base}/drives/{drive.pk}/")
        assert "460 / 440" in page.inner_text("section.stats")
        slot_rows = page.locator("section.card", has=page.locator("h2", has_text="Khung giờ")).locator("tbody tr")
        taken = {cells[0]: cells[2:4] for cells in (r.locator("td").all_inner_texts() for r in slot_rows.all())}
        assert taken[YOUTH] == ["110", "110"] and taken[POLICE] == ["60", "60"], taken
        assert taken["Người hiến tự đăng ký"] == ["20", "0"], taken
        lists_text = page.locator("section.card", has=page.locator("h2", has_text="Danh sách đã nhận")).inner_text()
        assert f"{YOUTH}: {PASTED[YOUTH]} dòng" in lists_text and f"{POLICE}: {PASTED[POLICE]} dòng" in lists_text
        shot("seed-003-3b-lists-in")
        public_url = page.get_attribute("a[href*='/r/']", "href")
        assert public_url and public_url.endswith(f"/r/{drive.public_token}/")
    assert console_errors == []
