"""Addresses written before the 2025 reform land in today's commune, through the one place resolver, in
every path that makes a new record: a unit's registrant list, the public sign-up page and a facility's
donation history. An address outside the organiser's province, or naming only a district, places nobody."""

import datetime

import pytest
from django.urls import reverse
from openpyxl import Workbook

from hienmau.core.clock import frozen
from hienmau.donors.importer import import_history
from hienmau.donors.models import Donor
from hienmau.drives import services
from hienmau.drives.models import Drive, Registration, TimeSlot
from hienmau.orgs.models import Role, SuccessorLink, Unit, UnitCategory, UnitKind
from tests.conftest import DISTRICTS_END, territorial
from tests.factories import member

TODAY = datetime.date(2026, 3, 2)
BASIS = "Nghị quyết số 1666/NQ-UBTVQH15 ngày 16/06/2025"

pytestmark = pytest.mark.django_db


@pytest.fixture
def xuan_truc(tree):
    commune = territorial(
        "Xuân Trúc", UnitKind.COMMUNE, UnitCategory.RURAL_COMMUNE, tree.hung_yen, "12162", valid_from=DISTRICTS_END
    )
    SuccessorLink.objects.create(
        predecessor=tree.van_du, successor=commune, effective_date=DISTRICTS_END, legal_basis=BASIS
    )
    return commune


@pytest.fixture
def drive(tree, xuan_truc):
    drive = Drive.objects.create(
        organiser=tree.hung_yen,
        title="Ngày hội hiến máu tỉnh Hưng Yên",
        date=datetime.date(2026, 3, 20),
        start_time=datetime.time(7, 0),
        end_time=datetime.time(11, 30),
        site_name="Nhà văn hoá tỉnh",
        list_deadline=datetime.date(2026, 3, 15),
        public_registration=True,
    )
    for unit in (xuan_truc, None):
        TimeSlot.objects.create(
            drive=drive, unit=unit, start_time=datetime.time(7), end_time=datetime.time(9), quota=20
        )
    return drive


def test_the_place_resolver_puts_an_old_address_in_todays_commune_and_leaves_others_unplaced(tree, xuan_truc):
    people = [
        services.Person("A", address="thôn Đào Xá, xã Vân Du, huyện Ân Thi, tỉnh Hưng Yên"),
        services.Person("B", address="Xã Xuân Trúc, Hưng Yên"),
        services.Person("C", address="huyện Ân Thi, Hưng Yên"),  # no commune written
        services.Person("D", address="huyện An Minh, Kiên Giang"),  # another province
    ]
    with frozen(TODAY):
        services.place_addresses(people, tree.hung_yen)
    assert [p.commune for p in people] == [xuan_truc, xuan_truc, None, None]
    assert "xã Vân Du (huyện Ân Thi) trước đây" in people[0].place_note and "1666/NQ-UBTVQH15" in people[0].place_note
    assert people[1].place_note == ""


def test_a_registrant_list_with_old_addresses_shows_and_saves_todays_commune(tree, drive, xuan_truc, client):
    officer = member("vp.hungyen", tree.hung_yen, Role.OFFICER)
    client.force_login(officer)
    text = (
        "STT\tHọ và tên\tNgày sinh\tGiới tính\tSố điện thoại\tĐịa chỉ\n"
        "1\tNguyễn Văn Hùng\t12/05/1990\tNam\t0912345678\tXã Vân Du, huyện Ân Thi\n"
        "2\tTrần Thị Mai\t03/02/1995\tNữ\t0987654321\tPhường Không Có, Hưng Yên\n"
    )
    url = reverse("drives:list_submit", args=[drive.pk])
    with frozen(TODAY):
        preview = client.post(url, {"unit": xuan_truc.pk, "text": text})
        body = preview.content.decode()
        assert "→ xã Xuân Trúc" in body and "chưa xác định được xã, phường" in body
        client.post(url, {"token": preview.context["token"], "unit": xuan_truc.pk, "line": ["1", "2"]})
    placed = {r.full_name: (r.donor.commune, r.donor.address) for r in Registration.objects.select_related("donor")}
    assert placed == {
        "Nguyễn Văn Hùng": (xuan_truc, "Xã Vân Du, huyện Ân Thi"),
        "Trần Thị Mai": (None, "Phường Không Có, Hưng Yên"),
    }


def test_self_registration_places_the_person_by_the_address_they_typed(tree, drive, xuan_truc, client):
    slot = drive.slots.get(unit__isnull=True)
    with frozen(TODAY):
        response = client.post(
            reverse("public_drives:register", args=[drive.public_token]),
            {
                "slot": slot.pk,
                "full_name": "Lê Văn Tám",
                "date_of_birth": "01/01/1990",
                "sex": "M",
                "phone": "0912000001",
                "address": "x. Van Du,  H. An Thi,  Hung Yen",
                "kind": "direct",
                "consent": "on",
            },
        )
    assert "Đăng ký thành công" in response.content.decode()
    donor = Donor.objects.get(full_name="Lê Văn Tám")
    assert donor.commune == xuan_truc and donor.address == "x. Van Du, H. An Thi, Hung Yen"


def test_a_donation_history_places_new_people_by_their_old_address(tmp_path, tree, xuan_truc):
    hospital = Unit.objects.create(
        name="Bệnh viện tỉnh", kind="organisation", category="hospital", parent=tree.hung_yen
    )
    book = Workbook()
    sheet = book.active
    sheet.append(["Họ và tên", "Ngày sinh", "Giới tính", "Ngày hiến", "Thành phần", "Thể tích", "Kết quả", "Địa chỉ"])
    sheet.append(["Đỗ Thị Lan", "02/02/1992", "Nữ", "05/01/2026", "Máu toàn phần", 350, "Đã hiến", "xã Vân Du, Ân Thi"])
    sheet.append(["Vũ Văn Bình", "03/03/1993", "Nam", "05/01/2026", "Máu toàn phần", 350, "Đã hiến", "Hà Nội"])
    path = tmp_path / "history.xlsx"
    book.save(path)
    with frozen(TODAY):
        result = import_history(path, hospital)
    assert (result.placed, result.placed_from_former) == (1, 1)
    assert "1 địa chỉ ghi theo tên xã cũ" in result.summary()
    assert Donor.objects.get(full_name="Đỗ Thị Lan").commune == xuan_truc
    assert Donor.objects.get(full_name="Vũ Văn Bình").commune is None
