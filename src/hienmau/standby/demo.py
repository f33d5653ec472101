"""Demo data: the provincial hospital of Kiên Giang (account bv.kiengiang) raises an O Rh(−) request; a
few made-up O Rh(−) donors who gave there and agreed to be called in an emergency can answer it. Five of
them are on the roster of Kiên Giang's Rh(−) club, whose chair signs in as clb.rhkiengiang; one member has
said "not now" for two weeks (eligible, not available)."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from hienmau.core import clock
from hienmau.core.lib.identity import sex_century_digit
from hienmau.donors.models import Donor
from hienmau.donors.recording import Visit, record_donation
from hienmau.orgs.models import Unit
from hienmau.standby.models import Club, ClubMember, EmergencyRequest

CHAIR = ("clb.rhkiengiang", "hienmau-demo", "Lâm Thị Hồng")

NAMES = (
    ("Trần Văn Khải", "M"),
    ("Lê Thị Ngọc Hân", "F"),
    ("Phạm Minh Trí", "M"),
    ("Huỳnh Thị Mỹ", "F"),
    ("Nguyễn Hữu Lộc", "M"),
    ("Đặng Thu Vân", "F"),
)


@transaction.atomic
def load_demo(write=None) -> int:
    hospital = Unit.objects.filter(name="Bệnh viện Đa khoa tỉnh", parent__name="Kiên Giang").first()
    if hospital is None or hospital.parent is None or EmergencyRequest.objects.filter(facility=hospital).exists():
        return 0
    communes = list(Unit.objects.filter(kind="commune", path__startswith=hospital.parent.path)[:6])
    chair, _created = get_user_model().objects.get_or_create(
        username=CHAIR[0], defaults={"first_name": " ".join(CHAIR[2].split()[:-1]), "last_name": CHAIR[2].split()[-1]}
    )
    chair.set_password(CHAIR[1])
    chair.save()
    club = Club.objects.create(
        name="CLB hiến máu nhóm máu hiếm Rh(−) tỉnh Kiên Giang", kind="rare", unit=hospital.parent, chair=chair
    )
    today = clock.today()
    for number, (name, sex) in enumerate(NAMES):
        born = datetime.date(1985 + number * 2, number + 1, 10 + number)
        donor = Donor.objects.create(
            full_name=name,
            date_of_birth=born,
            sex=sex,
            cccd=f"091{sex_century_digit(born.year, sex)}{born.year % 100:02d}{700100 + number:06d}",
            phone=f"+8490770{number:04d}",
            commune=communes[number % len(communes)] if communes else None,
            abo="O",
            rh="-",
            blood_group_source="facility",
            weight_kg=55 + number,
            consent_contact=True,
            consent_emergency=True,
            consent_processing=True,
            is_synthetic=True,
        )
        day = datetime.date(2024, 9, 1 + number)
        record_donation(
            donor,
            Visit(
                date=day, facility=hospital, component="whole_blood", volume_ml=350, bag_number=f"KG-DB-{number:03d}"
            ),
        )
        if number < 5:
            ClubMember.objects.create(
                club=club,
                donor=donor,
                joined_on=datetime.date(2023, 6, 14),
                unavailable_until=today + datetime.timedelta(days=14) if number == 4 else None,
                contact_from=datetime.time(7, 0),
                contact_until=datetime.time(21, 0),
            )
    EmergencyRequest.objects.create(
        facility=hospital,
        abo="O",
        rh="-",
        component="red_cells",
        units=2,
        urgency="urgent",
        needed_by=timezone.now() + datetime.timedelta(hours=6),
        place="Khoa Hồi sức tích cực",
    )
    if write:
        write(f"Yêu cầu máu gấp mẫu: nhóm O Rh− tại {hospital.name}; {len(NAMES)} người hiến dự bị (tự tạo).")
        write(f"  {CHAIR[0]:<14} / {CHAIR[1]:<14} — chủ nhiệm {club.name}")
    return len(NAMES)
