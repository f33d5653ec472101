"""Where a person sends something the system cannot take, they get a Vietnamese message and a 4xx, and
nothing is saved; never a server error. PostgreSQL is where NUL bytes, long names and big integers bite,
so these run on both databases."""

import datetime
import json
import threading

import pytest
from django.db import connection
from django.urls import reverse

from hienmau.core.clock import frozen
from hienmau.core.middleware import MAX_FIELD_CHARS
from hienmau.donors.models import Donor
from hienmau.drives.models import AggregateResult, CheckInEvent, Drive, Registration, TimeSlot
from hienmau.orgs.models import Unit
from hienmau.plans import services as plan_services
from hienmau.plans.models import AllocationCell
from tests.plans.conftest import make_plan

pytestmark = pytest.mark.urls("tests.drives.checkin_test_urls")

DRIVE_DAY = datetime.date(2021, 7, 9)
LIST_HEAD = "STT\tHọ và tên\tNgày sinh\tGiới tính\tSố CCCD\tSố điện thoại\tTrực tiếp / Dự bị\n"


@pytest.fixture
def drive(tree):
    drive = Drive.objects.create(
        organiser=tree.an_thi,
        title="Ngày hội hiến máu huyện Ân Thi",
        date=DRIVE_DAY,
        start_time=datetime.time(7, 0),
        site_name="Nhà văn hoá huyện",
        target_units=100,
    )
    TimeSlot.objects.create(
        drive=drive, unit=tree.van_du, start_time=datetime.time(7), end_time=datetime.time(9), quota=50
    )
    return drive


def registration(drive, unit, name):
    donor = Donor.objects.create(full_name=name, date_of_birth=datetime.date(1990, 5, 12), sex="M")
    return Registration.objects.create(drive=drive, unit=unit, donor=donor, full_name=name)


def refused(response, status=400, words="") -> str:
    assert response.status_code == status, response.status_code
    body = response.content.decode()
    assert words in body
    return body


# --- NUL characters ------------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_a_nul_in_the_search_box_of_every_search_page_is_a_400(tree, people, client_for, drive, htmx):
    client = client_for(people.district_officer)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    for url in (
        reverse("orgs:unit_tree"),
        reverse("donors:donor_list"),
        reverse("drive_checkin:checkin", args=[drive.pk]),
        reverse("plans:plan_list"),
        reverse("drives:drive_calendar"),
    ):
        body = refused(client.get(url, {"q": "Ng\x00uyen"}, **headers), words="ký tự rỗng (NUL)")
        assert "NUL" in body, url


def test_a_nul_in_a_form_or_a_json_body_saves_nothing(tree, people, client_for, drive):
    client = client_for(people.district_officer)
    response = client.post(reverse("orgs:unit_create", args=[tree.an_thi.pk]), {"name": "Xã\x00", "kind": "commune"})
    refused(response, words="ký tự rỗng")
    assert not Unit.objects.filter(name__startswith="Xã").exists()
    person = registration(drive, tree.van_du, "Nguyễn Văn Đức")
    body = {
        "registration": person.pk,
        "client_event_id": "evt-nul-0001",
        "outcome": "deferred",
        "deferral_reason": "a\x00",
    }
    answer = client.post(
        reverse("drive_checkin:checkin_outcome", args=[drive.pk]), json.dumps(body), content_type="application/json"
    )
    assert answer.status_code == 400 and "ký tự rỗng" in answer.json()["error"]
    assert not CheckInEvent.objects.exists()


# --- too long ------------------------------------------------------------------------------------


def test_a_pasted_value_over_the_field_limit_is_refused_with_a_message(tree, people, client_for, drive):
    client = client_for(people.district_officer)
    text = LIST_HEAD + "1\t" + "a" * (MAX_FIELD_CHARS + 1) + "\t12/05/1990\tNam\t\t0912345678\tTrực tiếp\n"
    with frozen(datetime.date(2021, 7, 1)):
        body = refused(
            client.post(reverse("drives:list_submit", args=[drive.pk]), {"unit": tree.van_du.pk, "text": text})
        )
    assert "131.072" in body and "tệp" in body
    note = client.post(
        reverse("orgs:unit_edit", args=[tree.van_du.pk]),
        {"name": "Vân Du", "kind": "commune", "category": "xa", "note": "x" * (MAX_FIELD_CHARS + 1)},
    )
    refused(note, words="quá mức cho phép")
    tree.van_du.refresh_from_db()
    assert tree.van_du.note == ""


def test_a_name_over_255_characters_in_a_list_saves_nothing(tree, people, client_for, drive):
    client = client_for(people.district_officer)
    name = "Nguyễn " * 50 + "An"
    text = LIST_HEAD + f"1\t{name}\t12/05/1990\tNam\t\t0912345678\tTrực tiếp\n"
    with frozen(datetime.date(2021, 7, 1)):
        preview = client.post(reverse("drives:list_submit", args=[drive.pk]), {"unit": tree.van_du.pk, "text": text})
        valid = [line.line for line in preview.context["valid"]]
        if valid:  # the checker may already refuse the line; if it lets it through, saving must refuse it
            saved = client.post(
                reverse("drives:list_submit", args=[drive.pk]),
                {"token": preview.context["token"], "unit": tree.van_du.pk, "line": valid},
                follow=True,
            )
            messages = [str(m) for m in saved.context["messages"]]
            assert any("Dòng 1: Họ và tên dài 352 ký tự, tối đa 255" in m for m in messages), messages
    assert not Registration.objects.exists() and not Donor.objects.filter(full_name=name).exists()


def test_a_name_over_255_characters_in_a_history_file_is_a_row_problem(tree, people, client_for, tmp_path):
    from hienmau.donors.importer import HistoryImportError, import_history

    hospital = Unit.objects.create(name="Trung tâm Y tế", kind="organisation", category="hospital", parent=tree.an_thi)
    path = tmp_path / "lich-su.csv"
    path.write_text(
        "Họ và tên,Ngày sinh,Giới tính,Ngày hiến,Thể tích,Kết quả,Số tiền\n"
        + "A" * 300
        + ",01/01/1990,Nam,01/01/2021,350,Đã hiến,150000\n"
        + f"Trần Văn Bình,01/01/1991,Nam,01/01/2021,350,Đã hiến,{2**31}\n",
        encoding="utf-8",
    )
    with pytest.raises(HistoryImportError) as caught:
        import_history(path, hospital)
    messages = [str(problem) for problem in caught.value.problems]
    assert "Dòng 2, cột Họ và tên: dài 300 ký tự, tối đa 255" in messages
    assert "Dòng 3, cột Giá trị hỗ trợ (đồng): 2.147.483.648 quá lớn (tối đa 2.147.483.647)" in messages
    assert not Donor.objects.exists()


def test_a_name_over_255_characters_in_a_unit_list_is_a_row_error(tree, tmp_path):
    from hienmau.orgs.importer import UnitImportError, import_units_file

    path = tmp_path / "don-vi.csv"
    path.write_text(f"code,name,level,parent_code\nX1,{'A' * 300},Tỉnh,VN\n", encoding="utf-8")
    with pytest.raises(UnitImportError, match="Dòng 2, cột Tên: dài 300 ký tự, tối đa 255"):
        import_units_file(path)
    assert not Unit.objects.filter(code="X1").exists()


# --- integers past 2³¹ ---------------------------------------------------------------------------


def test_an_integer_past_2_31_in_a_number_field_is_a_message(tree, people, client_for, drive):
    client = client_for(people.district_officer)
    big = str(2**31)
    response = client.post(
        reverse("drives:aggregate_set", args=[drive.pk]),
        {"unit": tree.van_du.pk, "donated": big, "deferred": "0", "volume_ml": "0"},
    )
    refused(response, status=422, words="2.147.483.648 quá lớn: tối đa 2.147.483.647")
    assert not AggregateResult.objects.exists()
    edit = client.post(
        reverse("orgs:unit_edit", args=[tree.van_du.pk]),
        {"name": "Vân Du", "kind": "commune", "category": "xa", "population": "2.147.483.648"},
    )
    assert edit.status_code == 200 and "quá lớn: tối đa 2.147.483.647" in edit.content.decode()
    tree.van_du.refresh_from_db()
    assert tree.van_du.population is None


# --- the calendar --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", [{"year": 9999, "month": 12}, {"year": 0}, {"month": 13}, {"year": "năm"}, {"year": 1, "month": 1}]
)
def test_an_impossible_month_on_the_calendar_is_a_400_showing_this_month(tree, people, client_for, query):
    with frozen(DRIVE_DAY):
        body = refused(client_for(people.district_officer).get(reverse("drives:drive_calendar"), query))
    assert "Tháng hoặc năm không hợp lệ" in body and "Tháng 07/2021" in body


# --- the plan grid -------------------------------------------------------------------------------


def test_a_negative_total_on_add_row_is_a_422_and_adds_nothing(tree, people, client_for):
    plan = make_plan(tree.an_thi, "14", [(tree.van_du, 54, [25, 29])])
    client = client_for(people.district_officer)
    response = client.post(reverse("plans:grid_add_row", args=[plan.pk]), {"unit": tree.phu_ung.pk, "total": "-5"})
    refused(response, status=422, words="Không thêm được dòng")
    assert "-5 quá nhỏ: tối thiểu 0" in response.content.decode()
    assert plan.allocations.count() == 1


def _together(calls):
    """Run the calls in threads that start at once; each closes its own connection. Returns what each
    returned, or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except Exception as exc:
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_the_first_writes_to_one_grid_cell_at_once_both_land(tree):
    plan = make_plan(
        tree.an_thi, "14", [(unit, None, [None, None]) for unit in (tree.van_du, tree.phu_ung, tree.school)]
    )
    cells = [(allocation, bucket) for allocation in plan.allocations.all() for bucket in plan.buckets.all()]
    for allocation, bucket in cells:  # several fresh cells, four writers each: the race is near certain
        outcomes = _together(
            [lambda a=allocation, b=bucket, v=value: plan_services.set_cell(a, b, v) for value in (1, 2, 3, 4)]
        )
        assert [o for o in outcomes if isinstance(o, Exception)] == []
        assert AllocationCell.objects.filter(allocation=allocation, bucket=bucket).count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_event_id_sent_for_two_people_at_once_is_a_409_not_a_500(tree, people, drive):
    from django.test import Client

    people_at_the_site = [registration(drive, tree.van_du, f"Người Số {n}") for n in range(4)]

    def send(person, event_id):
        client = Client(raise_request_exception=False)
        client.force_login(people.district_officer)
        body = {"registration": person.pk, "client_event_id": event_id, "outcome": "no_show"}
        url = reverse("drive_checkin:checkin_outcome", args=[drive.pk])
        return client.post(url, json.dumps(body), content_type="application/json").status_code

    for attempt in range(3):
        event_id = f"evt-shared-{attempt:04d}"
        statuses = _together([lambda p=person, e=event_id: send(p, e) for person in people_at_the_site])
        assert sorted(statuses) == [200, 409, 409, 409], statuses
        assert CheckInEvent.objects.filter(client_event_id=event_id).count() == 1


def test_an_event_id_reused_at_another_drive_is_a_409_and_records_nothing(tree, people, client_for, drive):
    other = Drive.objects.create(
        organiser=tree.an_thi, title="Đợt khác", date=DRIVE_DAY, start_time=datetime.time(13), site_name="Trường THPT"
    )
    here, there = registration(drive, tree.van_du, "Người Ở Đây"), registration(other, tree.van_du, "Người Ở Kia")
    client = client_for(people.district_officer)

    def send(at, person):
        body = {"registration": person.pk, "client_event_id": "evt-reused-0001", "outcome": "no_show"}
        url = reverse("drive_checkin:checkin_outcome", args=[at.pk])
        return client.post(url, json.dumps(body), content_type="application/json")

    assert send(drive, here).status_code == 200
    answer = send(other, there)
    assert answer.status_code == 409 and "đã được dùng" in answer.json()["error"]
    there.refresh_from_db()
    assert there.status == "registered" and CheckInEvent.objects.count() == 1


# --- hostile files -------------------------------------------------------------------------------


def test_an_uploaded_list_with_a_cell_over_131072_characters_is_a_message(tree, people, client_for, drive):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(people.district_officer)
    content = LIST_HEAD.replace("\t", ",") + '1,"' + "a" * 131_073 + '",12/05/1990,Nam,,0912345678,Trực tiếp\n'
    upload = SimpleUploadedFile("ds.csv", content.encode(), content_type="text/csv")
    with frozen(datetime.date(2021, 7, 1)):
        response = client.post(reverse("drives:list_submit", args=[drive.pk]), {"unit": tree.van_du.pk, "file": upload})
    assert response.status_code < 500
    assert "Dòng 2: có ô dài hơn 131.072 ký tự" in response.content.decode()
    assert not Registration.objects.exists()


def test_an_uploaded_workbook_with_truncated_sheet_xml_is_a_message(tree, people, client_for, drive, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.core.test_tables import SHEET_HEAD, _workbook_with_sheet

    path = tmp_path / "cut.xlsx"
    _workbook_with_sheet(path, lambda sheet: sheet.write(SHEET_HEAD + b'<row r="1"><c r="A1" t="inlineStr"><is><t>Ho'))
    client = client_for(people.district_officer)
    upload = SimpleUploadedFile("ds.xlsx", path.read_bytes())
    with frozen(datetime.date(2021, 7, 1)):
        response = client.post(reverse("drives:list_submit", args=[drive.pk]), {"unit": tree.van_du.pk, "file": upload})
    assert response.status_code < 500
    assert "bị hỏng hoặc không đầy đủ" in response.content.decode()
    assert not Registration.objects.exists()


# --- digits that are not numbers ------------------------------------------------------------------
# "²" and "①" pass str.isdigit() but int() refuses them: every number read from a request is checked with
# isdecimal(), which accepts exactly what int() reads.


@pytest.mark.parametrize("odd", ["²", "①", "¹²"])
def test_a_superscript_where_a_number_is_expected_is_never_a_server_error(tree, people, client_for, odd):
    officer = client_for(people.province_officer)
    assert officer.get(reverse("humanitarian:report"), {"plan": odd}).status_code == 200
    assert officer.get(reverse("results:result_import"), {"plan": odd}).status_code == 200
    assert not odd.isdecimal() and odd.isdigit()
