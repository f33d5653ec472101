"""The outlook's model (reports/lib/outlook.py), pure: Tết placed by the lunar calendar, the seasonal
profile, the forecast's invariants, the bookings' floor, the flag, and an honest backtest."""

import datetime
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hienmau.reports.lib import outlook as o

D = datetime.date
BASE = {1: 1.0, 2: 1.0, 3: 1.15, 4: 1.1, 5: 1.0, 6: 0.8, 7: 0.75, 8: 0.85, 9: 1.0, 10: 1.05, 11: 1.1, 12: 1.1}


def synthetic(first_year=2018, last=D(2025, 11, 1), *, noise=0.1, growth=1.04, tet_dip=0.55, seed=7):
    """A province's months: a school-year profile, a dip in whichever month Tết falls, growth, noise."""
    rng = random.Random(seed)
    history = {}
    month = D(first_year, 1, 1)
    while month <= last:
        factor = BASE[month.month] * growth ** (month.year - first_year)
        if o.is_tet(month):
            factor *= tet_dip
        elif month.month in (1, 2):
            factor *= 1.1
        history[month] = round(400 * factor * rng.uniform(1 - noise, 1 + noise))
        month = o.add_months(month, 1)
    return history


@pytest.mark.parametrize(("year", "day"), [(2023, D(2023, 1, 22)), (2024, D(2024, 2, 10)), (2026, D(2026, 2, 17))])
def test_tet_comes_from_the_lunar_calendar(year, day):
    assert o.tet_day(year) == day


@given(st.integers(min_value=1950, max_value=2099))
def test_tet_falls_in_january_or_february(year):
    assert o.tet_month(year) in (1, 2)
    assert abs(o.tet_month(year) - o.tet_day(year).month) <= 1


@given(st.integers(min_value=0, max_value=5), st.integers(min_value=1, max_value=12))
@settings(max_examples=30, deadline=None)
def test_a_years_shares_sum_to_one(seed, month):
    profile = o.seasonal_profile(synthetic(2016, D(2022, 12, 1), seed=seed))
    assert sum(profile.share(D(2027, m, 1)) for m in range(1, 13)) == pytest.approx(1)
    assert 0 < profile.share(D(2027, month, 1)) < 1


def test_a_steady_seasonal_series_is_forecast_exactly():
    history = synthetic(2016, D(2024, 12, 1), noise=0, growth=1.0)
    for month in (D(2025, 3, 1), D(2025, 7, 1), D(2025, 11, 1)):
        made = o.forecast(history, D(2025, 1, 5), month)
        assert made.method == "seasonal"
        assert made.value == pytest.approx(history[month.replace(year=2024)], rel=0.02)


def test_the_tet_month_of_the_coming_year_is_forecast_short():
    history = synthetic(2016, D(2025, 11, 1), noise=0)
    january, february = (o.forecast(history, D(2025, 12, 10), D(2026, m, 1)) for m in (1, 2))
    assert o.tet_month(2026) == 2 and february.tet and not january.tet
    assert february.value < 0.7 * january.value


def test_under_a_year_of_history_the_mean_month_stands_in():
    history = {D(2025, m, 1): 100 * m for m in range(1, 7)}
    made = o.forecast(history, D(2025, 7, 3), D(2025, 9, 1))
    assert made.method == "mean" and made.value == pytest.approx(350)
    assert o.forecast({}, D(2025, 7, 3), D(2025, 9, 1)).value == 0


@given(
    st.floats(min_value=0, max_value=5000),
    st.tuples(st.floats(min_value=0.3, max_value=1.0), st.floats(min_value=1.0, max_value=2.0)),
    st.integers(min_value=0, max_value=3000),
    st.floats(min_value=0, max_value=1),
    st.integers(min_value=0, max_value=5000),
    st.integers(min_value=0, max_value=50),
)
def test_month_outlook_invariants(value, factors, booked, rate, demand, threshold):
    made = o.Forecast(D(2026, 2, 1), value, "seasonal")
    month = o.month_outlook(made, factors, booked=booked, show_up=rate, demand=demand, threshold=threshold)
    assert month.low <= month.expected <= month.high
    assert month.expected >= o.whole(booked * rate) and month.low >= min(month.floor, month.expected)
    assert month.gap == month.expected - month.demand
    assert month.flag == (demand > 0 and month.expected * 100 < demand * (100 - threshold))
    json = month.as_json()
    assert all(isinstance(json[k], int) for k in ("expected", "low", "high", "planned", "booked", "demand", "gap"))


def test_bookings_raise_expected_to_their_floor():
    made = o.Forecast(D(2026, 2, 1), 200.0, "seasonal")
    month = o.month_outlook(made, (0.8, 1.2), booked=400, show_up=0.75, demand=320)
    assert (month.floor, month.expected, month.low, month.flag) == (300, 300, 300, False)
    assert month.from_bookings


@given(st.integers(min_value=0, max_value=20), st.integers(min_value=1, max_value=30))
@settings(max_examples=25, deadline=None)
def test_what_came_after_the_as_of_day_changes_nothing(seed, extra):
    history = synthetic(2018, D(2025, 11, 1), seed=seed)
    as_of = D(2024, 6, 15)
    later = {m: (v + extra * 13 if m >= D(2024, 6, 1) else v) for m, v in history.items()}
    assert o.forecast(history, as_of, D(2024, 9, 1)) == o.forecast(later, as_of, D(2024, 9, 1))
    assert o.backtest(history, as_of) == o.backtest(later, as_of)
    assert o.spread(history, as_of) == o.spread(later, as_of)


@pytest.mark.parametrize("seed", range(5))
def test_the_model_beats_last_years_same_month(seed):
    history = synthetic(2017, D(2025, 11, 1), seed=seed)
    test = o.backtest(history, D(2025, 12, 10))
    assert test is not None and len(test.months) == 12
    assert test.mape < test.naive_mape


def test_backtest_needs_a_year_before_its_months():
    assert o.backtest({D(2025, m, 1): 10 for m in range(1, 12)}, D(2025, 12, 1)) is None


def test_range_comes_from_past_errors_once_there_are_enough():
    low, high, used = o.spread(synthetic(2017, D(2025, 11, 1)), D(2025, 12, 10))
    assert used >= o.MIN_ERRORS_FOR_RANGE and low < 1 < high
    assert o.spread({D(2025, 1, 1): 5}, D(2025, 3, 1)) == (*o.DEFAULT_SPREAD, 0)


def test_show_up_rate_and_threshold():
    assert o.show_up_rate([(100, 80), (50, 45)]) == pytest.approx(125 / 150)
    assert o.show_up_rate([]) is None
    assert o.is_short(89, 100, 10) and not o.is_short(90, 100, 10) and not o.is_short(0, 0, 10)
