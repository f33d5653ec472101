"""Seed 003 end to end in a real browser: Bắc Kạn city's units at the Red Journey day, 09/07/2021 (plan
140/KH-BCD). An officer of the city schedules the drive, gives each unit its 10:00–11:30 slot and quota,
sets the duty roster, takes the units' lists, a donor registers on the public page, 240 donors are checked
in on the day (a few by hand, the rest scripted through the page's own outcome endpoint), and the results
and the result sheet come out. Screenshots of every step go to test-artifacts/seed-003/.
"""

import datetime
import io
import socket
import subprocess
import time
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from hienmau.core.clock import frozen
from hienmau.core.lib.identity import sex_century_digit
from hienmau.core.lib.text import fold
from hienmau.donors.models import Donation, Outcome
from hienmau.drives import services
from hienmau.drives.models import (
    CheckInEvent,
    Drive,
    DriveStatus,
    RegistrantList,
    Registration,
    RegistrationSource,
    RegistrationStatus,
    RosterEntry,
)
from hienmau.orgs.models import Role, Unit
from hienmau.plans.models import CampaignLabel
from tests.browser.conftest import ARTIFACTS
from tests.factories import member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "seed-003"
DRIVE_DAY = datetime.date(2021, 7, 9)
LISTS_DAY = datetime.date(2021, 7, 1)  # lists and self-registration, before the 06/07 deadline
TITLE = "Ngày hội hiến máu Hành trình đỏ “Kết nối dòng máu Việt” hè 2021"
SITE = "Nhà Thi đấu Thể dục - Thể thao tỉnh Bắc Kạn"
FACILITY = "Viện Huyết học - Truyền máu Trung ương"

# The seed's quotas (section IV), and how many of each unit's registrants give directly: 240 direct in
# all, the remaining 220 of the 460 being the reserve the plan asks for.
YOUTH, POLICE = "Đoàn Thanh niên Cộng sản Hồ Chí Minh thành phố", "Công an thành phố"
EDUCATION, LABOUR = "Phòng Giáo dục và Đào tạo thành phố", "Liên đoàn Lao động thành phố"
MILITARY = "Ban Chỉ huy Quân sự thành phố"
QUOTAS = {YOUTH: 110, POLICE: 60, EDUCATION: 100, LABOUR: 60, MILITARY: 10}
COMMUNE_QUOTA = 15
DIRECT = {YOUTH: 58, POLICE: 31, EDUCATION: 52, LABOUR: 31, MILITARY: 4}
COMMUNE_DIRECT = 8  # 58 + 31 + 52 + 31 + 4 + 8 × 8 = 240
PASTED = {YOUTH: 40, POLICE: 30}  # lines sent through the page; the rest of the 460 through the ORM

FAMILY = ["Nguyễn", "Hoàng", "Nông", "Triệu", "Hà", "Ma", "Lường", "Bế", "Lộc", "Đàm", "Trần", "Lý"]
MIDDLE = {"M": ["Văn", "Đức", "Minh", "Quang"], "F": ["Thị", "Thu", "Thanh", "Ngọc"]}
GIVEN = {
    "M": ["Hùng", "Dũng", "Tuấn", "Long", "Thắng", "Hải", "Khánh", "Phong", "Sơn", "Trường", "Việt", "Bảo", "Cường"],
    "F": ["Hoa", "Lan", "Mai", "Hương", "Thảo", "Trang", "Ngân", "Linh", "Yến", "Huyền", "Nhung"],
}
HEADER = "STT\tHọ và tên\tNgày sinh\tGiới tính\tSố CCCD\tSố điện thoại\tĐơn vị\tNhóm máu\tTrực tiếp / Dự bị"
GROUPS = ["O", "A", "B", "AB", ""]


def person(i: int, kind: str) -> dict:
    """Registrant number i (0…459): unique name, date of birth, CCCD (province code 006) and mobile."""
    sex = "M" if i % 2 == 0 else "F"
    k = i // 2
    name = f"{FAMILY[k % 12]} {MIDDLE[sex][(k // 12) % 4]} {GIVEN[sex][(k // 48) % len(GIVEN[sex])]}"
    dob = datetime.date(1972, 3, 1) + datetime.timedelta(days=23 * i)
    cccd = f"006{sex_century_digit(dob.year, sex)}{dob.year % 100:02d}{100000 + i:06d}"
    return {
        "name": name,
        "dob": dob,
        "sex": sex,
        "cccd": cccd,
        "phone": f"098{2100000 + i:07d}",
        "group": GROUPS[i % 5],
        "kind": kind,
    }


def paste_line(n: int, p: dict, unit: str) -> str:
    return "\t".join(
        [
            str(n),
            p["name"],
            f"{p['dob']:%d/%m/%Y}",
            "Nam" if p["sex"] == "M" else "Nữ",
            p["cccd"],
            p["phone"],
            unit,
            p["group"],
            "Trực tiếp" if p["kind"] == "direct" else "Dự bị",
        ]
    )


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone())


# Outcomes posted the way the page's outbox posts them (checkin.js: send), with the page's session and CSRF
# token; `devices` queues run side by side, like several check-in laptops at the site. Like the outbox, an
# answer of 5xx means "not recorded now, send the same event again"; how often that happened is returned.
SEND_OUTCOMES = """async ({url, items, devices}) => {
  const m = document.cookie.match(/(?:^|;\\s*)csrftoken=([^;]+)/);
  const csrf = m ? decodeURIComponent(m[1]) : JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  const answers = new Array(items.length);
  let retries = 0;
  async function device(first) {
    for (let n = first; n < items.length; n += devices) {
      for (let attempt = 0; ; attempt++) {
        const response = await fetch(url, {
          method: "POST", credentials: "same-origin", cache: "no-store",
          headers: {"Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf},
          body: JSON.stringify(items[n]),
        });
        let data = {};
        try { data = await response.json(); } catch (e) { data = {}; }
        if (response.status >= 500 && attempt < 20) {
          retries += 1;
          await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
          continue;
        }
        answers[n] = {status: response.status, ok: Boolean(data.ok), duplicate: Boolean(data.duplicate),
                      error: data.error || ""};
        break;
      }
    }
  }
  await Promise.all(Array.from({length: devices}, (_, first) => device(first)));
  return {answers, retries};
}"""


@pytest.fixture(autouse=True)
def no_nagle_on_the_live_server(monkeypatch):
    """Django's development server writes a response's headers and body in separate small segments; with
    Nagle's algorithm on and the browser delaying its ACK, each request waits ~40 ms for nothing (measured:
    52 → 16 ms a request). The scripted check-in makes hundreds of requests, so switch Nagle off for them."""
    from django.core.servers import basehttp

    setup = basehttp.WSGIRequestHandler.setup

    def setup_without_nagle(self):
        setup(self)
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    monkeypatch.setattr(basehttp.WSGIRequestHandler, "setup", setup_without_nagle)


def test_seed_003_drive_runs_end_to_end_in_the_browser(live_server, browser, page, login, screenshot):
    started = time.monotonic()
    (ARTIFACTS / SHOTS).mkdir(parents=True, exist_ok=True)

    def shot(name: str, other_page=None, full_page: bool = True):
        """test-artifacts/seed-003/<name>.png: the whole page through the fixture, or what is on screen."""
        if other_page is None and full_page:
            screenshot(f"{SHOTS}/{name}")
            return
        (other_page or page).screenshot(path=str(ARTIFACTS / SHOTS / f"{name}.png"), full_page=full_page)

    from hienmau.orgs.demo import load_demo

    load_demo()
    city = Unit.objects.get(code="058", name="Bắc Kạn")
    member("hctd.backan", city, Role.OFFICER)  # the city's Red Cross officer, who runs the day
    units = {name: Unit.objects.get(name=name, parent=city) for name in QUOTAS}
    communes = list(city.children.filter(kind="commune").order_by("name"))
    assert len(communes) == 8
    facility = Unit.objects.get(name=FACILITY)
    label, _ = CampaignLabel.objects.get_or_create(name="Hành trình đỏ")
    base = live_server.url
    timings = {"0 demo data": time.monotonic() - started}

    # ------------------------------------------------------------------ 1. the drive, through its form
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
        timings["1 drive form"] = time.monotonic() - started

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
        timings["1-2 drive, slots, roster"] = time.monotonic() - started

        # ------------------------------------------------------------------------------- 3. lists in
        people_by_unit: dict[str, list[dict]] = {}
        i = 0
        for unit in [*(units[n] for n in QUOTAS), *communes]:
            quota = QUOTAS.get(unit.name, COMMUNE_QUOTA)
            direct = DIRECT.get(unit.name, COMMUNE_DIRECT)
            people_by_unit[unit.name] = [person(i + j, "direct" if j < direct else "reserve") for j in range(quota)]
            i += quota
        bad = [  # what the preview must refuse, one reason each
            ("Hoàng Văn Lộc\t31/02/1998\tNam\t\t0982999001", "invalid_date"),
            ("Nông Thị Hạnh\t14/03/1996\tNữ\t006096001234\t0982999002", "cccd_sex_century"),
            ("Triệu Văn Nam\t15/08/2004\tNam\t006204001235\t0982999003", "under_18_on_drive_day"),
        ]

        def paste_list(unit_name, count, bad_lines=()):
            page.goto(f"{base}/drives/{drive.pk}/lists/")
            page.select_option("#id_unit", str(units[unit_name].pk))
            lines = [paste_line(n + 1, p, unit_name) for n, p in enumerate(people_by_unit[unit_name][:count])]
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
        for n, verdict in enumerate(verdicts):
            assert verdict in flagged.nth(n).inner_text()
        assert "Chưa đủ 18 tuổi" in flagged.nth(2).inner_text() and "15/08/2022" in flagged.nth(2).inner_text()
        shot("seed-003-3-list-preview-verdicts")
        with page.expect_navigation():
            page.click("button:has-text('Xác nhận nhận các dòng đã chọn')")
        assert f"Đã nhận {PASTED[YOUTH]} người của {YOUTH}" in page.inner_text("body")

        paste_list(POLICE, PASTED[POLICE])
        with page.expect_navigation():
            page.click("button:has-text('Xác nhận nhận các dòng đã chọn')")
        assert f"Đã nhận {PASTED[POLICE]} người của {POLICE}" in page.inner_text("body")

        # The remaining 390 registrants (the rest of the Youth Union's and the police's lists, and every other
        # unit's) through the same service the confirmation uses, to keep the test fast.
        for name, everyone in people_by_unit.items():
            unit = units.get(name) or next(c for c in communes if c.name == name)
            rest = everyone[PASTED.get(name, 0) :]
            outcome = services.submit_list(
                drive,
                unit,
                [
                    (
                        n,
                        services.Person(
                            full_name=p["name"],
                            date_of_birth=p["dob"],
                            sex=p["sex"],
                            cccd=p["cccd"],
                            phone=f"+84{p['phone'][1:]}",
                            abo=p["group"],
                        ),
                        p["kind"],
                    )
                    for n, p in enumerate(rest, start=PASTED.get(name, 0) + 1)
                ],
                None,
                source_name="orm",
            )
            assert outcome.created == len(rest) and not outcome.skipped
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
        timings["3 lists"] = time.monotonic() - started

        # ------------------------------------------------ 4. self-registration, not logged in, own context
        context = browser.new_context(viewport={"width": 420, "height": 900}, locale="vi-VN")
        try:
            public = context.new_page()
            public.set_default_timeout(15_000)
            public.goto(public_url)
            assert public.locator("#id_slot option").count() == 1
            assert "07:00–10:00 (còn 20 chỗ)" in public.inner_text("#id_slot")
            public.fill("#id_full_name", "  Bế   Thị Thu Hà ")
            public.fill("#id_date_of_birth", "20/11/1999")
            public.select_option("#id_sex", "F")
            public.fill("#id_phone", "0912 468 357")
            public.select_option("#id_kind", "direct")
            public.check("#id_consent")
            shot("seed-003-4a-self-registration-form", public)
            public.click("button:has-text('Đăng ký')")
            public.wait_for_selector(".success-box")
            assert public.locator(".success-box .qr svg").count() == 1
            self_token = public.inner_text(".success-box code").strip()
            shot("seed-003-4b-self-registration-qr", public)
        finally:
            context.close()
        self_reg = Registration.objects.get(qr_token=self_token)
        assert (self_reg.full_name, self_reg.source, self_reg.slot.unit_id, self_reg.late) == (
            "Bế Thị Thu Hà",
            RegistrationSource.SELF,
            None,
            False,
        )
        assert self_reg.donor.phone == "+84912468357"
        timings["4 self-registration"] = time.monotonic() - started

    # ------------------------------------------------------------------------------ 5. check-in on the day
    with frozen(at(DRIVE_DAY, 10, 5)):
        page.goto(f"{base}/drives/{drive.pk}/checkin/")
        page.wait_for_function("window.hienmauCheckin !== undefined")
        assert page.inner_text("#collected").strip() == "0"
        assert page.inner_text("#target").strip() == "240"

        def scan(token, bag):
            page.fill("#scan", token)
            page.press("#scan", "Enter")
            page.wait_for_selector("#outcome-dialog[open]")
            page.fill("#out-bag", bag)
            page.click("#outcome-save")
            page.wait_for_selector("#outcome-dialog:not([open])", state="attached")
            page.wait_for_function("document.querySelector('#outbox').hidden")

        # By QR: the donor who signed up on the public page, then two from the Youth Union's list.
        page.fill("#scan", self_token)
        page.press("#scan", "Enter")
        page.wait_for_selector("#outcome-dialog[open]")
        assert page.inner_text("#outcome-title") == "Bế Thị Thu Hà"
        assert page.is_checked("#outcome-form input[name=outcome][value=donated]")
        page.fill("#out-bag", "BK-0001")
        shot("seed-003-5a-checkin-scan-dialog", full_page=False)
        page.click("#outcome-save")
        page.wait_for_function("document.querySelector('#outbox').hidden")
        youth_regs = list(drive.registrations.filter(unit=units[YOUTH], kind="direct").order_by("pk"))
        scan(youth_regs[0].qr_token, "BK-0002")
        scan(youth_regs[1].qr_token, "BK-0003")

        # By name, typed without diacritics.
        edu_regs = list(drive.registrations.filter(unit=units[EDUCATION], kind="direct").order_by("pk"))
        by_name = edu_regs[0]
        page.fill("#q", "")
        page.fill("#q", fold(by_name.full_name))
        row = page.locator("#checkin-results li.reg", has_text=by_name.full_name)
        row.wait_for()
        assert page.locator("#checkin-results li.reg").count() == 1
        row.locator("button[data-outcome=donated]").click()
        page.wait_for_selector("#outcome-dialog[open]")
        page.fill("#out-bag", "BK-0004")
        page.check("#outcome-form input[name=volume_ml][value='250']")
        page.click("#outcome-save")
        page.wait_for_function("document.querySelector('#outbox').hidden")

        # One deferral: a police officer whose blood pressure is not right today.
        police_regs = list(drive.registrations.filter(unit=units[POLICE], kind="direct").order_by("pk"))
        deferred = police_regs[0]
        page.fill("#q", "")
        page.fill("#q", deferred.full_name)
        row = page.locator("#checkin-results li.reg", has_text=deferred.full_name)
        row.wait_for()
        row.locator("button[data-outcome=deferred]").click()
        page.wait_for_selector("#outcome-dialog[open]")
        page.fill("#out-reason", "Huyết áp không đạt")
        page.fill("#out-until", "09/08/2021")
        page.click("#outcome-save")
        page.wait_for_function("document.querySelector('#outbox').hidden")
        page.evaluate("htmx.trigger('#counter', 'refresh')")
        page.wait_for_function(
            "document.getElementById('collected').textContent.trim() === '4'"
            " && document.getElementById('counter').textContent.includes('tạm hoãn 1')"
        )
        assert Donation.objects.filter(outcome=Outcome.DONATED).count() == 4
        deferral = Registration.objects.get(pk=deferred.pk).donation
        assert (deferral.outcome, deferral.deferral_reason, deferral.deferral_until) == (
            Outcome.DEFERRED,
            "Huyết áp không đạt",
            datetime.date(2021, 8, 9),
        )
        assert "Tạm hoãn" in row.locator("[data-field=status]").inner_text()
        shot("seed-003-5b-checkin-by-hand-deferral", full_page=False)
        timings["5 check-in by hand"] = time.monotonic() - started

        # Scripted: every remaining direct registrant, through the outcome endpoint the page's outbox uses, with
        # the page's session and CSRF token, each outcome with its own client_event_id.
        snapshot = page.evaluate(
            "async (url) => (await fetch(url, {credentials: 'same-origin'})).json()",
            f"/drives/{drive.pk}/checkin/snapshot.json",
        )
        waiting = [r for r in snapshot["registrations"] if r["kind"] == "direct" and r["status"] == "registered"]
        assert len(waiting) == 240 - 4
        items = [
            {
                "client_event_id": uuid.uuid4().hex,
                "registration": r["id"],
                "registration_token": r["token"],
                "outcome": "donated",
                "component": "whole_blood",
                "volume_ml": 250 if n % 5 == 0 else 350,
                "bag_number": f"BK-{n + 5:04d}",
                "deferral_reason": "",
                "deferral_until": "",
            }
            for n, r in enumerate(waiting)
        ]
        # Three devices at once on PostgreSQL; one on SQLite, whose in-memory test database (shared cache)
        # answers a writer that meets another request's reader with "database table is locked", not a wait.
        devices = 3 if connection.vendor == "postgresql" else 1
        sent = page.evaluate(
            SEND_OUTCOMES, {"url": f"/drives/{drive.pk}/checkin/outcomes/", "items": items, "devices": devices}
        )
        answers, timings["5 scripted retries after 5xx"] = sent["answers"], sent["retries"]
        assert all(a["status"] == 200 and a["ok"] for a in answers), [a for a in answers if not a["ok"]][:3]
        # A re-sent outcome that had been recorded before its answer was lost comes back as a duplicate.
        assert sum(a["duplicate"] for a in answers) <= sent["retries"]
        if connection.vendor == "postgresql":
            assert sent["retries"] == 0  # no answer but a recorded outcome, even with three devices at once
        page.evaluate("htmx.trigger('#counter', 'refresh')")
        page.wait_for_function("document.getElementById('collected').textContent.trim() === '240'")
        assert "đạt 100%" in page.inner_text("#counter")
        assert "tạm hoãn 1" in page.inner_text("#counter")
        timings["5 scripted check-in"] = time.monotonic() - started

        # The same code scanned twice: the page says so and offers nothing to save; the server refuses a
        # second outcome for that person and takes a re-sent one as a duplicate; nothing is counted twice.
        page.fill("#scan", self_token)
        page.press("#scan", "Enter")
        page.wait_for_selector("#outcome-dialog[open]")
        assert "đã được ghi nhận hiến máu" in page.inner_text("#outcome-warning")
        assert page.is_disabled("#outcome-save")
        shot("seed-003-5c-double-scan", full_page=False)
        page.click("#outcome-cancel")
        repeats = [
            {**items[0], "client_event_id": uuid.uuid4().hex},  # a second device scanning the same donor
            items[1],  # the same outcome sent twice (an answer lost on the way back)
            {
                "client_event_id": uuid.uuid4().hex,
                "registration_token": self_token,
                "outcome": "donated",
                "volume_ml": 350,
            },  # the public registrant's code again, by token
        ]
        again = page.evaluate(
            SEND_OUTCOMES, {"url": f"/drives/{drive.pk}/checkin/outcomes/", "items": repeats, "devices": 1}
        )["answers"]
        assert [(a["status"], a["ok"], a["duplicate"]) for a in again] == [
            (409, False, False),
            (200, True, True),
            (409, False, False),
        ], again
        assert "đã được ghi nhận hiến máu" in again[0]["error"]
        page.evaluate("htmx.trigger('#counter', 'refresh')")
        page.wait_for_function("document.getElementById('collected').textContent.trim() === '240'")
        donated = Donation.objects.filter(outcome=Outcome.DONATED)
        assert donated.count() == 240
        assert donated.values("certificate_number").distinct().count() == 240  # one certificate each
        assert CheckInEvent.objects.filter(registration__drive=drive).count() == 241
        assert drive.registrations.filter(status=RegistrationStatus.DONATED).count() == 240
        page.evaluate("document.querySelector('#counter details.by-unit').open = true")
        shot("seed-003-5d-checkin-240-by-unit")

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
        volume = 350 * 3 + 250 + sum(item["volume_ml"] for item in items)  # three scanned, one found by name
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

        from openpyxl import load_workbook

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
        assert page.locator("table.table tbody tr", has_text="Hành trình đỏ").locator("td").last.inner_text() == "461"
        shot("seed-003-6b-calendar")
    timings["total"] = time.monotonic() - started
    print("\nseed-003 timings:", {k: round(v, 1) for k, v in timings.items()})
