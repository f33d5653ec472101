"""Two provinces with one of everything the API serves: Hưng Yên (Ân Thi's drive, its hospital, a plan,
donors, an emergency request, an honour) and An Giang (the same, smaller). Tokens for users of each."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from hienmau.api.tokens import create_token
from hienmau.donors.models import Donation, Donor, Outcome
from hienmau.drives.models import Drive, Registration, TimeSlot
from hienmau.honours.models import Honour, HonourStatus
from hienmau.orgs.models import Membership, Role, Unit, UnitCategory, UnitKind
from hienmau.plans.models import Allocation, Plan, PlanStatus
from hienmau.standby.models import Call, EmergencyRequest
from tests.factories import member

DRIVE_DAY = datetime.date(2026, 3, 20)


@dataclass
class Side:
    """One province's records, one of each kind the API lists."""

    hospital: Unit
    drive: Drive
    registrations: list[Registration]
    donor: Donor
    donation: Donation
    plan: Plan
    allocation: Allocation
    request: EmergencyRequest
    honour: Honour

    def object_of(self, basename: str, unit: Unit):
        return {
            "unit": unit,
            "plan": self.plan,
            "allocation": self.allocation,
            "drive": self.drive,
            "registration": self.registrations[0],
            "donor": self.donor,
            "donation": self.donation,
            "emergency-request": self.request,
            "honour": self.honour,
        }[basename]


def build_side(name: str, province: Unit, area: Unit, commune: Unit, cccd_tail: str) -> Side:
    hospital = Unit.objects.create(
        name=f"Bệnh viện {name}", kind=UnitKind.ORGANISATION, category=UnitCategory.HOSPITAL, parent=area
    )
    drive = Drive.objects.create(
        organiser=area,
        title=f"Ngày hội hiến máu {name}",
        date=DRIVE_DAY,
        start_time=datetime.time(7, 0),
        site_name="Nhà văn hoá",
        facility=hospital,
    )
    TimeSlot.objects.create(drive=drive, unit=commune, start_time=datetime.time(7), end_time=datetime.time(9), quota=10)
    registrations = []
    for index, person in enumerate(("Nguyễn Văn Đức", "Trần Thị An", "Lê Văn Bình")):
        donor = Donor.objects.create(
            full_name=f"{person} {name}",
            date_of_birth=datetime.date(1990, 5, 12),
            sex="F" if "Thị" in person else "M",
            cccd=f"033090{index:04d}{cccd_tail}",
            phone=f"+84912{index:02d}{cccd_tail}00",
            commune=commune,
        )
        registrations.append(
            Registration.objects.create(drive=drive, unit=commune, donor=donor, full_name=donor.full_name)
        )
    donor = registrations[0].donor
    donation = Donation.objects.create(
        donor=donor, date=datetime.date(2025, 6, 1), outcome=Outcome.DONATED, volume_ml=350, facility=hospital
    )
    plan = Plan.objects.create(
        issuing_unit=province,
        number=f"66{cccd_tail}",
        suffix="KH-BCĐ",
        title=f"Kế hoạch {name}",
        status=PlanStatus.ISSUED,
        date=datetime.date(2026, 1, 5),
    )
    allocation = Allocation.objects.create(plan=plan, unit=area, unit_name=area.name, total=100)
    request = EmergencyRequest.objects.create(
        facility=hospital, abo="O", rh="-", component="whole_blood", units=2, needed_by=timezone.now()
    )
    Call.objects.create(request=request, donor=donor)
    honour = Honour.objects.create(
        owner=area, donor=donor, name=donor.full_name, tier=20, count=20, year=2025, status=HonourStatus.APPROVED
    )
    return Side(hospital, drive, registrations, donor, donation, plan, allocation, request, honour)


@dataclass
class World:
    hung_yen: Side
    an_giang: Side
    tokens: dict[str, str]


@pytest.fixture
def world(tree, people) -> World:
    hung_yen = build_side("Ân Thi", tree.hung_yen, tree.an_thi, tree.van_du, "45")
    an_giang = build_side("An Minh", tree.an_giang, tree.an_minh, tree.an_minh, "78")
    facility = member("bv.anthi", hung_yen.hospital, Role.FACILITY_STAFF)
    tokens = {}
    for key, user in {
        "district": people.district_officer,
        "an_giang": people.province_officer,
        "facility": facility,
        "van_du": people.van_du_focal,
        "admin": people.admin,
    }.items():
        tokens[key] = create_token(user, Membership.objects.filter(user=user).first(), f"Kết nối {key}")[1]
    return World(hung_yen, an_giang, tokens)


def api_client(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def api(world):
    """api("district") → a client sending that side's token."""
    return lambda who: api_client(world.tokens[who])
