"""Seed 000 in small: Kiên Giang's plan 66/KH-BCĐ (months 5–8 of 2022) over three of its units, and a
hospital's tally of the summer's drives."""

import datetime
from dataclasses import dataclass

import pytest

from hienmau.orgs.models import Unit, UnitCategory, UnitKind
from hienmau.plans.models import Allocation, AllocationCell, Bucket, Plan, Target
from hienmau.results.tally_files import TallyLine, tally_csv, tally_xlsx
from tests.conftest import DISTRICTS_END

PLAN_LINE = "Thực hiện Kế hoạch số 66/KH-BCĐ ngày 05/4/2022 của Ban Chỉ đạo vận động hiến máu tình nguyện tỉnh"
FACILITY = "Bệnh viện Đa khoa tỉnh Kiên Giang"


@dataclass
class Campaign:
    plan: Plan
    rach_gia: Unit
    police: Unit
    hospital: Unit


@pytest.fixture
def campaign(tree) -> Campaign:
    rach_gia = Unit.objects.create(
        name="Rạch Giá",
        kind=UnitKind.DISTRICT,
        category=UnitCategory.PROVINCIAL_CITY,
        parent=tree.kien_giang,
        code="899",
        valid_until=DISTRICTS_END,
    )
    police = Unit.objects.create(
        name="Công an tỉnh", kind=UnitKind.ORGANISATION, category=UnitCategory.AGENCY, parent=tree.kien_giang
    )
    hospital = Unit.objects.create(
        name="Bệnh viện Đa khoa tỉnh",
        kind=UnitKind.ORGANISATION,
        category=UnitCategory.HOSPITAL,
        parent=tree.kien_giang,
    )
    plan = Plan.objects.create(
        issuing_unit=tree.kien_giang,
        number="66",
        suffix="KH-BCĐ",
        date=datetime.date(2022, 4, 5),
        title="Chiến dịch những giọt máu hồng - hè năm 2022",
    )
    Target.objects.create(plan=plan, metric="blood_units", value=7400)
    buckets = {m: Bucket.objects.create(plan=plan, key=f"month:{m}") for m in (5, 6, 7, 8)}
    for position, (unit, total, split) in enumerate(
        (
            (tree.an_minh, 350, {5: 100, 6: 100, 7: 100, 8: 50}),
            (rach_gia, 350, {5: 50, 6: 100, 7: 100, 8: 100}),
            (police, 325, {6: 325}),
        )
    ):
        allocation = Allocation.objects.create(
            plan=plan, unit=unit, unit_name=unit.full_name, total=total, position=position
        )
        for month, value in split.items():
            AllocationCell.objects.create(allocation=allocation, bucket=buckets[month], value=value)
    return Campaign(plan, rach_gia, police, hospital)


LINES = [
    TallyLine("BCĐ. huyện An Minh", datetime.date(2022, 5, 8), 420, 365, 20, 300, 45, "Lễ ra quân"),
    TallyLine("Công an tỉnh", "15/6/2022", 200, 180, 30, 150, 0),
    TallyLine("BCĐ. thành phố Rạch Giá", "02/7/2022", 150, 120, 20, 90, 10),
    TallyLine("BCĐ. huyện An Minh", "31/06/2022", 50, 40),
    TallyLine("Huyện Không Có", "20/07/2022", 50, 40, 10, 20, 10),
    TallyLine("Công an tỉnh", "15/6/2022", 200, 180, 30, 150, 0),
    TallyLine("BCĐ. thành phố Rạch Giá", "20/9/2022", 60, 55, 5, 40, 10, "Sau chiến dịch"),
]


def write_tally(tmp_path, kind="xlsx", lines=LINES, **kwargs):
    kwargs.setdefault("facility", FACILITY)
    kwargs.setdefault("plan_line", PLAN_LINE)
    kwargs.setdefault("period", "Từ ngày 01/5/2022 đến ngày 30/9/2022")
    path = tmp_path / f"ket-qua-tiep-nhan.{kind}"
    path.write_bytes((tally_xlsx if kind == "xlsx" else tally_csv)(lines, **kwargs))
    return path
