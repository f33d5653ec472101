"""Check-in on the day: who may record outcomes, recording them exactly once, walk-ins, the live counter,
the result sheet, the facility's donor list and closing a drive."""

import datetime
import io
import json
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from hienmau.donors.models import Donation, Donor, Outcome
from hienmau.drives import services
from hienmau.drives.models import (
    AggregateResult,
    CheckInEvent,
    Drive,
    DriveStatus,
    Registration,
    RegistrationKind,
    RegistrationSource,
    RegistrationStatus,
    TimeSlot,
)
from hienmau.orgs.models import Role, Unit, UnitCategory, UnitKind
from hienmau.orgs.scoping import build_scope
from tests.factories import member

pytestmark = pytest.mark.urls("tests.drives.checkin_test_urls")

DRIVE_DAY = datetime.date(2021, 7, 9)


@pytest.fixture
def hospital(tree):
    return Unit.objects.create(
        name="Trung tâm Y tế huyện Ân Thi",
        kind=UnitKind.ORGANISATION,
        category=UnitCategory.HOSPITAL,
        parent=tree.an_thi,
        code="TTYT-AT",
    )


@pytest.fixture
def drive(tree, hospital):
    drive = Drive.objects.create(
        organiser=tree.an_thi,
        title="Ngày hội hiến máu tình nguyện huyện Ân Thi",
        date=DRIVE_DAY,
        start_time=datetime.time(7, 0),
        end_time=datetime.time(11, 30),
        site_name="Nhà văn hoá huyện",
        site_address="Thị trấn Ân Thi",
        facility=hospital,
        target_units=4,
        expected_direct=4,
    )
    TimeSlot.objects.create(
        drive=drive, unit=tree.van_du, start_time=datetime.time(7, 0), end_time=datetime.time(8, 30), quota=10
    )
    TimeSlot.objects.create(
        drive=drive, unit=tree.school, start_time=datetime.time(8, 30), end_time=datetime.time(10, 0), quota=10
    )
    return drive


def register(
    drive, unit, name, *, dob=datetime.date(1990, 5, 12), sex="M", cccd=None, phone="", kind=RegistrationKind.DIRECT
):
    donor = Donor.objects.create(full_name=name, date_of_birth=dob, sex=sex, cccd=cccd, phone=phone)
    return Registration.objects.create(drive=drive, unit=unit, donor=donor, full_name=donor.full_name, kind=kind)


@pytest.fixture
def registrants(drive, tree):
    return {
        "duc": register(drive, tree.van_du, "Nguyễn Văn Đức", cccd="033090012345", phone="+84912345678"),
        "an": register(drive, tree.van_du, "Trần Thị An", sex="F", dob=datetime.date(1995, 2, 1), phone="+84987654321"),
        "binh": register(drive, tree.school, "Lê Bình", kind=RegistrationKind.RESERVE),
        "hoa": register(drive, tree.school, "Phạm Thị Hoa", sex="F", dob=datetime.date(2003, 3, 3)),
    }


@pytest.fixture
def staff(tree, hospital):
    return {
        "facility": member("bv.anthi", hospital, Role.FACILITY_STAFF),
        "leader": member("ld.hungyen", tree.hung_yen, Role.LEADER),
    }


def url(name, drive, *args):
    return reverse(f"drive_checkin:{name}", args=[drive.pk, *args])


def post_outcome(client, drive, registration, event_id, outcome="donated", **fields):
    body = {"registration": registration.pk, "client_event_id": event_id, "outcome": outcome, **fields}
    if outcome == "donated":
        body.setdefault("volume_ml", 350)
        body.setdefault("component", "whole_blood")
    return client.post(url("checkin_outcome", drive), data=json.dumps(body), content_type="application/json")


# --- who may do what -------------------------------------------------------------------------------


def test_organiser_officer_sees_the_checkin_page_with_the_registrants(client_for, people, drive, registrants):
    response = client_for(people.district_officer).get(url("checkin", drive))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nguyễn Văn Đức" in page and "Phạm Thị Hoa" in page
    assert "chỉ tiêu" in page and 'id="checkin-config"' in page


def test_a_commune_focal_point_of_another_commune_gets_404_everywhere(client_for, people, drive, registrants):
    client = client_for(people.phu_ung_focal)
    assert client.get(url("checkin", drive)).status_code == 404
    assert client.get(url("checkin_snapshot", drive)).status_code == 404
    assert client.get(url("checkin_counter", drive)).status_code == 404
    assert client.get(url("result_sheet", drive, "xlsx")).status_code == 404
    assert post_outcome(client, drive, registrants["duc"], "evt-outsider-1").status_code == 404
    assert client.post(url("drive_close", drive)).status_code == 404
    assert not CheckInEvent.objects.exists()


def test_a_leader_may_read_the_results_but_gets_403_on_outcomes(client_for, people, staff, drive, registrants):
    client = client_for(staff["leader"])
    response = post_outcome(client, drive, registrants["duc"], "evt-leader-1")
    assert response.status_code == 403
    assert "quyền" in response.json()["error"]
    assert client.get(url("checkin", drive)).status_code == 403
    assert client.get(url("checkin_snapshot", drive)).status_code == 403
    assert client.get(url("facility_list", drive)).status_code == 403
    assert client.post(url("drive_close", drive)).status_code == 403
    assert client.get(url("checkin_counter", drive)).status_code == 200
    assert client.get(url("result_sheet", drive, "xlsx")).status_code == 200
    assert Registration.objects.get(pk=registrants["duc"].pk).status == RegistrationStatus.REGISTERED


def test_a_mobilising_commune_sees_the_drive_but_may_not_record(client_for, people, drive, registrants):
    client = client_for(people.van_du_focal)
    assert client.get(url("checkin_counter", drive)).status_code == 200
    assert post_outcome(client, drive, registrants["duc"], "evt-vandu-1").status_code == 403


def test_staff_of_the_collecting_facility_may_record(client_for, staff, drive, registrants):
    client = client_for(staff["facility"])
    assert client.get(url("checkin", drive)).status_code == 200
    response = post_outcome(client, drive, registrants["duc"], "evt-facility-1")
    assert response.status_code == 200 and response.json()["status"] == "donated"


def test_outcomes_need_a_login_and_answer_401_in_json(client, drive, registrants):
    response = post_outcome(client, drive, registrants["duc"], "evt-anon-1")
    assert response.status_code == 401
    assert response.json()["ok"] is False


def test_outcomes_refuse_get(client_for, people, drive):
    assert client_for(people.district_officer).get(url("checkin_outcome", drive)).status_code == 405


# --- recording outcomes ----------------------------------------------------------------------------


def test_donated_is_recorded_with_a_donation_and_a_certificate(client_for, people, drive, registrants, hospital):
    response = post_outcome(
        client_for(people.district_officer), drive, registrants["duc"], "evt-duc-1", volume_ml=450, bag_number="AT-0001"
    )
    assert response.status_code == 200
    answer = response.json()
    assert {k: answer[k] for k in ("ok", "duplicate", "status", "status_label", "registration")} == {
        "ok": True,
        "duplicate": False,
        "status": "donated",
        "status_label": "Đã hiến",
        "registration": registrants["duc"].pk,
    }
    registration = Registration.objects.select_related("donation").get(pk=registrants["duc"].pk)
    assert registration.status == RegistrationStatus.DONATED
    donation = registration.donation
    assert (donation.volume_ml, donation.bag_number) == (450, "AT-0001")
    assert (donation.facility, donation.date) == (hospital, DRIVE_DAY)
    assert donation.mobilised_by_id == registrants["duc"].unit_id
    assert donation.certificate_number


def test_deferred_is_recorded_with_reason_and_date(client_for, people, drive, registrants):
    response = post_outcome(
        client_for(people.district_officer),
        drive,
        registrants["an"],
        "evt-an-1",
        outcome="deferred",
        deferral_reason="Huyết sắc tố thấp",
        deferral_until="2021-10-09",
    )
    assert response.status_code == 200 and response.json()["status"] == "deferred"
    donation = Registration.objects.get(pk=registrants["an"].pk).donation
    assert donation.outcome == Outcome.DEFERRED
    assert (donation.deferral_reason, donation.deferral_until) == ("Huyết sắc tố thấp", datetime.date(2021, 10, 9))


def test_did_not_come_is_recorded_without_a_donation(client_for, people, drive, registrants):
    response = post_outcome(
        client_for(people.district_officer), drive, registrants["binh"], "evt-binh-1", outcome="no_show"
    )
    assert response.status_code == 200 and response.json()["status"] == "no_show"
    registration = Registration.objects.get(pk=registrants["binh"].pk)
    assert registration.status == RegistrationStatus.NO_SHOW and registration.donation is None
    assert not Donation.objects.exists()


def test_a_form_post_by_qr_token_works_too(client_for, people, drive, registrants):
    response = client_for(people.district_officer).post(
        url("checkin_outcome", drive),
        {
            "registration_token": registrants["hoa"].qr_token,
            "client_event_id": "evt-form-1",
            "outcome": "donated",
            "volume_ml": "250",
        },
    )
    assert response.status_code == 200
    assert Registration.objects.get(pk=registrants["hoa"].pk).donation.volume_ml == 250


def test_the_same_client_event_sent_twice_is_counted_once(client_for, people, drive, registrants):
    client = client_for(people.district_officer)
    first = post_outcome(client, drive, registrants["duc"], "7f0e8a3c-5b1d-4c2e-9f00-000000000001")
    again = post_outcome(client, drive, registrants["duc"], "7f0e8a3c-5b1d-4c2e-9f00-000000000001")
    assert first.status_code == again.status_code == 200
    assert first.json()["duplicate"] is False
    assert again.json()["duplicate"] is True and again.json()["status"] == "donated"
    assert Donation.objects.count() == 1
    assert CheckInEvent.objects.count() == 1


def test_a_second_scan_of_someone_who_donated_is_a_conflict(client_for, people, drive, registrants):
    client = client_for(people.district_officer)
    assert post_outcome(client, drive, registrants["duc"], "evt-scan-1").status_code == 200
    second = post_outcome(client, drive, registrants["duc"], "evt-scan-2")
    assert second.status_code == 409
    assert "đã được ghi nhận hiến máu" in second.json()["error"]
    deferral = post_outcome(client, drive, registrants["duc"], "evt-scan-3", outcome="deferred", deferral_reason="x")
    assert deferral.status_code == 409
    assert Donation.objects.count() == 1


def test_an_event_id_used_for_someone_else_is_a_conflict(client_for, people, drive, registrants):
    client = client_for(people.district_officer)
    assert post_outcome(client, drive, registrants["duc"], "evt-shared-1").status_code == 200
    assert post_outcome(client, drive, registrants["an"], "evt-shared-1").status_code == 409
    assert Registration.objects.get(pk=registrants["an"].pk).status == RegistrationStatus.REGISTERED


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"volume_ml": 300}, "250, 350 hoặc 450"),
        ({"outcome": "deferred"}, "lý do tạm hoãn"),
        ({"outcome": "came"}, ""),
        ({"client_event_id": "x"}, "Mã sự kiện"),
    ],
)
def test_bad_outcomes_are_refused_with_a_vietnamese_message(client_for, people, drive, registrants, fields, message):
    body = {
        "registration": registrants["duc"].pk,
        "client_event_id": "evt-bad-1",
        "outcome": "donated",
        "volume_ml": 350,
        **fields,
    }
    response = client_for(people.district_officer).post(
        url("checkin_outcome", drive), data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not CheckInEvent.objects.exists()


def test_someone_from_another_drive_is_not_found(client_for, people, drive, registrants, tree):
    other = Drive.objects.create(
        organiser=tree.an_thi, title="Đợt khác", date=DRIVE_DAY, start_time=datetime.time(7, 0), site_name="Xã Vân Du"
    )
    stranger = register(other, tree.van_du, "Đỗ Văn Khác")
    response = post_outcome(client_for(people.district_officer), drive, stranger, "evt-other-1")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.json()["error"]


def test_unreadable_json_is_a_400(client_for, people, drive):
    response = client_for(people.district_officer).post(
        url("checkin_outcome", drive), data="{not json", content_type="application/json"
    )
    assert response.status_code == 400


# --- search, snapshot, counter ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, expected",
    [
        ("nguyen van duc", ["Nguyễn Văn Đức"]),
        ("thi", ["Trần Thị An", "Phạm Thị Hoa"]),
        ("0912 345 678", ["Nguyễn Văn Đức"]),
        ("033090012345", ["Nguyễn Văn Đức"]),
        ("an", ["Trần Thị An"]),
    ],
)
def test_search_fragment_by_name_phone_or_cccd(client_for, people, drive, registrants, query, expected):
    response = client_for(people.district_officer).get(url("checkin", drive), {"q": query}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page
    found = [name for name in ("Nguyễn Văn Đức", "Trần Thị An", "Lê Bình", "Phạm Thị Hoa") if name in page]
    assert sorted(found) == sorted(expected)


def test_search_by_scanned_token_or_link(client_for, people, drive, registrants):
    client = client_for(people.district_officer)
    token = registrants["binh"].qr_token
    for text in (token, f"https://hienmau.example/r/x/{token}/"):
        page = client.get(url("checkin", drive), {"q": text}, HTTP_HX_REQUEST="true").content.decode()
        assert "Lê Bình" in page and "Nguyễn Văn Đức" not in page


def test_snapshot_has_what_offline_search_needs_and_no_identity_numbers(client_for, people, drive, registrants):
    response = client_for(people.district_officer).get(url("checkin_snapshot", drive))
    data = response.json()
    assert {r["name"] for r in data["registrations"]} == {"Nguyễn Văn Đức", "Trần Thị An", "Lê Bình", "Phạm Thị Hoa"}
    duc = next(r for r in data["registrations"] if r["id"] == registrants["duc"].pk)
    assert set(duc) == {"id", "token", "name", "folded", "unit", "unit_id", "kind", "kind_label", "status"}
    assert duc["folded"] == " nguyen van duc" and duc["unit"] == "xã Vân Du" and duc["status"] == "registered"
    assert "033090012345" not in response.content.decode() and "912345678" not in response.content.decode()


def test_counter_shows_collected_against_target_and_by_unit(client_for, people, drive, registrants, tree):
    client = client_for(people.district_officer)
    post_outcome(client, drive, registrants["duc"], "evt-c-0001")
    post_outcome(client, drive, registrants["hoa"], "evt-c-0002", volume_ml=250)
    post_outcome(client, drive, registrants["an"], "evt-c-0003", outcome="deferred", deferral_reason="Huyết áp")
    counter = services.results(drive)
    assert services.collected(drive) == 2
    response = client.get(url("checkin_counter", drive), HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert 'id="collected">2<' in page and 'id="target">4<' in page
    assert "50%" in page and 'hx-trigger="every 5s, refresh"' in page
    rows = {row.unit_name: (row.donated, row.deferred, row.registered) for row in counter[0]}
    assert rows == {"xã Vân Du": (1, 1, 2), "Trường THPT Ân Thi": (1, 0, 2)}
    assert "xã Vân Du" in page and "Trường THPT Ân Thi" in page


# --- walk-ins ----------------------------------------------------------------------------------------


def walk_in_data(tree, **overrides):
    data = {
        "walkin-full_name": "  Vũ   Thị Mai ",
        "walkin-date_of_birth": "15/08/1998",
        "walkin-sex": "F",
        "walkin-phone": "0903 123 456",
        "walkin-cccd": "",
        "walkin-unit": str(tree.van_du.pk),
    }
    data.update(overrides)
    return data


def test_a_walk_in_is_registered_and_returned_as_a_row(client_for, people, drive, tree):
    response = client_for(people.district_officer).post(
        url("checkin_walk_in", drive), walk_in_data(tree), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    registration = Registration.objects.get(drive=drive)
    assert (registration.full_name, registration.unit, registration.source) == (
        "Vũ Thị Mai",
        tree.van_du,
        RegistrationSource.WALK_IN,
    )
    assert registration.donor.phone == "+84903123456"
    page = response.content.decode()
    assert 'hx-swap-oob="afterbegin:#checkin-results"' in page and f'data-id="{registration.pk}"' in page


def test_a_walk_in_already_registered_is_not_added_twice(client_for, people, drive, registrants, tree):
    client = client_for(people.district_officer)
    data = walk_in_data(
        tree,
        **{
            "walkin-full_name": "Nguyễn Văn Đức",
            "walkin-date_of_birth": "12/05/1990",
            "walkin-sex": "M",
            "walkin-phone": "",
            "walkin-cccd": "033090012345",
        },
    )
    response = client.post(url("checkin_walk_in", drive), data, HTTP_HX_REQUEST="true")
    assert "đã có trong danh sách" in response.content.decode()
    assert drive.registrations.count() == 4


def test_a_walk_in_needs_a_phone_or_cccd_and_a_valid_cccd(client_for, people, drive, tree):
    client = client_for(people.district_officer)
    response = client.post(
        url("checkin_walk_in", drive), walk_in_data(tree, **{"walkin-phone": ""}), HTTP_HX_REQUEST="true"
    )
    assert "Ghi số điện thoại hoặc số CCCD" in response.content.decode()
    response = client.post(
        url("checkin_walk_in", drive), walk_in_data(tree, **{"walkin-cccd": "0331980"}), HTTP_HX_REQUEST="true"
    )
    assert "cần đúng 12" in response.content.decode()
    assert not Registration.objects.exists()


def test_a_leader_cannot_add_walk_ins(client_for, staff, drive, tree):
    response = client_for(staff["leader"]).post(url("checkin_walk_in", drive), walk_in_data(tree))
    assert response.status_code == 403


# --- results, facility list, closing -------------------------------------------------------------


@pytest.fixture
def recorded(client_for, people, drive, registrants, tree):
    client = client_for(people.district_officer)
    post_outcome(client, drive, registrants["duc"], "evt-r-0001", volume_ml=350)
    post_outcome(client, drive, registrants["an"], "evt-r-0002", outcome="deferred", deferral_reason="Huyết áp")
    post_outcome(client, drive, registrants["hoa"], "evt-r-0003", volume_ml=250)
    post_outcome(client, drive, registrants["binh"], "evt-r-0004", outcome="no_show")
    services.set_aggregate(drive, tree.phu_ung, donated=3, deferred=1, volume_ml=1050)
    return client


def test_result_sheet_xlsx_has_a_row_per_unit_and_totals(recorded, drive):
    from openpyxl import load_workbook

    response = recorded.get(url("result_sheet", drive, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = list(sheet.iter_rows(values_only=True))
    flat = [c for row in cells for c in row if c is not None]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat and "KẾT QUẢ TIẾP NHẬN MÁU" in flat
    assert "HUYỆN ÂN THI" in flat
    units = ("xã Vân Du", "Trường THPT Ân Thi", "xã Phù Ứng", "Tổng cộng")
    by_name = {row[1]: row[2:7] for row in cells if row[1] in units}
    assert by_name["xã Vân Du"] == (2, 1, 1, 0, 350)
    assert by_name["Trường THPT Ân Thi"] == (2, 1, 0, 1, 250)
    assert by_name["xã Phù Ứng"] == (0, 3, 1, 0, 1050)
    assert by_name["Tổng cộng"] == (4, 5, 2, 1, 1650)
    assert sheet["A1"].font.name == "Times New Roman"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4 and sheet.page_setup.orientation == "portrait"
    assert any(c == "ĐẠI DIỆN CƠ SỞ TIẾP NHẬN MÁU" for c in flat)


def test_result_sheet_pdf(recorded, drive):
    response = recorded.get(url("result_sheet", drive, "pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_result_sheet_html_has_the_motto_and_the_totals(recorded, drive):
    from hienmau.drives.result_sheets import result_sheet_html

    html = result_sheet_html(drive)
    assert "Độc lập - Tự do - Hạnh phúc" in html and "Times New Roman" in html and "A4 portrait" in html
    assert "1.650" in html and "Nhà văn hoá huyện" in html


def test_result_sheet_in_an_unknown_format_is_404(recorded, drive):
    assert recorded.get(url("result_sheet", drive, "docx")).status_code == 404


def test_facility_list_has_one_line_per_registrant_and_neutralises_formulas(
    client_for, people, drive, registrants, tree
):
    from openpyxl import load_workbook

    register(drive, tree.school, '=HYPERLINK("http://x")', kind=RegistrationKind.RESERVE)
    client = client_for(people.district_officer)
    post_outcome(client, drive, registrants["duc"], "evt-f-0001")
    response = client.get(url("facility_list", drive))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows.index(("STT", "Họ và tên", "Năm sinh", "Giới tính", "Đơn vị", "Hình thức", "Trạng thái"))
    lines = rows[header + 1 :]
    assert len(lines) == 5
    assert [line[0] for line in lines] == [1, 2, 3, 4, 5]
    duc = next(line for line in lines if line[1] == "Nguyễn Văn Đức")
    assert duc[2:] == (1990, "Nam", "xã Vân Du", "Hiến trực tiếp", "Đã hiến")
    binh = next(line for line in lines if line[1] == "Lê Bình")
    assert binh[5:] == ("Dự bị", "Đã đăng ký")
    assert any(line[1] == '\'=HYPERLINK("http://x")' for line in lines)
    assert all(not (isinstance(c, str) and c.startswith("=")) for row in rows for c in row)


def test_closing_marks_everyone_without_an_outcome_as_no_show(client_for, people, drive, registrants):
    client = client_for(people.district_officer)
    post_outcome(client, drive, registrants["duc"], "evt-close-1")
    response = client.post(url("drive_close", drive), follow=True)
    assert response.redirect_chain[-1][0] == url("checkin", drive)
    assert "3 người chưa có kết quả được ghi là không đến" in response.content.decode()
    drive.refresh_from_db()
    assert drive.status == DriveStatus.CLOSED
    statuses = dict(drive.registrations.values_list("full_name", "status"))
    assert statuses == {
        "Nguyễn Văn Đức": "donated",
        "Trần Thị An": "no_show",
        "Lê Bình": "no_show",
        "Phạm Thị Hoa": "no_show",
    }


def test_an_outcome_queued_offline_still_lands_after_the_drive_closed(client_for, people, drive, registrants):
    client = client_for(people.district_officer)
    client.post(url("drive_close", drive))
    response = post_outcome(client, drive, registrants["an"], "evt-late-1")
    assert response.status_code == 200 and response.json()["status"] == "donated"


def test_closing_needs_post(client_for, people, drive):
    assert client_for(people.district_officer).get(url("drive_close", drive)).status_code == 405


def test_service_worker_may_control_the_checkin_pages(client):
    response = client.get(reverse("drive_checkin:checkin_sw"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/drives/"
    assert b"snapshot.json" in response.content


# --- two devices at once (PostgreSQL) ------------------------------------------------------------


def _race(targets):
    """Run the callables in threads that start together; each thread closes its own connection."""
    barrier = threading.Barrier(len(targets))
    outcomes = [None] * len(targets)

    def run(index, target):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = ("ok", target())
        except ValidationError as exc:
            outcomes[index] = ("refused", exc.messages[0])
        except Exception as exc:
            outcomes[index] = ("error", repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite's IMMEDIATE transactions serialise the writers, "
    "so there is no row-lock race to test",
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_devices_scanning_the_same_donor_at_once_count_one_donation(drive, registrants, people):
    registration = registrants["duc"]
    check_in = services.CheckIn(outcome="donated", volume_ml=350)
    outcomes = _race(
        [
            lambda: services.record_outcome(registration, check_in, "device-a-0001", people.district_officer),
            lambda: services.record_outcome(registration, check_in, "device-b-0001", people.district_officer),
        ]
    )
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["ok", "refused"], outcomes
    assert "đã được ghi nhận hiến máu" in next(detail for kind, detail in outcomes if kind == "refused")
    assert Donation.objects.filter(donor=registration.donor).count() == 1
    assert CheckInEvent.objects.filter(registration=registration).count() == 1
    assert Registration.objects.get(pk=registration.pk).status == RegistrationStatus.DONATED


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_same_event_sent_by_two_tabs_at_once_is_recorded_once(drive, registrants, people):
    registration = registrants["an"]
    check_in = services.CheckIn(outcome="donated", volume_ml=250)
    outcomes = _race(
        [
            lambda: services.record_outcome(registration, check_in, "shared-event-0001", people.district_officer)[1],
            lambda: services.record_outcome(registration, check_in, "shared-event-0001", people.district_officer)[1],
        ]
    )
    assert sorted(outcomes) == [("ok", False), ("ok", True)], outcomes
    assert Donation.objects.filter(donor=registration.donor).count() == 1


def test_aggregate_results_count_in_the_counter(client_for, people, drive, tree):
    services.set_aggregate(drive, tree.phu_ung, donated=7, deferred=0, volume_ml=2450)
    assert AggregateResult.objects.count() == 1
    page = client_for(people.district_officer).get(url("checkin_counter", drive)).content.decode()
    assert 'id="collected">7<' in page


def test_the_collecting_facility_sees_the_drive_it_checks_in_at(drive, staff, client_for):
    """One visibility rule (orgs.scoping.visible_drives): the page and the check-in agree."""
    client = client_for(staff["facility"])
    assert client.get(url("checkin", drive)).status_code == 200
    page = client.get(reverse("drives:drive_detail", args=[drive.pk]))
    assert page.status_code == 200 and "Ngày hội hiến máu tình nguyện huyện Ân Thi" in page.content.decode()
    membership = staff["facility"].memberships.get()
    assert list(Drive.objects.visible_to(build_scope(membership))) == [drive]
