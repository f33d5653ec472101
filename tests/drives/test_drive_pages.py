import datetime
import re
import threading

import pytest
from django.db import connection
from django.urls import reverse

from hienmau.core.clock import frozen
from hienmau.drives import services
from hienmau.drives.models import Drive, Registration, RosterEntry, TimeSlot
from hienmau.orgs.models import Unit
from tests.orgs.test_scoping import urls_taking

DRIVE_DAY = datetime.date(2021, 7, 9)


@pytest.fixture
def drive(tree):
    """Ân Thi's drive with two communes and the school taking part."""
    drive = Drive.objects.create(
        organiser=tree.an_thi,
        title="Ngày hội hiến máu huyện Ân Thi",
        date=DRIVE_DAY,
        start_time=datetime.time(7, 0),
        end_time=datetime.time(11, 30),
        site_name="Nhà văn hoá huyện",
        target_units=100,
        expected_direct=80,
        expected_reserve=40,
        list_deadline=datetime.date(2021, 7, 6),
        public_registration=True,
    )
    for unit, quota in ((tree.van_du, 15), (tree.phu_ung, 15), (tree.school, 30)):
        TimeSlot.objects.create(
            drive=drive, unit=unit, start_time=datetime.time(10), end_time=datetime.time(11, 30), quota=quota
        )
    TimeSlot.objects.create(drive=drive, unit=None, start_time=datetime.time(7), end_time=datetime.time(8), quota=2)
    return drive


LIST = (
    "DANH SÁCH TRÍCH NGANG NGƯỜI ĐĂNG KÝ HIẾN MÁU\n"
    "STT\tHọ và tên\tNgày sinh\tGiới tính\tSố CCCD\tSố điện thoại\tĐơn vị\tTrực tiếp / Dự bị\n"
    "1\tNguyễn Văn Hùng\t12/05/1990\tNam\t033090012345\t0912345678\tXã Vân Du\tTrực tiếp\n"
    "2\tTrần Thị Mai\t31/02/1995\tNữ\t\t0987654321\tXã Vân Du\tDự bị\n"
    "3\tLê Thị Hoa\t15/08/2004\tNữ\t\t0977000111\tXã Vân Du\tTrực tiếp\n"
    "4\tPhạm Văn Nam\t01/01/1985\tNam\t\t0221 3862 123\tXã Vân Du\tTrực tiếp\n"
)


@pytest.mark.django_db
def test_every_drive_url_is_404_outside_the_scope(drive, people, client_for):
    client = client_for(people.province_officer)
    urls = urls_taking(drive.pk, "drives", kwargs=("pk",)) + urls_taking(drive.pk, "drive_checkin", kwargs=("pk",))
    urls.append(reverse("drives:roster_delete", args=[drive.pk, 1]))
    assert len(urls) >= 10
    for url in urls:  # 405 where a view takes only the other method: nothing about the drive is revealed
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url).status_code in (404, 405), url


@pytest.mark.django_db
def test_calendar_shows_the_month_with_units_and_targets(drive, people, client_for):
    body = (
        client_for(people.district_officer)
        .get(reverse("drives:drive_calendar"), {"year": 2021, "month": 7})
        .content.decode()
    )
    assert "Ngày hội hiến máu huyện Ân Thi" in body and "xã Vân Du" in body and "100" in body


@pytest.mark.django_db
def test_a_participating_commune_sees_its_quota_count_and_deadline_only(drive, people, client_for):
    body = client_for(people.van_du_focal).get(reverse("drives:drive_detail", args=[drive.pk])).content.decode()
    assert "xã Vân Du" in body and "06/07/2021" in body
    assert "xã Phù Ứng" not in body and "Trường THPT Ân Thi" not in body


@pytest.mark.django_db
def test_bulk_slots_and_roster(drive, people, client_for, tree):
    extra = Unit.objects.create(name="Công an huyện", kind="organisation", category="armed_forces", parent=tree.an_thi)
    client = client_for(people.district_officer)
    client.post(
        reverse("drives:slots_create", args=[drive.pk]),
        {"units": [extra.pk, tree.van_du.pk], "start_time": "09:00", "end_time": "10:00", "quota": "60"},
    )
    assert drive.slots.filter(unit=extra, quota=60).exists()
    assert drive.slots.filter(unit=tree.van_du).count() == 1  # an existing unit keeps its slot
    client.post(
        reverse("drives:roster_add", args=[drive.pk]),
        {"role": "volunteer", "unit": tree.school.pk, "people": "10", "arrival_time": "06:30", "task": "Đón tiếp"},
    )
    assert RosterEntry.objects.get(drive=drive).people == 10


@pytest.mark.django_db
def test_a_pasted_list_is_checked_line_by_line_then_saved_on_confirmation_and_marked_late(
    drive, people, client_for, tree
):
    client = client_for(people.van_du_focal)
    with frozen(datetime.date(2021, 7, 7)):  # a day after the deadline
        preview = client.post(reverse("drives:list_submit", args=[drive.pk]), {"unit": tree.van_du.pk, "text": LIST})
        body = preview.content.decode()
        assert "Ngày tháng không hợp lệ" in body and "Chưa đủ 18 tuổi vào ngày hiến máu" in body
        assert "Số điện thoại không phải số di động Việt Nam" in body
        assert not re.search(r"\b(invalid_date|under_18_on_drive_day|invalid_phone)\b", body)
        assert Registration.objects.count() == 0
        lines = [str(line.line) for line in preview.context["valid"]]
        assert lines == ["1"]
        saved = client.post(
            reverse("drives:list_submit", args=[drive.pk]),
            {"token": preview.context["token"], "unit": tree.van_du.pk, "line": lines},
        )
    assert saved.status_code == 302
    registration = Registration.objects.get()
    assert registration.full_name == "Nguyễn Văn Hùng" and registration.unit == tree.van_du and registration.late
    assert registration.donor.cccd == "033090012345" and registration.donor.phone == "+84912345678"


@pytest.mark.django_db
def test_public_registration_gives_a_qr_and_refuses_a_full_slot(drive, client, db):
    url = reverse("public_drives:register", args=[drive.public_token])
    slot = drive.slots.get(unit__isnull=True)
    with frozen(datetime.date(2021, 7, 1)):
        for n, phone in enumerate(("0912000001", "0912000002")):
            response = client.post(
                url,
                {
                    "slot": slot.pk,
                    "full_name": f"Người Số {n}",
                    "date_of_birth": "01/01/1990",
                    "sex": "M",
                    "phone": phone,
                    "kind": "direct",
                    "consent": "on",
                },
            )
            assert "Đăng ký thành công" in response.content.decode() and "<svg" in response.content.decode()
        full = client.get(url).content.decode()
    assert "đã đủ người" in full
    assert slot.registrations.count() == 2


@pytest.mark.django_db
def test_aggregate_results_count_toward_the_drive(drive, people, client_for, tree):
    client = client_for(people.district_officer)
    client.post(
        reverse("drives:aggregate_set", args=[drive.pk]),
        {"unit": tree.school.pk, "donated": "25", "deferred": "3", "volume_ml": "8750"},
    )
    assert services.collected(drive) == 25
    rows, total = services.results(drive)
    assert total.donated == 25 and rows[0].volume_ml == 8750


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks are PostgreSQL's; SQLite serialises writes")
@pytest.mark.django_db(transaction=True)
def test_two_people_cannot_take_the_last_place_at_once(drive):
    slot = drive.slots.get(unit__isnull=True)
    slot.quota = 1
    slot.save()
    barrier = threading.Barrier(2)
    outcomes = []

    def book(n):
        try:
            barrier.wait()
            services.take_slot(drive, slot, services.Person(full_name=f"Người {n}", phone=f"+8491200000{n}"))
            outcomes.append("ok")
        except services.SlotFull:
            outcomes.append("full")
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["full", "ok"]
    assert slot.registrations.count() == 1


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks are PostgreSQL's; SQLite serialises writes")
@pytest.mark.django_db(transaction=True)
def test_the_same_person_booking_two_slots_at_once_gets_one_registration(drive):
    """Two tabs of the public page sending one person's sign-up for two slots at the same moment: the
    drive's row lock in services.take_slot makes the second find the first and move it to its slot."""
    slots = list(drive.slots.order_by("pk")[:2])
    for attempt in range(3):  # a few people, two tabs each: the race is near certain
        person = services.Person(
            full_name=f"Trần Thị Số {attempt}", date_of_birth=datetime.date(1995, 2, 1), phone=f"+8498765432{attempt}"
        )
        barrier = threading.Barrier(2)
        booked, errors = [], []

        def book(slot, person=person, barrier=barrier, booked=booked, errors=errors):
            try:
                barrier.wait(timeout=10)
                booked.append(services.take_slot(drive, slot, person).pk)
            except Exception as exc:  # any failure of either tab is the finding
                errors.append(repr(exc))
            finally:
                connection.close()

        threads = [threading.Thread(target=book, args=(slot,)) for slot in slots]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert errors == [] and len(booked) == 2 and booked[0] == booked[1]  # both tabs answered alike
        mine = Registration.objects.filter(drive=drive, full_name=person.full_name)
        assert mine.count() == 1 and mine.get().slot_id in {slot.pk for slot in slots}
        assert Registration.objects.filter(drive=drive).count() == attempt + 1


@pytest.mark.django_db
def test_reminders_go_once_through_the_notification_layer(
    drive, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    from hienmau.notify.models import Message

    settings.HIENMAU_NOTIFY_BACKEND = "file"
    settings.VAR_DIR = tmp_path
    slot = drive.slots.get(unit__isnull=True)
    registration = services.take_slot(drive, slot, services.Person(full_name="Trần Thị An", phone="+84912000001"))
    registration.donor.consent_contact = True
    registration.donor.save()
    services.take_slot(drive, slot, services.Person(full_name="Lê Văn Bình", phone="+84912000002"))  # no consent
    with frozen(DRIVE_DAY - datetime.timedelta(days=1)), django_capture_on_commit_callbacks(execute=True):
        call_command("drive", "remind", "--days", "1")
        call_command("drive", "remind", "--days", "1")
    message = Message.objects.get()
    assert message.recipient == "+84912000001" and "07:00 ngày 09/07/2021" in message.body
    outbox = list((tmp_path / "outbox").iterdir())
    assert len(outbox) == 1 and "Trần Thị An" in outbox[0].read_text(encoding="utf-8")


@pytest.mark.django_db
def test_people_typed_into_the_form_go_through_the_same_checks(drive, people, client_for, tree):
    from hienmau.donors.models import Donor

    known = Donor.objects.create(
        full_name="Đỗ Văn Tâm", date_of_birth=datetime.date(1991, 3, 3), sex="M", commune=tree.van_du
    )
    client = client_for(people.van_du_focal)
    data = {
        "unit": tree.van_du.pk,
        "typed-TOTAL_FORMS": "5",
        "typed-INITIAL_FORMS": "0",
        "typed-MIN_NUM_FORMS": "0",
        "typed-MAX_NUM_FORMS": "1000",
        "typed-0-full_name": "Đỗ Văn Tâm",
        "typed-0-date_of_birth": "03/03/1991",
        "typed-0-sex": "Nam",
        "typed-0-phone": "0912000111",
        "typed-0-kind": "Trực tiếp",
        "typed-1-full_name": "Cháu Nhỏ",
        "typed-1-date_of_birth": "01/01/2010",
        "typed-1-sex": "Nữ",
        "typed-1-kind": "Dự bị",
    }
    with frozen(datetime.date(2021, 7, 1)):
        preview = client.post(reverse("drives:list_submit", args=[drive.pk]), data)
    body = preview.content.decode()
    # Name and birth date alone never link: the line makes a new record proposed for review.
    assert "Chưa đủ 18 tuổi vào ngày hiến máu" in body and "đưa vào mục Cần xem xét" in body
    assert "under_18_on_drive_day" not in body
    assert [c.donor for c in preview.context["matches"][1].candidates] == [known]


def _drive_post(tree, **extra):
    return {
        "title": "Ngày hội mới",
        "organiser": tree.an_thi.pk,
        "date": "20/07/2021",
        "start_time": "07:00",
        "site_name": "Nhà văn hoá",
        "expected_direct": "10",
        "expected_reserve": "0",
        **extra,
    }


@pytest.mark.django_db
def test_the_collecting_facility_is_one_that_serves_the_scope(tree, people, client_for):
    def hospital(name, parent):
        return Unit.objects.create(name=name, kind="organisation", category="hospital", parent=parent)

    own = hospital("Trung tâm Y tế huyện Ân Thi", tree.an_thi)
    provincial = hospital("Bệnh viện Đa khoa tỉnh Hưng Yên", tree.hung_yen)
    national = hospital("Viện Huyết học - Truyền máu Trung ương", tree.nation)
    elsewhere = hospital("Bệnh viện Đa khoa tỉnh An Giang", tree.an_giang)
    other_district = Unit.objects.create(name="Kim Động", kind="district", category="huyen", parent=tree.hung_yen)
    neighbour = hospital("Trung tâm Y tế huyện Kim Động", other_district)
    staffed = Unit.objects.create(
        name="Điểm hiến máu cố định", kind="organisation", category="agency", parent=tree.an_thi
    )
    from hienmau.orgs.models import Role
    from tests.factories import member

    member("bv.diemco", staffed, Role.FACILITY_STAFF)
    client = client_for(people.district_officer)
    offered = set(client.get(reverse("drives:drive_create")).context["form"].fields["facility"].queryset)
    assert offered == {own, provincial, national, staffed}
    refused = client.post(reverse("drives:drive_create"), _drive_post(tree, facility=elsewhere.pk))
    assert refused.status_code == 200 and "facility" in refused.context["form"].errors
    assert "cơ sở tiếp nhận máu trong phạm vi" in refused.content.decode()
    assert client.post(reverse("drives:drive_create"), _drive_post(tree, facility=neighbour.pk)).status_code == 200
    assert not Drive.objects.filter(title="Ngày hội mới").exists()
    assert client.post(reverse("drives:drive_create"), _drive_post(tree, facility=provincial.pk)).status_code == 302
    assert Drive.objects.get(title="Ngày hội mới").facility == provincial


def _readable(response) -> str:
    """The text a person would read in the response: the page, the spreadsheet cells or the PDF's text."""
    import io
    import shutil
    import subprocess

    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.content)).active
        return "\n".join(str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None)
    if kind == "application/pdf":
        if shutil.which("pdftotext") is None:
            pytest.skip("pdftotext (poppler-utils) is not installed")
        return subprocess.run(
            ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
        ).stdout.decode()
    return response.content.decode()


@pytest.fixture
def busy_drive(drive, tree):
    """Every participating unit has registrants, outcomes, a list or an aggregate report."""
    from hienmau.donors.models import Donor
    from hienmau.drives.models import AggregateResult, RegistrantList, RegistrationStatus

    for unit, name, status in (
        (tree.van_du, "Nguyễn Văn Vân", RegistrationStatus.DONATED),
        (tree.phu_ung, "Trần Thị Phù", RegistrationStatus.DEFERRED),
        (tree.school, "Lê Học Trò", RegistrationStatus.NO_SHOW),
        (None, "Người Tự Đến", RegistrationStatus.DONATED),
    ):
        donor = Donor.objects.create(full_name=name, date_of_birth=datetime.date(1990, 1, 1), sex="M")
        Registration.objects.create(drive=drive, unit=unit, donor=donor, full_name=name, status=status)
    for unit in (tree.van_du, tree.phu_ung):
        RegistrantList.objects.create(drive=drive, unit=unit, lines=1, late=True)
    AggregateResult.objects.create(drive=drive, unit=tree.school, donated=37, deferred=2, volume_ml=12950)
    return drive


OTHERS = ("Phù Ứng", "Trường THPT Ân Thi", "Tự đăng ký / đến trực tiếp", "12.950", "12950")


@pytest.mark.django_db
@pytest.mark.urls("tests.drives.checkin_test_urls")
def test_a_participating_unit_sees_only_its_own_part_at_every_drive_url(busy_drive, people, client_for):
    drive = busy_drive
    client = client_for(people.van_du_focal)
    urls = urls_taking(drive.pk, "drives", kwargs=("pk",)) + urls_taking(drive.pk, "drive_checkin", kwargs=("pk",))
    urls += [
        reverse("drive_checkin:result_sheet", args=[drive.pk, "xlsx"]),
        reverse("drive_checkin:result_sheet", args=[drive.pk, "pdf"]),
        reverse("drives:drive_calendar") + "?year=2021&month=7",
    ]
    read = 0
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 403, 405), (url, response.status_code)
        if response.status_code != 200:
            continue
        read += 1
        text = _readable(response)
        for other in OTHERS:
            assert other not in text, (url, other)
    assert read >= 6  # detail, list form, counter, both result sheets, the calendar
    detail = client.get(reverse("drives:drive_detail", args=[drive.pk])).context
    assert (
        detail["collected"] == 1
        and detail["total"].registered == 1
        and [q.unit for q in detail["quotas"]] == [drive.slots.get(quota=15, unit__name="Vân Du").unit]
    )
    assert [entry.unit.name for entry in detail["lists"]] == ["Vân Du"]
    counter = client.get(reverse("drive_checkin:checkin_counter", args=[drive.pk])).context
    assert counter["collected"] == 1 and counter["percent"] is None


@pytest.mark.django_db
@pytest.mark.urls("tests.drives.checkin_test_urls")
def test_the_organiser_still_sees_every_unit(busy_drive, people, client_for):
    client = client_for(people.district_officer)
    sheet = _readable(client.get(reverse("drive_checkin:result_sheet", args=[busy_drive.pk, "xlsx"])))
    assert all(name in sheet for name in ("Vân Du", "Phù Ứng", "Trường THPT Ân Thi", "Tự đăng ký / đến trực tiếp"))
    detail = client.get(reverse("drives:drive_detail", args=[busy_drive.pk])).context
    assert detail["collected"] == 39 and detail["total"].registered == 4 and len(detail["quotas"]) == 3


def public_form(slot, **fields):
    return {
        "slot": slot.pk,
        "full_name": "Vũ Minh Khôi",
        "date_of_birth": "01/01/1990",
        "sex": "M",
        "phone": "0912000009",
        "kind": "direct",
        "consent": "on",
        **fields,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"date_of_birth": "01/03/2010"}, "date_of_birth", "Chưa đủ 18 tuổi"),
        ({"date_of_birth": "10/07/2003"}, "date_of_birth", "Chưa đủ 18 tuổi"),  # 18 the day after the drive
        ({"date_of_birth": "01/01/1960"}, "date_of_birth", "Đã quá 60 tuổi"),
        ({"last_donation": "01/06/2021"}, "last_donation", "cần cách ít nhất 12 tuần"),
        ({"last_donation": "02/07/2021"}, "last_donation", "không thể sau hôm nay"),
    ],
)
def test_public_registration_refuses_who_may_not_give_on_the_drive_day(drive, client, fields, field, message):
    url = reverse("public_drives:register", args=[drive.public_token])
    slot = drive.slots.get(unit__isnull=True)
    with frozen(datetime.date(2021, 7, 1)):
        response = client.post(url, public_form(slot, **fields))
    assert message in " ".join(response.context["form"].errors[field])
    assert "Đăng ký thành công" not in response.content.decode()
    assert not Registration.objects.exists()


@pytest.mark.django_db
def test_public_registration_takes_someone_who_turns_18_on_the_drive_day_and_gave_12_weeks_before(drive, client):
    url = reverse("public_drives:register", args=[drive.public_token])
    slot = drive.slots.get(unit__isnull=True)
    adult_on_the_day = drive.date.replace(year=drive.date.year - 18).strftime("%d/%m/%Y")
    twelve_weeks = (drive.date - datetime.timedelta(weeks=12)).strftime("%d/%m/%Y")
    with frozen(datetime.date(2021, 7, 1)):
        response = client.post(url, public_form(slot, date_of_birth=adult_on_the_day, last_donation=twelve_weeks))
    assert "Đăng ký thành công" in response.content.decode()
