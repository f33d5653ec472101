"""`hienmau report outlook --unit CODE --from YYYY-MM --months N [--as-of D] [--threshold PCT] --json`:
the contract's keys, a province's Tết month flagged from its history and its facilities' demand, a month
that bookings cover left unflagged, only data up to --as-of used, and the backtest beating the naive
forecast."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from hienmau.core.clock import frozen
from hienmau.drives.models import Drive, Registration
from hienmau.notify.models import Message
from hienmau.results import services as results
from hienmau.results.lib.rules import Counts

pytestmark = pytest.mark.django_db
D = datetime.date


def run(*args):
    out = StringIO()
    call_command("report", "outlook", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_contract_keys_and_the_tet_month_flagged(province):
    _history, _hospital, average = province
    data = run("--unit", "91", "--from", "2026-01", "--months", "6", "--as-of", "2025-12-10")
    assert set(data) >= {"unit", "as_of", "months", "backtest"}
    assert data["unit"] == "91" and data["as_of"] == "2025-12-10"
    months = {m["month"]: m for m in data["months"]}
    assert list(months) == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    for month in data["months"]:
        assert set(month) >= {"month", "expected", "low", "high", "planned", "booked", "demand", "gap", "flag"}
        assert month["low"] <= month["expected"] <= month["high"]
        assert month["gap"] == month["expected"] - month["demand"] and month["demand"] == average
    assert months["2026-02"]["flag"] is True  # Tết 2026 is on 17 February
    assert months["2026-01"]["flag"] is False and months["2026-03"]["flag"] is False
    test = data["backtest"]
    assert test["months"] == 12 and test["mape"] < test["naive_mape"]


def test_bookings_cover_a_month_history_shows_short(province, tree):
    drive = Drive.objects.create(
        organiser=tree.an_giang,
        title="Ngày hội Xuân hồng",
        date=D(2026, 2, 24),
        start_time=datetime.time(7),
        site_name="Nhà văn hóa tỉnh",
    )
    Registration.objects.bulk_create(Registration(drive=drive, full_name=f"Người {i}") for i in range(700))
    made = Registration.objects.filter(drive=drive)
    assert (
        run("--unit", "91", "--from", "2026-02", "--months", "1", "--as-of", "2025-12-10")["months"][0]["booked"] == 0
    )
    made.update(created_at=timezone.make_aware(datetime.datetime(2025, 12, 1, 9)))  # booked before the as-of day
    month = run("--unit", "91", "--from", "2026-02", "--months", "1", "--as-of", "2025-12-10")["months"][0]
    assert month["booked"] == 700 and month["expected"] >= 560  # 700 × the default show-up rate 0.8
    assert month["flag"] is False


def test_a_past_as_of_uses_only_what_was_known_then(province, tree):
    before = run("--unit", "91", "--from", "2024-01", "--months", "3", "--as-of", "2023-12-15")
    results.set_tally_entry(tree.an_minh.pk, D(2023, 12, 20), Counts(collected=5000))
    results.set_tally_entry(tree.an_minh.pk, D(2024, 1, 20), Counts(collected=5000))
    after = run("--unit", "91", "--from", "2024-01", "--months", "3", "--as-of", "2023-12-15")
    assert before == after
    assert before["unit"] == "91" and before["backtest"]["months"] == 12


def test_threshold_decides_the_flag(province):
    loose = run("--unit", "91", "--from", "2026-02", "--months", "1", "--as-of", "2025-12-10", "--threshold", "90")
    assert loose["months"][0]["flag"] is False


def test_unknown_unit_and_bad_month_are_refused_in_vietnamese(province):
    with pytest.raises(CommandError, match="Không có đơn vị mang mã"):
        run("--unit", "XX", "--from", "2026-01", "--months", "3")
    with pytest.raises(CommandError, match="không hợp lệ"):
        run("--unit", "91", "--from", "2026-13", "--months", "3")


def test_without_history_or_demand_nothing_is_flagged(tree):
    data = run("--unit", "33", "--from", "2026-01", "--months", "2", "--as-of", "2025-12-01")
    assert [m["expected"] for m in data["months"]] == [0, 0]
    assert not any(m["flag"] for m in data["months"]) and data["backtest"] is None


def test_the_daily_alert_run_tells_each_office_of_its_red_months_once(province, people):
    people.province_officer.email = "vp.angiang@example.vn"
    people.province_officer.save()
    runs = []
    with frozen(D(2025, 12, 10)):
        for _ in range(2):
            out = StringIO()
            call_command("report", "outlook-alerts", stdout=out)
            runs.append(out.getvalue())
    messages = list(Message.objects.filter(purpose__startswith="outlook:"))
    assert runs[0].startswith("1 tỉnh có tháng dự kiến thiếu máu; ") and runs[1].endswith(
        "0 tin cảnh báo mới được gửi.\n"
    )
    assert f"{len(messages)} tin cảnh báo mới" in runs[0] and len(messages) >= 1
    assert {m.recipient for m in messages} == {"vp.angiang@example.vn"}
    assert any("tháng 02/2026" in m.body for m in messages)  # Tết 2026 falls on 17 February


def test_the_alert_run_refuses_a_silly_horizon(tree):
    with pytest.raises(CommandError, match="Số tháng phải từ 1 đến 24"):
        call_command("report", "outlook-alerts", "--months", "0", stdout=StringIO())
