import datetime

import pytest

from hienmau.plans.models import Target
from tests.plans.conftest import make_plan


@pytest.fixture
def campaign(tree):
    """Seed 000 in small: Kiên Giang's 2022 campaign with 300 volunteers and news items without a figure."""
    plan = make_plan(
        tree.kien_giang,
        "66",
        [(tree.an_minh, 350, [350, None])],
        buckets=("month:5", "month:6"),
        date=datetime.date(2022, 4, 5),
        kind="campaign",
    )
    Target.objects.create(plan=plan, metric="volunteers", value=300)
    Target.objects.create(plan=plan, metric="media_items", value=None)
    Target.objects.create(plan=plan, metric="blood_units", value=350)
    return plan


@pytest.fixture
def district_plan(tree):
    plan = make_plan(tree.an_thi, "14", [(tree.van_du, 54, [25, 29]), (tree.phu_ung, 61, [31, 30])])
    Target.objects.create(plan=plan, metric="media_items", value=4)
    return plan
