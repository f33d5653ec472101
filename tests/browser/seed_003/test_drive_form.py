"""The officer schedules the drive through its form, then the slots, quotas and duty roster."""

import datetime

import pytest

from hienmau.core.clock import frozen
from hienmau.drives.models import (
    Drive,
    RosterEntry,
)
from tests.browser.seed_003.conftest import (
    COMMUNE_QUOTA,
    DRIVE_DAY,
    EDUCATION,
    FACILITY,
    LABOUR,
    LISTS_DAY,
    MILITARY,
    POLICE,
    SITE,
    TITLE,
    YOUTH,
    at,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_drive_slots_and_roster_through_the_pages(live_server, seed, page, login, shot, console_errors):
    city, units, communes, facility, label = seed.city, seed.units, seed.communes, seed.facility, seed.label
    base = live_server.url
    with frozen(at(LISTS_DAY, 8)):
        login("hctd.backan")
        page.goto(f"{base}/drives/?year=2021&month=7")
        page.click("a.button:has-text('Tạo đợt hiến máu')")
        page.wait_for_url("**/drives/new/")
        page.fill("#id_title", TITLE)
        page.select_option("#id_organiser", str(city.pk))
        page.select_option("#id_campaign_label", str(label.pk))
        page.fill("#id_date", "09/07/2021")
        page.fill("#id_start_time", "07:00")
        page.fill("#id_end_time", "11:30")
        page.fill("#id_site_name", SITE)
        page.fill("#id_site_address", "Khu văn hóa thể thao Tổng đích, thành phố Bắc Kạn")
        assert FACILITY in page.locator("#id_facility option", has_text=FACILITY).inner_text()
        page.select_option("#id_facility", str(facility.pk))
        page.fill("#id_target_units", "240")
        page.fill("#id_expected_direct", "240")
        page.fill("#id_expected_reserve", "200")
        page.fill("#id_list_deadline", "06/07/2021")
        page.check("#id_public_registration")
        shot("seed-003-1-drive-form")
        page.click("form.form button[type=submit]")
        page.wait_for_selector("h1:has-text('Hành trình đỏ')")
        drive = Drive.objects.get()
        assert page.url.rstrip("/").endswith(f"/drives/{drive.pk}")
        assert (drive.organiser, drive.date, drive.start_time, drive.end_time) == (
            city,
            DRIVE_DAY,
            datetime.time(7),
            datetime.time(11, 30),
        )
        assert (drive.site_name, drive.facility, drive.target_units) == (SITE, facility, 240)
        assert (drive.expected_direct, drive.expected_reserve, drive.expected_registrations) == (240, 200, 440)
        assert drive.list_deadline == datetime.date(2021, 7, 6) and drive.public_registration
        assert "0 / 440" in page.inner_text("section.stats")

        # ------------------ 2. slots and quotas (one submission per quota, units with the same quota together), roster
        def add_slots(unit_pks, quota, start="10:00", end="11:30", public=False):
            page.click("summary:has-text('Thêm khung giờ cho nhiều đơn vị')")
            form = page.locator("form[action$='/slots/']")
            for pk in unit_pks:
                form.locator(f"input[name=units][value='{pk}']").check()
            form.locator("input[name=start_time]").fill(start)
            form.locator("input[name=end_time]").fill(end)
            form.locator("input[name=quota]").fill(str(quota))
            if public:
                form.locator("input[name=public]").check()
            with page.expect_navigation():
                form.locator("button[type=submit]").click()
            n = len(unit_pks) + (1 if public else 0)
            assert f"Đã thêm {n} khung giờ" in page.inner_text("body")

        add_slots([units[YOUTH].pk], 110)
        add_slots([units[POLICE].pk, units[LABOUR].pk], 60)  # same quota, one submission
        add_slots([units[EDUCATION].pk], 100)
        add_slots([units[MILITARY].pk], 10)
        add_slots([c.pk for c in communes], COMMUNE_QUOTA)
        add_slots([], 20, start="07:00", end="10:00", public=True)  # people who sign up themselves
        slots = {s.unit_id: s for s in drive.slots.all()}
        assert len(slots) == 14
        assert sum(s.quota for s in slots.values() if s.unit_id) == 460
        assert all(
            (s.start_time, s.end_time) == (datetime.time(10), datetime.time(11, 30))
            for s in slots.values()
            if s.unit_id
        )
        assert slots[units[YOUTH].pk].quota == 110 and slots[units[MILITARY].pk].quota == 10
        assert slots[None].quota == 20 and slots[None].start_time == datetime.time(7)

        def add_roster(role, unit, people, arrival, task):
            page.click("summary:has-text('Thêm phân công')")
            form = page.locator("form[action$='/roster/']")
            form.locator("select[name=role]").select_option(role)
            form.locator("select[name=unit]").select_option(str(unit.pk))
            form.locator("input[name=people]").fill(str(people))
            form.locator("input[name=arrival_time]").fill(arrival)
            form.locator("input[name=task]").fill(task)
            with page.expect_navigation():
                form.locator("button[type=submit]").click()
            assert "Đã thêm vào phân công" in page.inner_text("body")

        add_roster("volunteer", units[YOUTH], 10, "06:30", "Đón tiếp, tư vấn, phát tờ rơi, hướng dẫn người hiến")
        add_roster("security", units[POLICE], 5, "06:30", "Bảo đảm an ninh, trật tự (½ ngày)")
        roster = list(
            RosterEntry.objects.filter(drive=drive)
            .order_by("role")
            .values_list("role", "unit__name", "people", "arrival_time")
        )
        assert roster == [("security", POLICE, 5, datetime.time(6, 30)), ("volunteer", YOUTH, 10, datetime.time(6, 30))]
        slot_table = page.locator("section.card", has=page.locator("h2", has_text="Khung giờ")).inner_text()
        assert YOUTH in slot_table and "phường Đức Xuân" in slot_table and "Người hiến tự đăng ký" in slot_table
        shot("seed-003-2-slots-quotas-roster")
    assert console_errors == []
