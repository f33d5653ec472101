"""insert_with_history: COPY on PostgreSQL, bulk_create_with_history elsewhere; same rows and history."""

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from simple_history.models import HistoricalRecords

from hienmau.core.bulk import insert_with_history
from hienmau.donors.models import Donation, Donor, RevealLog

pytestmark = pytest.mark.django_db


def people(count):
    return [
        Donor.name_columns(f"Nguyễn Thị  Mai {n}")
        | {"date_of_birth": datetime.date(1990, 1, 1 + n), "sex": "F", "cccd": f"0013010000{n:02d}"}
        for n in range(count)
    ]


def test_rows_come_back_in_order_with_defaults_and_one_created_history_row_each():
    keys = insert_with_history(Donor, people(3), change_reason="Nhập lịch sử hiến máu")
    stored = list(Donor.objects.filter(pk__in=keys).order_by("pk"))
    assert [d.pk for d in stored] == sorted(keys) and len(set(keys)) == 3
    first = Donor.objects.get(pk=keys[0])
    assert (first.full_name, first.other_names_search, first.cccd) == (
        "Nguyễn Thị Mai 0",
        " nguyen thi mai",
        "001301000000",
    )
    assert first.created_at is not None and first.consent_contact is False and first.address == ""
    history = list(Donor.history.filter(id__in=keys).order_by("id"))
    assert [(h.id, h.history_type, h.full_name) for h in history] == [(d.pk, "+", d.full_name) for d in stored]
    assert {h.history_change_reason for h in history} == {"Nhập lịch sử hiến máu"}
    assert {h.history_user_id for h in history} == {None}


def test_history_names_the_user_of_the_current_request():
    user = get_user_model().objects.create_user("ttyt.anthi")
    HistoricalRecords.context.request = SimpleNamespace(user=user)
    try:
        [key] = insert_with_history(Donor, people(1))
    finally:
        del HistoricalRecords.context.request
    assert Donor.history.get(id=key).history_user == user


def test_foreign_keys_and_models_without_history():
    [donor] = insert_with_history(Donor, people(1))
    [donation] = insert_with_history(
        Donation, [{"donor_id": donor, "date": datetime.date(2026, 3, 1), "volume_ml": 350}]
    )
    assert Donation.objects.get(pk=donation).donor_id == donor
    assert Donation.objects.get(pk=donation).component == "whole_blood"  # the field's default
    user = get_user_model().objects.create_user("vp.angiang")
    [log] = insert_with_history(RevealLog, [{"user_id": user.pk, "donor_id": donor, "field": "cccd"}])
    assert RevealLog.objects.get(pk=log).at is not None  # auto_now_add filled


def test_unknown_fields_are_refused_before_anything_is_written():
    with pytest.raises(TypeError, match="no_such_field"):
        insert_with_history(Donor, people(1) + [{"full_name": "X", "no_such_field": 1}])
    assert Donor.objects.count() == 0
    assert insert_with_history(Donor, []) == []
