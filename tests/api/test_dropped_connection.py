"""The database connection dropped in the middle of a facility's pushed day of outcomes (PostgreSQL): the
rows already recorded in that push are rolled back with it, the facility's software gets the API's JSON
error (503) saying to send the whole day again, and the day sent again is recorded once."""

import json

import pytest

from hienmau.drives import facility_push
from hienmau.drives.models import Registration, RegistrationStatus
from tests.api.test_api import push, row
from tests.dropped import changed_tables, drop_connection_at, postgres_only, row_counts

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def test_a_connection_dropped_in_the_middle_of_a_pushed_day_keeps_no_row(world, api):
    side, client = world.hung_yen, api("facility")
    rows = [
        row(side, 0, "AT-001"),
        row(side, 1, "AT-002", outcome="deferred", volume_ml=None, deferral_reason="Huyết sắc tố thấp"),
        row(side, 2, "AT-003"),
    ]
    before = row_counts()

    with drop_connection_at(facility_push, "record_outcome", call=2) as dropped:  # the first row recorded
        answer = push(client, side, rows)

    assert dropped == [2]
    assert answer.status_code == 503 and answer["Content-Type"] == "application/json"
    error = json.loads(answer.content)
    assert error["code"] == "database_unavailable"
    assert "không có gì được ghi dở dang" in error["message"] and "gửi lại cả ngày" in error["message"]
    assert changed_tables(before) == {}

    again = push(client, side, rows)
    assert again.status_code == 200 and again.json()["created"] == 3
    statuses = Registration.objects.filter(drive=side.drive).order_by("pk").values_list("status", flat=True)
    assert list(statuses) == [RegistrationStatus.DONATED, RegistrationStatus.DEFERRED, RegistrationStatus.DONATED]
    recorded = row_counts()

    third = push(client, side, rows)
    assert third.status_code == 200 and third.json()["unchanged"] == 3
    assert changed_tables(recorded) == {}
