"""Demo plans: the three seed appendices as officers would import them, plus two small synthetic plans
(marked as such) that show a lower plan's gap against its allocation and an overlapping target."""

import datetime
from pathlib import Path

from django.db import transaction

from hienmau.orgs.models import Unit, UnitCategory, UnitKind
from hienmau.plans.importer import analyse_file, save_plan
from hienmau.plans.models import Allocation, AllocationCell, Bucket, Plan, PlanKind, Target

DATA_DIR = Path(__file__).resolve().parent / "data"
SEED_FILES = (
    "seed-000-kien-giang-66-KH-BCD-2022.txt",
    "seed-001-an-thi-14-KH-UBND-2024.txt",
    "seed-003-bac-kan-140-KH-BCD-2021.txt",
)
SYNTHETIC = "Dữ liệu mẫu tự tạo (không có trong văn bản gốc)"
# The name a plan page shows under "Nhập từ": what an office would call the file, not the repository's.
SOURCE_NAMES = {
    "seed-000-kien-giang-66-KH-BCD-2022.txt": "66-KH-BCD-2022-chien-dich-he.txt",
    "seed-001-an-thi-14-KH-UBND-2024.txt": "14-KH-UBND-2024-an-thi.txt",
    "seed-003-bac-kan-140-KH-BCD-2021.txt": "140-KH-BCD-2021-hanh-trinh-do.txt",
}


@transaction.atomic
def load_demo(write=None) -> list[Plan]:
    plans = []
    for name in SEED_FILES:
        plan, changed = save_plan(analyse_file(DATA_DIR / name), source_name=SOURCE_NAMES[name])
        plans.append(plan)
        if write:
            write(
                f"Kế hoạch {plan.reference} ({plan.issuing_unit.full_name}): "
                f"{'đã nạp' if changed else 'không thay đổi'}, {plan.import_findings.count()} điểm cần xem lại."
            )
    an_thi_plan = plans[1]
    plans.append(_van_du_plan(an_thi_plan))
    plans.append(_labour_federation_plan(an_thi_plan))
    return plans


def _organisation(name: str, category: str, parent: Unit) -> Unit:
    unit, _ = Unit.objects.get_or_create(
        name=name, parent=parent, defaults={"kind": UnitKind.ORGANISATION, "category": category, "note": SYNTHETIC}
    )
    return unit


def _synthetic_plan(issuer: Unit, number: str, title: str, date: datetime.date, rows, **extra) -> Plan:
    plan, created = Plan.objects.get_or_create(
        issuing_unit=issuer,
        number=number,
        suffix="KH-BCĐ",
        date=date,
        defaults={"title": f"{title} — {SYNTHETIC.lower()}", "kind": PlanKind.ANNUAL, **extra},
    )
    if not created:
        return plan
    buckets = {
        key: Bucket.objects.create(plan=plan, key=key, date=day)
        for key, day in (("round:1", datetime.date(2024, 3, 15)), ("round:2", datetime.date(2024, 7, 18)))
    }
    for position, (unit, total, first, second) in enumerate(rows, start=1):
        allocation = Allocation.objects.create(
            plan=plan, unit=unit, unit_name=unit.full_name, total=total, position=position
        )
        for key, value in (("round:1", first), ("round:2", second)):
            if value:
                AllocationCell.objects.create(allocation=allocation, bucket=buckets[key], value=value)
    return plan


def _van_du_plan(district_plan: Plan) -> Plan:
    """Vân Du's own plan splits the 54 units it received, but only places 50 of them."""
    received = district_plan.allocations.get(unit_name="Vân Du")
    commune = received.unit
    assert commune is not None, "the seed's Vân Du row is matched to its commune"
    rows = [
        (_organisation("Trường THCS Vân Du", UnitCategory.SCHOOL, commune), 20, 10, 10),
        (_organisation("Trạm Y tế xã Vân Du", UnitCategory.HOSPITAL, commune), 10, 5, 5),
        (_organisation("Đoàn Thanh niên xã Vân Du", UnitCategory.UNION, commune), 20, 10, 10),
    ]
    plan = _synthetic_plan(
        commune,
        "05",
        "Vận động hiến máu tình nguyện năm 2024 (xã Vân Du)",
        datetime.date(2024, 2, 1),
        rows,
        received_allocation=received,
        parent_plan=district_plan,
        implements_text=f"Kế hoạch số {district_plan.reference} ngày {district_plan.date:%d/%m/%Y}",
    )
    Target.objects.get_or_create(plan=plan, metric="blood_units", defaults={"value": 54})
    return plan


def _labour_federation_plan(district_plan: Plan) -> Plan:
    """The district labour federation also gives the garment companies a 2024 target: an overlap."""
    federation = Unit.objects.get(name="Liên đoàn lao động huyện", parent=district_plan.issuing_unit)
    fore_mat = Unit.objects.get(name="Công ty TNHH may Fore Mat", parent=district_plan.issuing_unit)
    smart = Unit.objects.get(name="Công ty TNHH may Smart Shirts", parent=district_plan.issuing_unit)
    return _synthetic_plan(
        federation,
        "03",
        "Vận động công nhân lao động hiến máu năm 2024",
        datetime.date(2024, 2, 20),
        [(fore_mat, 40, 20, 20), (smart, 60, 30, 30)],
    )
