"""The check-in page in a real browser: scan in online, lose the network, keep recording, get it back,
and every outcome reaches the server exactly once — even when an answer is lost on the way back."""

import datetime
import json

import pytest

from hienmau.donors.models import Donation, Donor
from hienmau.drives.models import CheckInEvent, Drive, Registration, TimeSlot
from hienmau.orgs.models import Unit, UnitCategory, UnitKind

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.drives.checkin_test_urls"),
]

CACHE_READY = """async (paths) => {
  if (!navigator.serviceWorker.controller) return false;
  const cache = await caches.open("hienmau-checkin-v1");
  for (const path of paths) { if (!(await cache.match(path))) return false; }
  return true;
}"""


@pytest.fixture
def drive(tree):
    hospital = Unit.objects.create(
        name="Trung tâm Y tế huyện Ân Thi",
        kind=UnitKind.ORGANISATION,
        category=UnitCategory.HOSPITAL,
        parent=tree.an_thi,
    )
    drive = Drive.objects.create(
        organiser=tree.an_thi,
        title="Ngày hội hiến máu huyện Ân Thi",
        date=datetime.date(2021, 7, 9),
        start_time=datetime.time(7, 0),
        end_time=datetime.time(11, 30),
        site_name="Nhà văn hoá huyện",
        facility=hospital,
        target_units=240,
    )
    for unit in (tree.van_du, tree.school):
        TimeSlot.objects.create(
            drive=drive, unit=unit, start_time=datetime.time(10, 0), end_time=datetime.time(11, 30), quota=15
        )
    people = [
        ("Nguyễn Văn Đức", tree.van_du),
        ("Trần Thị An", tree.van_du),
        ("Phạm Thị Hoa", tree.school),
        ("Lê Văn Bình", tree.school),
        ("Đỗ Minh Châu", tree.van_du),
    ]
    for index, (name, unit) in enumerate(people):
        donor = Donor.objects.create(full_name=name, date_of_birth=datetime.date(1990 + index, 5, 12), sex="M")
        Registration.objects.create(drive=drive, unit=unit, donor=donor, full_name=name)
    return drive


def row(page, name):
    return page.locator("#checkin-results li.reg", has_text=name)


def record(page, query, name, outcome, **fields):
    page.fill("#q", query)
    row(page, name).locator(f"button[data-outcome={outcome}]").click()
    page.wait_for_selector("#outcome-dialog[open]")
    for selector, value in fields.items():
        page.fill(selector, value)
    page.click("#outcome-save")
    page.wait_for_selector("#outcome-dialog:not([open])", state="attached")


def test_checkin_survives_losing_the_network_and_counts_each_outcome_once(
    live_server, page, people, drive, login, screenshot
):
    checkin = f"{live_server.url}/drives/{drive.pk}/checkin/"
    answers = []
    page.on("response", lambda r: answers.append(r) if r.url.endswith("/checkin/outcomes/") else None)
    login("ctd.anthi")
    page.goto(checkin)
    base = f"/drives/{drive.pk}/checkin/"
    page.wait_for_function(CACHE_READY, arg=[base, base + "snapshot.json"])

    # Online: a scanner types the QR token and Enter; the dialog opens on that person.
    duc = Registration.objects.get(full_name="Nguyễn Văn Đức")
    page.fill("#scan", duc.qr_token)
    page.press("#scan", "Enter")
    page.wait_for_selector("#outcome-dialog[open]")
    assert page.inner_text("#outcome-title") == "Nguyễn Văn Đức"
    page.fill("#out-bag", "AT-0001")
    page.click("#outcome-save")
    page.wait_for_function("document.querySelector('#outbox').hidden")
    assert "chờ gửi" not in row(page, "Nguyễn Văn Đức").inner_text()
    assert Donation.objects.count() == 1
    page.wait_for_function("document.getElementById('collected').textContent.trim() === '1'")
    screenshot("checkin-online")

    # Scanning the same code again says so and offers no way to count it twice.
    page.fill("#scan", duc.qr_token)
    page.press("#scan", "Enter")
    page.wait_for_selector("#outcome-dialog[open]")
    assert "đã được ghi nhận hiến máu" in page.inner_text("#outcome-warning")
    assert page.is_disabled("#outcome-save")
    page.click("#outcome-cancel")

    # Offline: search works from the downloaded list, outcomes wait in the outbox.
    page.context.set_offline(True)
    page.wait_for_selector("#net-status.offline")
    record(page, "tran thi an", "Trần Thị An", "donated")
    record(
        page,
        "pham thi hoa",
        "Phạm Thị Hoa",
        "deferred",
        **{"#out-reason": "Huyết áp không đạt", "#out-until": "09/10/2021"},
    )
    assert page.inner_text("#outbox-count") == "2"
    assert page.locator("#outbox-list li.pending").count() == 2
    page.fill("#q", "")
    page.fill("#q", "thi")
    assert "chờ gửi" in row(page, "Trần Thị An").inner_text()
    assert "chờ gửi" in row(page, "Phạm Thị Hoa").inner_text()
    assert Donation.objects.count() == 1
    screenshot("checkin-offline-pending")

    # A reload with no network: the service worker gives the page and its list back, the outbox is kept.
    page.reload()
    page.wait_for_selector("#outbox:not([hidden])")
    assert page.inner_text("#outbox-count") == "2"
    page.fill("#q", "chau")
    page.wait_for_function("document.querySelectorAll('#checkin-results li.reg').length === 1")
    assert "Đỗ Minh Châu" in page.inner_text("#checkin-results")
    page.fill("#q", "duc")
    page.wait_for_function("document.querySelectorAll('#checkin-results li.reg').length === 1")
    assert "Đã hiến" in row(page, "Nguyễn Văn Đức").inner_text()
    queued = page.evaluate("window.hienmauCheckin.outbox()")
    assert {item["name"] for item in queued} == {"Trần Thị An", "Phạm Thị Hoa"}
    assert all(len(item["client_event_id"]) == 36 for item in queued)

    page.set_viewport_size({"width": 390, "height": 844})
    page.fill("#q", "thi")
    page.wait_for_function("document.querySelectorAll('#checkin-results li.reg').length === 2")
    row(page, "Trần Thị An").locator("button[data-outcome=deferred]").click()
    page.wait_for_selector("#outcome-dialog[open]")
    page.screenshot(path=str(screenshot("checkin-phone-dialog")), full_page=False)
    page.click("#outcome-cancel")
    # Taken after the tap: a full-page screenshot leaves Chromium's scroll position behind the layout, and
    # a tap right after it lands beside the button.
    screenshot("checkin-phone-pending")
    page.set_viewport_size({"width": 1280, "height": 860})

    # Back online. The first answer is lost on the way back (the server did record it), so the page
    # sends the same event again: the server says "duplicate" and nothing is counted twice.
    calls = []

    def lose_first_answer(route):
        calls.append(json.loads(route.request.post_data)["client_event_id"])
        if len(calls) == 1:
            route.fetch()
            route.abort()
        else:
            route.continue_()

    page.context.route("**/checkin/outcomes/", lose_first_answer)
    page.context.set_offline(False)
    page.wait_for_function("document.querySelector('#outbox').hidden", timeout=30_000)
    assert calls[0] == calls[1], calls
    assert sorted(set(calls)) == sorted(item["client_event_id"] for item in queued)
    assert Donation.objects.count() == 3
    assert CheckInEvent.objects.count() == 3
    statuses = dict(Registration.objects.values_list("full_name", "status"))
    assert (statuses["Trần Thị An"], statuses["Phạm Thị Hoa"]) == ("donated", "deferred")
    deferral = Registration.objects.get(full_name="Phạm Thị Hoa").donation
    assert (deferral.deferral_reason, deferral.deferral_until) == ("Huyết áp không đạt", datetime.date(2021, 10, 9))
    page.wait_for_function("document.getElementById('collected').textContent.trim() === '2'")
    screenshot("checkin-synced")

    # Another tab (or a restored backup of the outbox) sends both again: still counted once each.
    page.context.unroute("**/checkin/outcomes/")
    answers.clear()
    page.evaluate(
        f"""(items) => {{
        localStorage.setItem("hienmau.checkin.{drive.pk}.outbox", JSON.stringify(items));
        return window.hienmauCheckin.flush();
    }}""",
        queued,
    )
    page.wait_for_function("document.querySelector('#outbox').hidden")
    assert sorted(a.json()["duplicate"] for a in answers) == [True, True]
    assert Donation.objects.count() == 3
    assert CheckInEvent.objects.count() == 3


def test_an_outcome_another_device_already_recorded_is_shown_as_refused(live_server, page, people, drive, login):
    from hienmau.drives import services

    login("ctd.anthi")
    page.goto(f"{live_server.url}/drives/{drive.pk}/checkin/")
    page.wait_for_function("window.hienmauCheckin !== undefined")
    page.context.set_offline(True)
    page.wait_for_selector("#net-status.offline")
    record(page, "tran thi an", "Trần Thị An", "donated")
    record(page, "chau", "Đỗ Minh Châu", "no_show")
    an = Registration.objects.get(full_name="Trần Thị An")
    services.record_outcome(
        an, services.CheckIn(outcome="donated", volume_ml=350), "other-device-0001", people.district_officer
    )

    page.context.set_offline(False)
    page.wait_for_selector("#outbox-list li.refused")
    page.wait_for_function("document.querySelectorAll('#outbox-list li').length === 1")
    assert "đã được ghi nhận hiến máu" in page.inner_text("#outbox-list li.refused")
    assert Donation.objects.filter(donor=an.donor).count() == 1
    assert Registration.objects.get(full_name="Đỗ Minh Châu").status == "no_show"
    page.click("#outbox-list li.refused button")
    page.wait_for_function("document.querySelector('#outbox').hidden")
