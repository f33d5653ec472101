"""The drive's plain rules: priority areas along the tree and successor links, and pledge instalments."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from hienmau.humanitarian.lib.coverage import Coverage, instalments, is_priority, promised_value

days = st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2030, 12, 31))


def test_a_commune_under_a_priority_district_is_priority_and_a_neighbour_is_not():
    assert is_priority(["/1/3/7/"], ["/1/3/"])
    assert not is_priority(["/1/4/9/"], ["/1/3/"])
    # Today's commune that took over a former commune of the district is priority through the link.
    assert is_priority(["/1/2/50/", "/1/3/7/"], ["/1/3/"])


@given(st.lists(st.integers(1, 99), min_size=1, max_size=4), st.lists(st.integers(1, 99), min_size=1, max_size=4))
def test_priority_follows_prefixes_only(own, area):
    path = "/" + "/".join(map(str, own)) + "/"
    root = "/" + "/".join(map(str, area)) + "/"
    assert is_priority([path], [root]) == path.startswith(root)


@given(days, st.integers(1, 60))
def test_monthly_pledge_over_k_months_gives_k_times(start, k):
    year, month = divmod(start.month - 1 + k, 12)
    first_of_next = datetime.date(start.year + year, month + 1, 1)
    end = first_of_next - datetime.timedelta(days=1)
    begin = start.replace(day=1)
    assert instalments("monthly", begin, end) == k
    assert instalments("quarterly", begin, end) == -(-k // 3)


@given(days, st.integers(0, 10**9))
def test_once_is_one_instalment_and_open_ended_recurring_has_no_total(start, amount):
    assert promised_value(amount, "once", start, None) == amount
    assert promised_value(amount, "monthly", start, None) is None


@given(st.lists(st.tuples(*[st.integers(0, 1000)] * 7), max_size=5))
def test_coverage_adds_field_by_field(rows):
    total = Coverage()
    for row in rows:
        total += Coverage(*row)
    assert total.recorded == sum(r[0] for r in rows) and total.cards == sum(r[6] for r in rows)
