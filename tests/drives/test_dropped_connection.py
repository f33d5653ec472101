"""The database connection dropped while the check-in page records an outcome (PostgreSQL): the event,
the registration's status and the donation are rolled back together, the page's outbox gets a JSON 503
(it keeps the outcome and sends it again), and the outcome sent again is recorded once."""

import datetime
import json

import pytest
from django.urls import reverse

from hienmau.donors.models import Donor
from hienmau.drives import services
from hienmau.drives.models import CheckInEvent, Drive, Registration, RegistrationStatus
from tests.dropped import changed_tables, drop_connection_at, postgres_only, row_counts

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def test_a_connection_dropped_while_an_outcome_is_recorded_keeps_nothing(tree, people, client_for):
    drive = Drive.objects.create(
        organiser=tree.an_thi,
        title="Ngày hội hiến máu huyện Ân Thi",
        date=datetime.date(2021, 7, 9),
        start_time=datetime.time(7),
        site_name="Nhà văn hoá huyện",
    )
    donor = Donor.objects.create(full_name="Nguyễn Văn Đức", date_of_birth=datetime.date(1990, 5, 12), sex="M")
    registration = Registration.objects.create(drive=drive, unit=tree.van_du, donor=donor, full_name=donor.full_name)
    client = client_for(people.district_officer)
    body = {"registration": registration.pk, "client_event_id": "evt-dropped-0001", "outcome": "donated"}
    body |= {"volume_ml": 350, "component": "whole_blood"}

    def send():
        url = reverse("drive_checkin:checkin_outcome", args=[drive.pk])
        return client.post(url, json.dumps(body), content_type="application/json")

    before = row_counts()
    with drop_connection_at(services, "record_donation") as dropped:  # the event written, the donation not yet
        answer = send()

    assert dropped == [1]
    assert answer.status_code == 503  # the outbox keeps a 5xx and sends it again
    error = answer.json()
    assert error["ok"] is False and "Kết quả vẫn được giữ trên máy" in error["error"]
    assert changed_tables(before) == {}

    again = send()
    assert again.status_code == 200 and again.json()["duplicate"] is False
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.DONATED and donor.donations.count() == 1
    recorded = row_counts()

    assert send().json()["duplicate"] is True
    assert changed_tables(recorded) == {} and CheckInEvent.objects.count() == 1
