"""`hienmau report achievement --unit CODE --year Y --by unit-month`: each unit one level below with its
twelve months, on the synthetic dataset; the same rows as `--by unit`, months that add up to them."""

import json
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from hienmau.core.clock import frozen
from hienmau.donors.models import Donation
from hienmau.orgs.models import Unit
from hienmau.plans.models import Allocation

from .test_synthetic import UNTIL, seed_json, small_country  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def report(*args) -> dict:
    out = StringIO()
    with frozen(UNTIL):
        call_command("report", "achievement", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_unit_month_rows_are_the_unit_rows_with_their_months(small_country):  # noqa: F811
    seed_json("--scale", "national", "--donors", "900")
    for code in ("33", "VN"):
        by_unit = report("--unit", code, "--year", "2025", "--by", "unit")
        by_unit_month = report("--unit", code, "--year", "2025", "--by", "unit-month")
        assert by_unit_month["totals"] == by_unit["totals"]
        assert [{k: v for k, v in row.items() if k != "months"} for row in by_unit_month["rows"]] == by_unit["rows"]
        for row in by_unit_month["rows"]:
            assert [m["month"] for m in row["months"]] == list(range(1, 13))
            assert sum(m["result"] for m in row["months"]) == row["result"]
            targets = [m["target"] for m in row["months"] if m["target"] is not None]
            assert sum(targets) == (row["target"] or 0)


def test_a_province_by_commune_and_month_counts_the_donations_given_there(small_country):  # noqa: F811
    seed_json("--scale", "province", "--donors", "600")
    province = Unit.objects.get(code="33", kind="province")
    data = report("--unit", "33", "--year", "2025", "--by", "unit-month")
    given = Counter()
    for unit_id, day in Donation.objects.filter(date__year=2025, outcome="donated").values_list(
        "mobilised_by_id", "date"
    ):
        unit = Unit.objects.get(pk=unit_id)
        child = unit if unit.parent_id == province.pk else unit.parent
        given[(child.code or child.full_name, day.month)] += 1
    found = Counter()
    for row in data["rows"]:
        for month in row["months"]:
            if month["result"]:
                found[(row["code"] or row["unit"], month["month"])] += month["result"]
    assert found == given and data["totals"]["result"] == sum(given.values()) > 0
    allocations = Allocation.objects.filter(
        plan__issuing_unit=province, plan__period_start__year=2025, unit__parent=province
    )  # an organisation under a commune has its own allocation, not a row of the province's report
    targets = {a.unit.code or a.unit.full_name: a.total for a in allocations}
    assert {row["code"] or row["unit"]: row["target"] for row in data["rows"] if row["target"]} == targets
