import datetime

import pytest

from hienmau.plans.models import Allocation, AllocationCell, Bucket, Plan, PlanKind, Target


def make_plan(issuer, number, rows, *, buckets=("round:1", "round:2"), date=datetime.date(2024, 1, 17), **extra):
    """A plan with one allocation per (unit, total, [bucket values]) row."""
    plan = Plan.objects.create(
        issuing_unit=issuer,
        number=number,
        suffix="KH-UBND",
        date=date,
        title=f"Kế hoạch {number}",
        kind=extra.pop("kind", PlanKind.ANNUAL),
        **extra,
    )
    made = [Bucket.objects.create(plan=plan, key=key) for key in buckets]
    for position, (unit, total, values) in enumerate(rows, start=1):
        allocation = Allocation.objects.create(
            plan=plan, unit=unit, unit_name=unit.full_name, total=total, position=position
        )
        for bucket, value in zip(made, values):
            if value is not None:
                AllocationCell.objects.create(allocation=allocation, bucket=bucket, value=value)
    return plan


@pytest.fixture
def district_plan(tree):
    plan = make_plan(
        tree.an_thi, "14", [(tree.van_du, 54, [25, 29]), (tree.phu_ung, 61, [31, 30]), (tree.school, 60, [None, 30])]
    )
    Target.objects.create(plan=plan, metric="blood_units", value=175)
    return plan
