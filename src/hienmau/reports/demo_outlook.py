"""Demo data for the supply outlook (all made up, marked as such): four years of Kiên Giang's (from
12/06/2025 An Giang's) monthly results with the province's seasons (a dip in whichever month Tết falls,
a summer lull), its provincial hospital's monthly need, and a drive in the months ahead whose
registrations cover a month history alone would show short. The dashboard of vp.angiang then shows a
red Tết month and the outlook page its reasons.

History starts in October 2022, after plan 66's summer campaign, so the seed's own figures are untouched."""

from __future__ import annotations

import datetime
import random

from django.db.models import Q

from hienmau.core.clock import today
from hienmau.demand.models import Need
from hienmau.drives.models import Drive, Registration, RegistrationKind, TimeSlot
from hienmau.orgs.models import Unit
from hienmau.reports.lib import outlook as model
from hienmau.results import services as results
from hienmau.results.lib.rules import Counts
from hienmau.results.models import ResultEntry

SYNTHETIC = "Dữ liệu mẫu tự tạo (không có trong văn bản gốc)"
FIRST = datetime.date(2022, 10, 1)
MERGER = datetime.date(2025, 6, 12)
LEVEL = 520  # blood units in an ordinary month
SEASON = {1: 1.0, 2: 1.0, 3: 1.12, 4: 1.08, 5: 1.02, 6: 0.82, 7: 0.78, 8: 0.86, 9: 1.0, 10: 1.05, 11: 1.1, 12: 1.12}
TET_DIP = 0.55
GROWTH = 1.04  # a year
DAY = 27  # the day of the month the tally rows carry


def _collected(month: datetime.date, rng: random.Random) -> int:
    factor = SEASON[month.month] * GROWTH ** ((month - FIRST).days / 365)
    if model.is_tet(month):
        factor *= TET_DIP
    elif month.month in (1, 2):
        factor *= 1.1  # the month beside Tết: campaigns "Xuân hồng"
    return round(LEVEL * factor * rng.uniform(0.92, 1.08))


def load(write=None) -> None:
    hospital = Unit.objects.filter(name="Bệnh viện Đa khoa tỉnh", parent__name="Kiên Giang").first()
    kien_giang = hospital.parent if hospital else None
    an_giang = Unit.objects.filter(code="91", valid_from__isnull=False).filter(Q(valid_until__isnull=True)).first()
    if hospital is None or kien_giang is None or an_giang is None:
        return
    if ResultEntry.objects.filter(unit__in=[kien_giang, an_giang], note=SYNTHETIC, day=FIRST.replace(day=DAY)).exists():
        return
    rng = random.Random(2025)
    now = today()
    last = model.add_months(model.month_of(now), -1)
    month = FIRST
    while month <= last:
        unit = kien_giang if month < MERGER.replace(day=1) else an_giang
        results.set_tally_entry(
            unit.pk, month.replace(day=DAY), Counts(collected=_collected(month, rng)), note=SYNTHETIC
        )
        month = model.add_months(month, 1)
    ahead = [model.add_months(model.month_of(now), offset) for offset in range(-12, 7)]
    expected = {m: round(LEVEL * SEASON[m.month] * GROWTH ** ((m - FIRST).days / 365)) for m in ahead}
    for m in ahead:
        Need.objects.get_or_create(
            facility=hospital, month=m, blood_group="", defaults={"units": expected[m], "source_name": SYNTHETIC}
        )
    summer = [m for m in ahead[13:] if m.month in (6, 7, 8)]
    covered = summer[0] if summer else ahead[-1]
    Need.objects.filter(facility=hospital, month=covered).update(units=round(LEVEL * 1.25))
    _drive(an_giang, hospital, covered.replace(day=14), 760, "Những giọt máu hồng - hè")
    tet = next((m for m in ahead[13:] if model.is_tet(m)), None)
    if tet is not None:  # a spring drive with room left: what the outlook offers to close the Tết gap
        _drive(an_giang, hospital, tet.replace(day=25), 40, "Xuân hồng", quota=300)
    if write:
        write(
            f"Triển vọng nguồn máu mẫu (tự tạo): kết quả theo tháng của {kien_giang.full_name} / {an_giang.full_name} "
            f"từ {FIRST:%m/%Y}, nhu cầu của {hospital.name}, ngày hội hiến máu {covered:%m/%Y} đã có người đăng ký."
        )


def _drive(organiser: Unit, facility: Unit, day: datetime.date, registrants: int, name: str, quota: int = 0) -> None:
    quota = quota or registrants + 80
    drive = Drive.objects.create(
        organiser=organiser,
        title=f"Ngày hội hiến máu “{name}” ({SYNTHETIC})",
        date=day,
        start_time=datetime.time(7, 0),
        end_time=datetime.time(11, 30),
        site_name="Nhà văn hóa tỉnh",
        facility=facility,
        expected_direct=quota,
    )
    TimeSlot.objects.create(
        drive=drive,
        unit=organiser,
        start_time=datetime.time(7, 0),
        end_time=datetime.time(11, 30),
        quota=quota,
    )
    Registration.objects.bulk_create(
        Registration(
            drive=drive, unit=organiser, full_name=f"Người đăng ký mẫu số {n} (tự tạo)", kind=RegistrationKind.DIRECT
        )
        for n in range(1, registrants + 1)
    )
