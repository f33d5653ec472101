"""The database connection dropped while a donation-history file is imported (PostgreSQL): no donor,
donation or history row of the file is kept, the person is told to choose the file again, and the second
import records each row once."""

import pytest
from django.urls import reverse

from hienmau.donors import importer
from hienmau.donors.models import Donation, Donor
from tests.donors.test_history_import import GOOD, workbook
from tests.dropped import changed_tables, drop_connection_at, postgres_only, row_counts

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def upload(client, path, hospital):
    with path.open("rb") as file:
        return client.post(reverse("donors:history_import"), {"file": file, "facility": hospital.pk})


def test_a_connection_dropped_in_the_middle_of_a_history_import_keeps_nothing(
    tmp_path, donors, hospital, people, client_for
):
    client = client_for(people.district_officer)
    path = workbook(tmp_path, GOOD)
    before = row_counts()

    # Donors created and donations recorded, the blood groups not reconciled yet.
    with drop_connection_at(importer, "_reconcile_groups") as dropped:
        answer = upload(client, path, hospital)

    assert dropped == [1]
    assert answer.status_code == 503
    body = answer.content.decode()
    assert "Mất kết nối tới cơ sở dữ liệu giữa chừng" in body and "không có gì được ghi dở dang" in body
    assert "Hãy chọn lại tệp và bấm “Nhập” lần nữa" in body
    assert changed_tables(before) == {}

    again = upload(client, path, hospital)
    assert again.status_code == 200 and again.context["result"].donations_created == 3
    assert Donor.objects.filter(full_name="Phạm Thị Hoa").get().abo == "AB"
    imported = row_counts()

    third = upload(client, path, hospital)
    assert third.context["result"].already_imported == 3
    assert changed_tables(imported) == {}
    assert Donation.objects.filter(bag_number__startswith="AT2511").count() == 2
