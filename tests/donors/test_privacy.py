"""CCCD and phone are masked everywhere until a logged reveal; export is for editing roles and logged;
the reveal log cannot be deleted, by the admin or by erasure (donors/privacy.py)."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from hienmau.donors import privacy
from hienmau.donors.models import Donor, RevealLog
from hienmau.orgs.models import Role
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db

FULL = ("033090012345", "+84912345678", "0912345678", "912345678")


def shows_no_full_number(body: str) -> bool:
    return not any(value in body for value in FULL)


def edit_data(donor: Donor, **changes) -> dict:
    data = {
        "full_name": donor.full_name,
        "date_of_birth": donor.date_of_birth.strftime("%d/%m/%Y"),
        "sex": donor.sex,
        "cccd": "033******345",
        "phone": "091****678",
        "commune": donor.commune_id,
        "abo": donor.abo,
        "rh": donor.rh,
    }
    return {**data, **changes}


def test_the_edit_form_shows_masked_numbers_and_keeps_them_when_sent_back_unchanged(donors, people, client_for):
    duc = donors["duc"]
    client = client_for(people.district_officer)
    url = reverse("donors:donor_edit", args=[duc.pk])
    page = client.get(url).content.decode()
    assert shows_no_full_number(page) and "033******345" in page and "091****678" in page
    response = client.post(url, edit_data(duc, full_name="Nguyễn Văn Đức Anh"))
    assert response.status_code == 302, response.context["form"].errors
    duc.refresh_from_db()
    assert (duc.full_name, duc.cccd, duc.phone) == ("Nguyễn Văn Đức Anh", "033090012345", "+84912345678")
    client.post(url, edit_data(duc, phone="0987 000 111"))
    duc.refresh_from_db()
    assert (duc.cccd, duc.phone) == ("033090012345", "+84987000111")
    assert not RevealLog.objects.exists()


def test_the_history_diff_masks_the_numbers(donors, people, client_for):
    duc = donors["duc"]
    client = client_for(people.district_officer)
    client.post(reverse("donors:donor_edit", args=[duc.pk]), edit_data(duc, phone="0987 000 111"))
    page = client.get(reverse("donors:donor_history", args=[duc.pk])).content.decode()
    assert "091****678" in page and "098****111" in page
    assert shows_no_full_number(page) and "0987000111" not in page and "+84987000111" not in page


def test_the_merge_preview_masks_the_numbers(donors, people, client_for):
    duc = donors["duc"]
    twin = Donor.objects.create(
        full_name=duc.full_name, date_of_birth=duc.date_of_birth, sex="M", phone="+84912000999", commune=duc.commune
    )
    page = client_for(people.district_officer).get(reverse("donors:merge_preview", args=[duc.pk, twin.pk]))
    body = page.content.decode()
    assert shows_no_full_number(body) and "912000999" not in body
    assert "033******345" in body and "091****678" in body and "091****999" in body


def test_export_is_for_editing_roles_only_and_logged(donors, people, client_for, tree):
    url = reverse("donors:donor_export", args=[donors["duc"].pk])
    leader = member("ld.anthi", tree.an_thi, Role.LEADER)
    client = client_for(leader)
    assert client.get(reverse("donors:donor_detail", args=[donors["duc"].pk])).status_code == 200
    assert client.get(url).status_code == 403
    assert "export" not in client.get(reverse("donors:donor_detail", args=[donors["duc"].pk])).content.decode()
    assert not RevealLog.objects.exists()
    response = client_for(people.district_officer).get(url)
    assert json.loads(response.content)["cccd"] == "033090012345"
    log = RevealLog.objects.get()
    assert (log.user, log.donor, log.field) == (people.district_officer, donors["duc"], "export")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_the_admin_masks_the_numbers_on_the_record_and_in_its_history(donors, superuser):
    duc = donors["duc"]
    duc.phone = "+84987000111"
    duc.save()
    client = Client()
    client.force_login(superuser)
    pages = [
        reverse("admin:donors_donor_change", args=[duc.pk]),
        reverse("admin:donors_donor_history", args=[duc.pk]),
        *[
            reverse("admin:donors_donor_simple_history", args=[duc.pk, row.history_id])
            for row in Donor.history.filter(id=duc.pk)
        ],
    ]
    for url in pages:
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 200, url
        assert shows_no_full_number(body) and "987000111" not in body, url
    assert "033******345" in client.get(pages[0]).content.decode()


def test_reveal_log_rows_cannot_be_deleted_by_the_admin_or_by_code(donors, people, superuser):
    privacy.reveal(donors["duc"], "phone", people.district_officer, "Liên hệ lịch hiến")
    log = RevealLog.objects.get()
    client = Client()
    client.force_login(superuser)
    assert client.get(reverse("admin:donors_reveallog_delete", args=[log.pk])).status_code == 403
    client.post(
        reverse("admin:donors_reveallog_changelist"), {"action": "delete_selected", "_selected_action": [log.pk]}
    )
    with pytest.raises(PermissionError):
        log.delete()
    with pytest.raises(PermissionError):
        RevealLog.objects.all().delete()
    assert RevealLog.objects.filter(pk=log.pk).exists()


def test_erasure_keeps_the_reveal_log_with_an_anonymous_reference(donors, people):
    duc = donors["duc"]
    privacy.reveal(duc, "cccd", people.district_officer, "Xác minh cho Nguyễn Văn Đức, sđt 0912345678")
    privacy.export_donor(duc, people.district_officer)
    privacy.erase_donor(duc, people.province_officer)
    logs = list(RevealLog.objects.order_by("at", "pk"))
    assert [(log.field, log.donor_id, log.user) for log in logs] == [
        ("cccd", duc.pk, people.district_officer),
        ("export", duc.pk, people.district_officer),
    ]
    assert "Nguyễn Văn Đức" not in logs[0].reason and "0912345678" not in logs[0].reason
    duc.refresh_from_db()
    assert logs[0].donor.full_name == duc.full_name == f"Người hiến máu đã xoá dữ liệu #{duc.pk}"
    latest = Donor.history.filter(id=duc.pk).latest()
    assert latest.history_change_reason == privacy.ERASURE_REASON and latest.history_user == people.province_officer


def test_a_merge_of_an_erased_person_cannot_be_undone(donors, people):
    from hienmau.donors import services

    duc = donors["duc"]
    twin = Donor.objects.create(full_name=duc.full_name, date_of_birth=duc.date_of_birth, sex="M", address="Thôn 9")
    merge = services.merge_donors(duc, twin, people.district_officer)
    privacy.erase_donor(twin, people.province_officer)  # erasing either record erases the person
    duc.refresh_from_db()
    twin.refresh_from_db()
    assert duc.erased_at and twin.erased_at and duc.address == "" and twin.address == ""
    merge.refresh_from_db()
    assert merge.filled_fields == {}
    with pytest.raises(ValidationError):
        services.undo_merge(merge, people.district_officer)


def test_on_postgresql_the_database_refuses_to_delete_a_reveal_log_row(donors, people):
    from django.db import DatabaseError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL trigger")
    privacy.reveal(donors["duc"], "phone", people.district_officer, "Liên hệ lịch hiến")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM donors_reveallog")
    assert RevealLog.objects.count() == 1
