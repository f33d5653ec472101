"""Seed 003 as a drive: Bắc Kạn city's units at the Red Journey day, 09/07/2021 (plan 140/KH-BCD)."""

import datetime

from django.db import transaction

from hienmau.drives.models import Drive, RosterEntry, RosterRole, TimeSlot
from hienmau.orgs.models import Unit
from hienmau.plans.models import Plan

QUOTAS = (
    ("Đoàn Thanh niên Cộng sản Hồ Chí Minh thành phố", 110),
    ("Công an thành phố", 60),
    ("Phòng Giáo dục và Đào tạo thành phố", 100),
    ("Liên đoàn Lao động thành phố", 60),
    ("Ban Chỉ huy Quân sự thành phố", 10),
)
COMMUNE_QUOTA = 15


@transaction.atomic
def load_demo(write=None):
    city = Unit.objects.filter(code="058").first()
    if city is None or Drive.objects.filter(organiser=city, date=datetime.date(2021, 7, 9)).exists():
        return None
    plan = Plan.objects.filter(issuing_unit=city, number="140").first()
    drive = Drive.objects.create(
        organiser=city,
        title="Ngày hội hiến máu Hành trình đỏ “Kết nối dòng máu Việt” hè 2021",
        plan=plan,
        campaign_label=plan.campaign_labels.first() if plan else None,
        date=datetime.date(2021, 7, 9),
        start_time=datetime.time(7, 0),
        end_time=datetime.time(11, 30),
        site_name="Nhà Thi đấu Thể dục - Thể thao tỉnh Bắc Kạn",
        site_address="Khu văn hóa thể thao Tổng đích, thành phố Bắc Kạn",
        facility=Unit.objects.filter(name="Viện Huyết học - Truyền máu Trung ương").first(),
        target_units=240,
        expected_direct=240,
        expected_reserve=200,
        list_deadline=datetime.date(2021, 7, 6),
    )
    window = (datetime.time(10, 0), datetime.time(11, 30))  # the slot the province gave the city's units
    for name, quota in QUOTAS:
        TimeSlot.objects.create(
            drive=drive,
            unit=Unit.objects.get(name=name, parent=city),
            start_time=window[0],
            end_time=window[1],
            quota=quota,
        )
    for commune in city.children.filter(kind="commune"):
        TimeSlot.objects.create(
            drive=drive, unit=commune, start_time=window[0], end_time=window[1], quota=COMMUNE_QUOTA
        )
    youth = Unit.objects.get(name=QUOTAS[0][0], parent=city)
    police = Unit.objects.get(name=QUOTAS[1][0], parent=city)
    RosterEntry.objects.create(
        drive=drive,
        role=RosterRole.VOLUNTEER,
        unit=youth,
        people=10,
        arrival_time=datetime.time(6, 30),
        task="Đón tiếp, tư vấn, phát tờ rơi, hướng dẫn người hiến",
    )
    RosterEntry.objects.create(
        drive=drive,
        role=RosterRole.SECURITY,
        unit=police,
        people=5,
        arrival_time=datetime.time(6, 30),
        task="Bảo đảm an ninh, trật tự, an toàn giao thông",
    )
    if write:
        write(
            f"Đợt hiến máu mẫu (văn bản 003): {drive.title}, {drive.slots.count()} đơn vị, "
            f"{sum(s.quota for s in drive.slots.all())} người được giao."
        )
    return drive
