"""Quiet hours, the rate limit and retry backoff as pure functions, with properties."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from hienmau.notify.lib.schedule import after_quiet_hours, first_slot, in_quiet_hours, retry_at, under_rate_limit

TZ = datetime.timezone(datetime.timedelta(hours=7))
moments = st.datetimes(
    min_value=datetime.datetime(2024, 1, 1), max_value=datetime.datetime(2030, 1, 1), timezones=st.just(TZ)
)
hours = st.tuples(st.integers(0, 23), st.integers(0, 23))
DAY = datetime.timedelta(hours=24)


def test_quiet_hours_across_midnight():
    quiet = (21, 7)
    assert in_quiet_hours(datetime.datetime(2026, 1, 1, 22, tzinfo=TZ), quiet)
    assert in_quiet_hours(datetime.datetime(2026, 1, 1, 6, 59, tzinfo=TZ), quiet)
    assert not in_quiet_hours(datetime.datetime(2026, 1, 1, 7, tzinfo=TZ), quiet)
    assert after_quiet_hours(datetime.datetime(2026, 1, 1, 22, tzinfo=TZ), quiet) == datetime.datetime(
        2026, 1, 2, 7, tzinfo=TZ
    )
    assert after_quiet_hours(datetime.datetime(2026, 1, 2, 3, tzinfo=TZ), quiet) == datetime.datetime(
        2026, 1, 2, 7, tzinfo=TZ
    )
    assert not in_quiet_hours(datetime.datetime(2026, 1, 1, 23, tzinfo=TZ), (0, 0))


@given(moments, hours)
def test_after_quiet_hours_is_outside_them_and_never_earlier_nor_a_day_late(moment, quiet):
    later = after_quiet_hours(moment, quiet)
    assert not in_quiet_hours(later, quiet)
    assert moment <= later < moment + DAY


@given(moments, st.lists(moments, max_size=12), st.integers(1, 4))
def test_the_rate_limit_slot_has_room_and_is_not_later_than_needed(moment, others, limit):
    slot = under_rate_limit(moment, others, limit, DAY)
    assert slot >= moment
    assert sum(slot - DAY < t <= slot for t in others) < limit
    if slot > moment:  # a moment earlier was still full
        just_before = slot - datetime.timedelta(microseconds=1)
        assert sum(just_before - DAY < t <= just_before for t in others) >= limit


@given(moments, st.lists(moments, max_size=8), hours, st.integers(0, 3))
def test_the_first_slot_satisfies_both(moment, others, quiet, limit):
    slot = first_slot(moment, others, quiet, limit, DAY)
    assert slot >= moment and not in_quiet_hours(slot, quiet)
    if limit:
        assert sum(slot - DAY < t <= slot for t in others) < limit


@given(moments, st.integers(1, 20))
def test_retries_back_off_and_never_stop_growing_past_four_hours(moment, attempts):
    assert moment < retry_at(moment, attempts) <= moment + datetime.timedelta(hours=4)
    assert retry_at(moment, attempts) <= retry_at(moment, attempts + 1)
