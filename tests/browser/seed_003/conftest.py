"""Seed 003 in a real browser: Bắc Kạn city's units at the Red Journey day, 09/07/2021 (plan 140/KH-BCD).
One test per scenario (the drive form, the lists, self-registration, check-in, results); each starts from
the state the scenarios before it leave, built here through the services, and fails on any console error
of the page. Screenshots go to test-artifacts/seed-003/.
"""

import datetime
import socket
import time
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from hienmau.core.clock import frozen
from hienmau.core.lib.identity import sex_century_digit
from hienmau.drives import services
from hienmau.drives.models import Drive, RosterEntry, TimeSlot
from hienmau.orgs.demo import load_demo
from hienmau.orgs.models import Role, Unit
from hienmau.plans.models import CampaignLabel
from tests.browser.conftest import ARTIFACTS
from tests.factories import member

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


@pytest.fixture
def console_errors(page):
    """Errors the page writes to its console or throws; each scenario asserts there are none."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture
def shot(page, screenshot):
    (ARTIFACTS / SHOTS).mkdir(parents=True, exist_ok=True)

    def take(name: str, other_page=None, full_page: bool = True):
        """test-artifacts/seed-003/<name>.png: the whole page through the fixture, or what is on screen."""
        if other_page is None and full_page:
            screenshot(f"{SHOTS}/{name}")
            return
        (other_page or page).screenshot(path=str(ARTIFACTS / SHOTS / f"{name}.png"), full_page=full_page)

    return take


@dataclass
class City:
    city: Unit
    units: dict[str, Unit]
    communes: list[Unit]
    facility: Unit
    label: CampaignLabel
    timings: dict[str, float] = field(default_factory=dict)


@pytest.fixture
def seed(db) -> City:
    """The demo data with the city's Red Cross officer, who runs the day."""
    started = time.monotonic()
    load_demo()
    city = Unit.objects.get(code="058", name="Bắc Kạn")
    member("hctd.backan", city, Role.OFFICER)
    units = {name: Unit.objects.get(name=name, parent=city) for name in QUOTAS}
    communes = list(city.children.filter(kind="commune").order_by("name"))
    assert len(communes) == 8
    label, _ = CampaignLabel.objects.get_or_create(name="Hành trình đỏ")
    return City(
        city, units, communes, Unit.objects.get(name=FACILITY), label, {"demo data": time.monotonic() - started}
    )


@pytest.fixture
def drive(seed) -> Drive:
    """What the drive form, the slots and the roster leave (test_drive_form does it through the pages)."""
    drive = Drive.objects.create(
        organiser=seed.city,
        title=TITLE,
        campaign_label=seed.label,
        date=DRIVE_DAY,
        start_time=datetime.time(7),
        end_time=datetime.time(11, 30),
        site_name=SITE,
        site_address="Khu văn hóa thể thao Tổng đích, thành phố Bắc Kạn",
        facility=seed.facility,
        target_units=240,
        expected_direct=240,
        expected_reserve=200,
        list_deadline=datetime.date(2021, 7, 6),
        public_registration=True,
    )
    for unit in [*seed.units.values(), *seed.communes]:
        TimeSlot.objects.create(
            drive=drive,
            unit=unit,
            start_time=datetime.time(10),
            end_time=datetime.time(11, 30),
            quota=QUOTAS.get(unit.name, COMMUNE_QUOTA),
        )
    TimeSlot.objects.create(drive=drive, unit=None, start_time=datetime.time(7), end_time=datetime.time(10), quota=20)
    RosterEntry.objects.create(
        drive=drive, role="volunteer", unit=seed.units[YOUTH], people=10, arrival_time=datetime.time(6, 30)
    )
    RosterEntry.objects.create(
        drive=drive, role="security", unit=seed.units[POLICE], people=5, arrival_time=datetime.time(6, 30)
    )
    return drive


def people_by_unit(city: City) -> dict[str, list[dict]]:
    """Each unit's registrants: its quota of people, the first DIRECT of them giving directly."""
    everyone: dict[str, list[dict]] = {}
    i = 0
    for unit in [*(city.units[n] for n in QUOTAS), *city.communes]:
        quota = QUOTAS.get(unit.name, COMMUNE_QUOTA)
        direct = DIRECT.get(unit.name, COMMUNE_DIRECT)
        everyone[unit.name] = [person(i + j, "direct" if j < direct else "reserve") for j in range(quota)]
        i += quota
    return everyone


def register(drive: Drive, city: City, skip: dict[str, int] | None = None) -> int:
    """Every unit's list through the service the list confirmation uses, less the first `skip[unit]` lines."""
    skip = skip or {}
    created = 0
    for name, everyone in people_by_unit(city).items():
        unit = city.units.get(name) or next(c for c in city.communes if c.name == name)
        rest = everyone[skip.get(name, 0) :]
        people = [
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
            for n, p in enumerate(rest, start=skip.get(name, 0) + 1)
        ]
        outcome = services.submit_list(drive, unit, people, None, source_name="orm")
        assert outcome.created == len(rest) and not outcome.skipped
        created += outcome.created
    return created


SELF_REGISTRANT = services.Person(
    full_name="Bế Thị Thu Hà", date_of_birth=datetime.date(1999, 11, 20), sex="F", phone="+84912468357"
)


@pytest.fixture
def registered(drive, seed):
    """The 460 registrants of the units' lists and one person who signed up on the public page."""
    with frozen(at(LISTS_DAY, 9)):
        assert register(drive, seed) == 460
        public_slot = drive.slots.get(unit=None)
        services.take_slot(drive, public_slot, SELF_REGISTRANT)
    return drive
