"""Indicators per unit and year: shares of population, staff and member units, first-time vs repeat
donors, deferrals by reason, rare-group and reserve donors, the campaigns' share."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from hienmau.donors.models import Donor, Outcome
from hienmau.donors.recording import Visit, record_donation
from hienmau.orgs.models import Unit
from hienmau.reports import unit_indicators
from hienmau.reports.lib import indicators
from hienmau.results import services as result_services
from hienmau.results.lib import rules
from hienmau.results.models import ResultEntry, ResultImport

YEAR = 2024


@given(st.integers(0, 10**6), st.integers(0, 10**6))
def test_a_share_is_a_percentage_to_one_decimal_and_none_without_a_base(part, whole):
    value = indicators.share(part, whole)
    if whole == 0:
        assert value is None
    else:
        assert value == (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding="ROUND_HALF_UP")


@given(st.lists(st.sampled_from(["Huyết áp cao", "huyết áp cao.", "HUYET AP CAO", "Thiếu cân", "", "  "]), max_size=40))
def test_deferral_reasons_group_spellings_and_keep_every_person(reasons):
    grouped = indicators.group_reasons(reasons)
    assert sum(count for _name, count in grouped) == len(reasons)
    names = [name for name, _count in grouped]
    assert len(names) == len(set(names)) <= 3
    assert all(name for name in names)


def test_reasons_beyond_the_limit_are_summed_as_other():
    grouped = indicators.group_reasons([f"Lý do {i}" for i in range(12)] + ["Lý do 1"], limit=3)
    assert grouped[0] == ("Lý do 1", 2)
    assert grouped[-1] == ("Lý do khác", 9)


def person(name, *, commune=None, rh=""):
    return Donor.objects.create(
        full_name=name, date_of_birth=datetime.date(1990, 1, 1), sex="M", commune=commune, rh=rh, weight_kg=60
    )


def visit(donor, day, unit, *, volume=350, deferred_for=""):
    record_donation(
        donor,
        Visit(
            date=day,
            facility=unit,
            mobilised_by=unit,
            volume_ml=None if deferred_for else volume,
            outcome=Outcome.DEFERRED if deferred_for else Outcome.DONATED,
            deferral_reason=deferred_for,
        ),
    )


@pytest.fixture
def year_of_an_thi(tree):
    tree.an_thi.population = 1000
    tree.an_thi.save()
    tree.school.staff_count = 50
    tree.school.save()
    regular = person("Nguyễn Văn Đức", commune=tree.van_du)
    visit(regular, datetime.date(YEAR - 1, 3, 1), tree.van_du)  # gave the year before: a repeat donor
    visit(regular, datetime.date(YEAR, 3, 1), tree.van_du, volume=450)
    visit(person("Trần Văn An", rh="-"), datetime.date(YEAR, 4, 2), tree.school, volume=250)
    visit(person("Lê Văn Bình"), datetime.date(YEAR, 4, 2), tree.school)
    visit(person("Phạm Văn Chí"), datetime.date(YEAR, 5, 5), tree.van_du, deferred_for="Huyết áp cao")
    visit(person("Đỗ Văn Dũng"), datetime.date(YEAR, 5, 5), tree.van_du, deferred_for="huyết áp cao.")
    return tree


@pytest.mark.django_db
def test_the_indicators_of_a_districts_year(year_of_an_thi):
    tree = year_of_an_thi
    found = unit_indicators.unit_indicators(tree.an_thi, YEAR)
    assert (found.collected, found.deferred) == (3, 2)
    assert found.volumes == {"250": 1, "350": 1, "450": 1}
    assert (found.individual_donors, found.first_time, found.repeat, found.rare_donors) == (3, 2, 1, 1)
    assert (found.individual_donations, found.repeat_donations) == (3, 1)
    assert found.deferral_reasons == [("Huyết áp cao", 2)]
    assert {code: count for code, _label, count in found.sources} == {"checkin": 0, "sheet": 0, "tally": 0, "walkin": 3}
    percent = {f.key: f.value for f in found.figures()}
    assert percent["population"] == Decimal("0.3")  # 3 units of blood for 1.000 people
    assert percent["staff"] == Decimal("4.0")  # the school: 2 of its 50 staff
    assert percent["deferral"] == Decimal("40.0")  # 2 deferred of 5 examined
    assert percent["repeat"] == Decimal("33.3")
    assert percent["repeat_donations"] == Decimal("33.3")
    assert percent["units_taking_part"] == Decimal("66.7")  # Vân Du and the school, not Phù Ứng
    assert percent["campaign"] == Decimal("0.0")


@pytest.mark.django_db
def test_results_imported_under_a_campaign_count_as_collected_through_it(year_of_an_thi, tmp_path):
    tree = year_of_an_thi
    from hienmau.plans.models import Plan

    plan = Plan.objects.create(
        issuing_unit=tree.an_thi,
        number="12",
        suffix="KH-BCĐ",
        date=datetime.date(YEAR, 1, 5),
        title="Chiến dịch",
        kind="campaign",
    )
    record = ResultImport.objects.create(source_name="t.xlsx", source_hash="x", plan=plan)
    result_services.set_tally_entry(
        tree.phu_ung.pk, datetime.date(YEAR, 6, 1), rules.Counts(collected=7), result_import=record
    )
    assert ResultEntry.objects.filter(result_import=record).count() == 1
    found = unit_indicators.unit_indicators(tree.an_thi, YEAR)
    assert found.campaign_collected == 7
    assert {f.key: f.value for f in found.figures()}["campaign"] == Decimal("70.0")  # 7 of 10


@pytest.mark.django_db
def test_the_command_prints_the_indicators_as_json(year_of_an_thi, capsys):
    tree = year_of_an_thi
    Unit.objects.filter(pk=tree.an_thi.pk).update(code="AT")
    call_command("report", "indicators", "--unit", "AT", "--year", str(YEAR), "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["collected"] == 3
    assert data["percent"]["deferral"] == 40.0
    assert data["deferral_reasons"] == [{"reason": "Huyết áp cao", "count": 2}]
    assert data["sources"]["walkin"] == 3


@pytest.mark.django_db
def test_demand_coverage_compares_the_months_that_have_a_demand(year_of_an_thi):
    from hienmau.demand.models import Need

    tree = year_of_an_thi
    hospital = Unit.objects.create(
        name="Trung tâm Y tế huyện", kind="organisation", category="hospital", parent=tree.an_thi
    )
    Need.objects.create(facility=hospital, month=datetime.date(YEAR, 3, 1), units=2)
    Need.objects.create(facility=hospital, month=datetime.date(YEAR, 4, 1), blood_group="O+", units=2)
    Need.objects.create(facility=hospital, month=datetime.date(YEAR, 4, 1), blood_group="A+", units=1)
    found = unit_indicators.unit_indicators(tree.an_thi, YEAR)
    assert found.demand_months == [(3, 2, 1), (4, 3, 2)]  # March: 1 given of 2 needed; April: 2 of 3
    assert {f.key: f.value for f in found.figures()}["demand"] == Decimal("60.0")
    assert unit_indicators.unit_indicators(tree.hung_yen, YEAR).demand is not None  # the district lies under it


@pytest.mark.django_db
def test_indicators_of_some_months_count_only_those_months(year_of_an_thi):
    found = unit_indicators.unit_indicators(year_of_an_thi.an_thi, YEAR, (4, 5))
    assert (found.collected, found.deferred, found.individual_donors) == (2, 2, 2)  # April's two, May's deferrals
    assert found.first_time == 2 and found.deferral_reasons == [("Huyết áp cao", 2)]
