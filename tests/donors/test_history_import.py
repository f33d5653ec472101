import datetime

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import Workbook

from hienmau.donors.importer import HistoryImportError, import_history
from hienmau.donors.models import Donation, Donor

pytestmark = pytest.mark.django_db

HEADER = [
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số CCCD",
    "Số điện thoại",
    "Ngày hiến",
    "Thành phần",
    "Thể tích",
    "Mã túi máu",
    "Kết quả",
    "Lý do hoãn",
    "Hoãn đến",
    "Nhóm máu",
    "Tiền hay quà",
    "Số tiền",
]


def workbook(tmp_path, rows, name="export.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH NGƯỜI HIẾN MÁU — TRUNG TÂM Y TẾ HUYỆN ÂN THI"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


GOOD = [
    [
        "Nguyễn Văn Đức",
        datetime.datetime(1990, 5, 12),
        "Nam",
        "033090012345",
        "0912345678",
        datetime.datetime(2025, 11, 9),
        "Máu toàn phần",
        350,
        "AT2511090001",
        "Đã hiến",
        "",
        "",
        "O+",
        "Quà",
        "150.000",
    ],
    [
        "Phạm Thị Hoa",
        "01/01/2001",
        "Nữ",
        "033301234567",
        "0987 111 222",
        "09/11/2025",
        "Tiểu cầu",
        "250 ml",
        "AT2511090002",
        "Đã hiến",
        "",
        "",
        "AB Rh(-)",
        "Tiền",
        "150000",
    ],
    [
        "Hoàng Văn Nam",
        "1985-03-04",
        "Nam",
        "",
        "",
        "45970",
        "",
        "",
        "",
        "Tạm hoãn",
        "Huyết áp cao",
        "09/12/2025",
        "",
        "",
        "",
    ],
]


def test_import_matches_existing_donors_creates_new_ones_and_is_idempotent(tmp_path, donors, hospital):
    path = workbook(tmp_path, GOOD)
    result = import_history(path, hospital)
    assert (result.rows, result.donations_created, result.donors_created) == (3, 3, 2)
    assert donors["duc"].donations.count() == 3  # matched by CCCD
    hoa = Donor.objects.get(full_name="Phạm Thị Hoa")
    assert (hoa.abo, hoa.rh, hoa.phone, hoa.blood_group_source) == ("AB", "-", "+84987111222", "facility")
    deferral = Donation.objects.get(donor__full_name="Hoàng Văn Nam")
    assert deferral.outcome == "deferred" and deferral.date == datetime.date(2025, 11, 9)  # Excel serial 45970
    assert deferral.deferral_until == datetime.date(2025, 12, 9)
    again = import_history(path, hospital)
    assert (again.donations_created, again.donors_created, again.already_imported) == (0, 0, 3)
    assert Donation.objects.count() == 5


def test_bad_rows_are_named_and_nothing_is_saved(tmp_path, donors, hospital):
    bad = [
        GOOD[0],
        ["", "01/01/2000", "Nữ", "", "", "09/11/2025", "", 250, "X1", "", "", "", "", "", ""],
        ["Đỗ Thị Lan", "31/02/2000", "Nữ", "", "", "09/11/2025", "", 250, "X2", "", "", "", "", "", ""],
        ["Vũ Văn Hải", "01/01/1990", "Nam", "033290012345", "", "09/11/2025", "", 250, "X3", "", "", "", "", "", ""],
        ["Vũ Văn Hà", "01/01/1990", "Nam", "", "0221 3862 123", "09/11/2025", "", 250, "X4", "", "", "", "", "", ""],
        ["Vũ Văn Hùng", "01/01/1990", "Nam", "", "", "09/11/2025", "", 250, "X4", "", "", "", "", "", ""],
        # superscript digits pass str.isdigit() but are no number (found by tests/core/test_hostile_files.py)
        ["Vũ Thị Hoa", "01/01/1990", "Nữ", "", "", "09/11/2025", "", "²⁵⁰", "X5", "", "", "", "", "", ""],
    ]
    before = (Donor.objects.count(), Donation.objects.count())
    with pytest.raises(HistoryImportError) as caught:
        import_history(workbook(tmp_path, bad), hospital)
    messages = [str(p) for p in caught.value.problems]
    assert any(m.startswith("Dòng 4, cột Họ tên") for m in messages)
    assert any(m.startswith("Dòng 5, cột Ngày sinh") and "31/02/2000" in m for m in messages)
    assert any(m.startswith("Dòng 6, cột CCCD") for m in messages)
    assert any(m.startswith("Dòng 7, cột Số điện thoại") for m in messages)
    assert any(m.startswith("Dòng 8, cột Mã túi") and "dòng 7" in m for m in messages)
    assert any(m.startswith("Dòng 9, cột Thể tích") and "²⁵⁰" in m for m in messages)
    assert (Donor.objects.count(), Donation.objects.count()) == before


def test_a_donation_dated_after_today_is_refused_and_nothing_is_saved(tmp_path, donors, hospital):
    from hienmau.core.clock import frozen

    tomorrow = ["Lê Văn Tú", "01/01/1990", "Nam", "", "", "10/11/2025", "", 350, "F1", "", "", "", "", "", ""]
    before = (Donor.objects.count(), Donation.objects.count())
    with frozen(datetime.date(2025, 11, 9)), pytest.raises(HistoryImportError) as caught:
        import_history(workbook(tmp_path, [GOOD[0], tomorrow]), hospital)
    assert [str(p) for p in caught.value.problems] == [
        "Dòng 4, cột Ngày hiến: ngày 10/11/2025 chưa tới: chỉ nhập lần hiến đã diễn ra."
    ]
    assert caught.value.problems[0].code == "future_date"
    assert (Donor.objects.count(), Donation.objects.count()) == before
    with frozen(datetime.date(2025, 11, 10)):
        import_history(workbook(tmp_path, [GOOD[0], tomorrow]), hospital)  # on the day itself it is fine


def test_import_page_reports_row_errors(tmp_path, donors, hospital, people, client_for):
    client = client_for(people.district_officer)
    path = workbook(
        tmp_path, [["Ai đó", "hôm qua", "Nam", "", "", "09/11/2025", "", 250, "Y1", "", "", "", "", "", ""]]
    )
    with path.open("rb") as upload:
        response = client.post(reverse("donors:history_import"), {"file": upload, "facility": hospital.pk})
    body = response.content.decode()
    assert "Không nhập gì: 1 lỗi" in body and "Dòng 3, cột Ngày sinh" in body


def test_a_new_person_on_several_rows_becomes_one_donor_across_chunks(tmp_path, hospital, monkeypatch):
    """Rows are written in chunks: a person first seen in one chunk is found again in the same chunk
    (before anything is written) and in the next ones (in the database)."""
    from hienmau.donors import importer

    monkeypatch.setattr(importer, "CHUNK", 2)
    rows = [
        [
            "Lò Thị Mỷ",
            "02/02/1992",
            "Nữ",
            "",
            "0977000111",
            f"0{day}/10/2025",
            "",
            250,
            f"DB{day}",
            "Đã hiến",
            "",
            "",
            "B+",
            "",
            "",
        ]
        for day in range(1, 6)
    ]
    rows.append(["Lò Văn Pọm", "03/03/1993", "Nam", "", "", "06/10/2025", "", 350, "DB6", "", "", "", "", "", ""])
    result = import_history(workbook(tmp_path, rows), hospital)
    assert (result.donations_created, result.donors_created) == (6, 2)
    my = Donor.objects.get(full_name="Lò Thị Mỷ")
    assert my.donations.count() == 5 and my.history.count() == 1
    assert Donation.history.filter(donor_id=my.pk, history_type="+").count() == 5


def test_a_donation_dated_after_today_is_a_finding_and_nothing_is_saved(tmp_path, donors, hospital):
    from hienmau.core.clock import frozen

    rows = [
        GOOD[0],
        ["Vũ Văn Hải", "01/01/1990", "Nam", "", "", "10/11/2025", "", 250, "X9", "", "", "", "", "", ""],
    ]
    before = (Donor.objects.count(), Donation.objects.count())
    with frozen(datetime.date(2025, 11, 9)), pytest.raises(HistoryImportError) as caught:
        import_history(workbook(tmp_path, rows), hospital)
    messages = [str(p) for p in caught.value.problems]
    assert any(m.startswith("Dòng 4, cột Ngày hiến") and "10/11/2025 chưa tới" in m for m in messages), messages
    assert (Donor.objects.count(), Donation.objects.count()) == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's; SQLite serialises writes")
@pytest.mark.django_db(transaction=True)
def test_the_same_file_imported_twice_at_once_records_each_donation_once(tmp_path, donors, hospital):
    """The source keys' unique constraint holds the date (donations are partitioned by year), so the
    facility's row lock is what keeps two imports of one file from both inserting."""
    from tests.drives.test_checkin import _race

    path = workbook(tmp_path, GOOD)
    outcomes = _race([lambda: import_history(path, hospital), lambda: import_history(path, hospital)])
    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    assert sorted(result.donations_created for _, result in outcomes) == [0, 3]
    assert Donation.objects.filter(source_key__isnull=False).count() == 3
