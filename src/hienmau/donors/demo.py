"""Synthetic donors for the demo, marked is_synthetic and named as such on every page: the seeds hold
no personal data, so the registry is filled with made-up people living in the seed communes."""

import datetime
import random

from django.db import transaction

from hienmau.core.lib.identity import sex_century_digit
from hienmau.donors.models import Donor, LinkSource
from hienmau.donors.recording import Visit, record_donation
from hienmau.donors.registry import Candidate, hold_donation, propose_duplicates, request_transfer
from hienmau.orgs.models import Unit
from hienmau.orgs.scoping import unit_scope

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô")
MIDDLE_M = ("Văn", "Đức", "Minh", "Quang", "Hữu")
MIDDLE_F = ("Thị", "Thu", "Ngọc", "Thanh", "Kim")
GIVEN_M = ("Đức", "Hùng", "Nam", "Bình", "Tuấn", "Dũng", "Sơn", "Long", "Hải", "Phong")
GIVEN_F = ("An", "Hoa", "Lan", "Mai", "Hương", "Trang", "Linh", "Ngân", "Yến", "Thảo")
ROUNDS = (
    datetime.date(2024, 3, 15),
    datetime.date(2024, 7, 18),
    datetime.date(2024, 11, 9),
    datetime.date(2025, 3, 14),
)
COUNT = 80


@transaction.atomic
def load_demo(write=None) -> int:
    if Donor.objects.filter(is_synthetic=True).exists():
        if write:
            write(f"Người hiến máu mẫu: đã có {Donor.objects.filter(is_synthetic=True).count()}, không thêm.")
        return 0
    rng = random.Random(2024)
    an_thi = Unit.objects.filter(code="329").first()
    if an_thi is None:
        return 0
    communes = list(an_thi.children.filter(kind="commune"))
    hospital = Unit.objects.get(name="Trung tâm Y tế huyện", parent=an_thi)
    for number in range(COUNT):
        sex = rng.choice("MF")
        born = datetime.date(rng.randint(1970, 2005), rng.randint(1, 12), rng.randint(1, 28))
        middle, given = (MIDDLE_M, GIVEN_M) if sex == "M" else (MIDDLE_F, GIVEN_F)
        name = f"{rng.choice(FAMILY)} {rng.choice(middle)} {rng.choice(given)}"
        cccd = f"033{sex_century_digit(born.year, sex)}{born.year % 100:02d}{rng.randint(0, 999999):06d}"
        donor = Donor.objects.create(
            full_name=name,
            date_of_birth=born,
            sex=sex,
            cccd=cccd,
            phone=f"+849{rng.randint(10000000, 99999999)}",
            commune=rng.choice(communes),
            abo=rng.choice("OOOABB"),
            rh="-" if number % 25 == 0 else "+",
            blood_group_source="facility",
            weight_kg=rng.randint(46, 80),
            consent_contact=True,
            consent_processing=True,
            consent_date=ROUNDS[0],
            is_synthetic=True,
        )
        for day in ROUNDS[: rng.randint(0, len(ROUNDS))]:
            volume = rng.choice((250, 350, 350, 450))
            assert donor.weight_kg is not None  # every synthetic donor is weighed
            volume = max(v for v in (250, 350, 450) if v <= volume and v <= donor.weight_kg * 9)  # 9 ml/kg
            record_donation(
                donor,
                Visit(
                    date=day,
                    facility=hospital,
                    drive_name=f"Đợt hiến máu {day:%d/%m/%Y}",
                    component="whole_blood",
                    volume_ml=volume,
                    bag_number=f"AT{day:%y%m%d}{number:04d}",
                    benefit_kind=rng.choice(("cash", "gift", "gift")),
                    mobilised_by=donor.commune,
                ),
            )
    _review_demo(an_thi, hospital, rng, write)
    if write:
        write(f"Người hiến máu mẫu (tự tạo, không phải người thật): {COUNT} người ở các xã của huyện Ân Thi.")
    return COUNT


def _review_demo(an_thi: Unit, hospital: Unit, rng: random.Random, write=None) -> None:
    """What the review page (/donors/review/) shows in the demo: a record typed again in Ân Thi under the
    same name and birth date (a duplicate proposal), and a student of Kiên Giang, now An Giang, whose CCCD
    Ân Thi typed (a transfer request that An Giang decides, with one donation held for it)."""

    existing = Donor.objects.filter(is_synthetic=True, commune__parent=an_thi).earliest("pk")
    again = Donor.objects.create(
        full_name=existing.full_name,
        date_of_birth=existing.date_of_birth,
        sex=existing.sex,
        commune=existing.commune,
        is_synthetic=True,
    )
    propose_duplicates(again, [Candidate(existing, "trùng họ tên và ngày sinh")], an_thi, LinkSource.LIST)
    school = Unit.objects.filter(name="Trường Đại học Kiên Giang").first()
    if school is None:
        return
    born = datetime.date(2001, 9, 2)
    student = Donor.objects.create(
        full_name="Danh Thị Sa Rên",
        date_of_birth=born,
        sex="F",
        cccd=f"091{sex_century_digit(born.year, 'F')}{born.year % 100:02d}{rng.randint(0, 999999):06d}",
        phone=f"+849{rng.randint(10000000, 99999999)}",
        workplace=school,
        abo="B",
        rh="+",
        is_synthetic=True,
    )
    transfer = request_transfer(student, unit_scope(an_thi), None, LinkSource.IMPORT, typed_name=student.full_name)
    hold_donation(
        transfer,
        Visit(date=ROUNDS[-1], facility=hospital, volume_ml=350, bag_number="AT-CHUYEN-0001"),
        source_key=f"{hospital.pk}:bag:AT-CHUYEN-0001",
    )
    if write:
        write("Mục Cần xem xét: một hồ sơ có thể trùng (Ân Thi), một yêu cầu chuyển hồ sơ từ An Giang về Ân Thi.")
