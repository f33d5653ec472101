"""A province with six years of monthly results (Kiên Giang, part of An Giang since 12/06/2025) and its
hospital's need for the first half of 2026."""

import datetime

import pytest

from hienmau.demand.models import Need
from hienmau.orgs.models import Unit
from hienmau.results import services as results
from hienmau.results.lib.rules import Counts
from tests.reports.test_outlook_model import synthetic

D = datetime.date


@pytest.fixture
def province(tree):
    """Six years of monthly results in Kiên Giang (now part of An Giang), its hospital's need."""
    hospital = Unit.objects.create(
        name="Bệnh viện Đa khoa tỉnh", kind="organisation", category="hospital", parent=tree.kien_giang, code="BV-KG"
    )
    history = synthetic(2019, D(2025, 11, 1), seed=3)
    for month, value in history.items():
        unit = tree.an_minh if month < D(2025, 6, 1) else tree.an_giang
        results.set_tally_entry(unit.pk, month.replace(day=12), Counts(collected=value))
    average = round(sum(v for m, v in history.items() if m.year == 2024) / 12)
    for m in range(1, 7):
        Need.objects.create(facility=hospital, month=D(2026, m, 1), units=average)
    return history, hospital, average
