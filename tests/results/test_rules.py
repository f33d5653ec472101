"""The pure rules: which figures count, for whom, in which bucket."""

import datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from hienmau.results.lib import rules

counts = st.builds(
    rules.Counts,
    collected=st.integers(0, 10_000),
    v250=st.integers(0, 5000),
    v350=st.integers(0, 5000),
    v450=st.integers(0, 5000),
    registered=st.integers(0, 10_000),
    deferred=st.integers(0, 1000),
)
figures = st.dictionaries(st.integers(1, 50), counts, max_size=6)


@given(figures, figures)
def test_a_facility_figure_replaces_individual_records_never_adds_to_them(facility, individual):
    source, official = rules.official_figures(facility, individual)
    if facility:
        assert (source, official) == ("sheet", facility)
    else:
        assert (source, official) == ("checkin", individual)


@given(st.one_of(st.none(), st.integers(1, 10**6)), st.integers(1, 10**6))
def test_the_registrants_unit_mobilised_else_the_organiser(registrant_unit, organiser):
    expected = organiser if registrant_unit is None else registrant_unit
    assert rules.mobilising_unit(registrant_unit, organiser) == expected


@given(st.lists(st.tuples(st.integers(1, 5), counts, st.booleans()), max_size=30))
def test_ledger_deltas_add_back_to_what_remains(moves):
    ledger = rules.Ledger()
    expected: dict[int, rules.Counts] = {}
    for key, value, added in moves:
        ledger.add((key,), value, 1 if added else -1)
        current = expected.get(key, rules.Counts())
        expected[key] = current + value if added else current - value
    assert ledger.nonzero() == {(k,): v for k, v in sorted(expected.items()) if not v.is_zero()}


@given(st.integers(0, 10**6), st.integers(1, 10**6))
def test_percent_is_rounded_to_one_decimal(result, target):
    value = rules.percent(result, target)
    assert value == value.quantize(Decimal("0.1"))
    assert abs(value - Decimal(result) * 100 / Decimal(target)) <= Decimal("0.05")


def test_percent_without_target_is_none_and_equivalents_follow_the_1_4_rule():
    assert rules.percent(5, 0) is None
    assert rules.percent(2, 3) == Decimal("66.7")
    assert rules.equivalent_250(10, 10, 10) == Decimal("42.0")


SUMMER = [("month:5", None), ("month:6", None), ("month:7", None), ("month:8", None)]


def test_a_summer_campaign_without_stated_period_runs_over_its_months():
    period = rules.plan_period(None, None, datetime.date(2022, 4, 5), SUMMER)
    assert period == rules.Period(datetime.date(2022, 5, 1), datetime.date(2022, 8, 31))


@given(st.dates(datetime.date(2021, 1, 1), datetime.date(2023, 12, 31)))
def test_every_day_goes_to_its_month_or_is_outside_the_period(day):
    period = rules.plan_period(None, None, datetime.date(2022, 4, 5), SUMMER)
    placement = rules.place(day, period, SUMMER)
    if datetime.date(2022, 5, 1) <= day <= datetime.date(2022, 8, 31):
        assert placement == rules.Placement(True, f"month:{day.month}")
    else:
        assert placement == rules.Placement(False, None, "outside_period")


def test_a_round_takes_the_results_of_its_day_only():
    rounds = [("round:1", datetime.date(2024, 3, 15)), ("round:2", datetime.date(2024, 8, 20))]
    period = rules.plan_period(None, None, datetime.date(2024, 1, 10), rounds)
    assert rules.place(datetime.date(2024, 8, 20), period, rounds) == rules.Placement(True, "round:2")
    assert rules.place(datetime.date(2024, 8, 21), period, rounds) == rules.Placement(True, None)
    assert rules.place(datetime.date(2025, 1, 2), period, rounds).counted is False
