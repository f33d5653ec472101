"""The auditors' access log: who saw or exported whose data, filtered, scoped; append-only on PostgreSQL."""

import datetime
from unittest import mock

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from hienmau.donors.models import Donor, RevealLog
from hienmau.orgs.models import Role, Unit, UnitCategory, UnitKind
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def logs(tree, people):
    ag_commune = Unit.objects.create(
        name="Mỹ Hoà Hưng", kind=UnitKind.COMMUNE, category=UnitCategory.RURAL_COMMUNE, parent=tree.an_giang
    )
    ours = Donor.objects.create(
        full_name="Nguyễn Văn Đức", date_of_birth=datetime.date(1990, 5, 12), sex="M", commune=tree.van_du
    )
    theirs = Donor.objects.create(
        full_name="Châu Thị Bé Ngọc", date_of_birth=datetime.date(1990, 4, 4), sex="F", commune=ag_commune
    )
    ag_officer = member("cb.angiang", tree.an_giang, Role.OFFICER)
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() - datetime.timedelta(days=40)):
        old = RevealLog.objects.create(
            user=people.district_officer, donor=ours, field="export", reason="Người hiến yêu cầu"
        )
    return [
        RevealLog.objects.create(user=people.district_officer, donor=ours, field="cccd", reason="Gọi mời hiến máu"),
        old,
        RevealLog.objects.create(user=ag_officer, donor=theirs, field="phone", reason="Gọi khẩn cấp"),
    ]


def _page(client, viewer, **query):
    client.force_login(viewer)
    return client.get(reverse("donors:access_log"), query)


def test_a_leader_sees_who_saw_whose_data_in_the_scope_only(client, tree, logs):
    leader = member("ld.hungyen", tree.hung_yen, Role.LEADER)
    response = _page(client, leader)
    text = response.content.decode()
    assert response.status_code == 200
    assert "Nguyễn Văn Đức" in text and "Gọi mời hiến máu" in text and "số CCCD" in text and "ctd.anthi" in text
    assert "Châu Thị Bé Ngọc" not in text and "Gọi khẩn cấp" not in text  # An Giang's row


def test_the_log_filters_by_action_user_and_dates(client, tree, logs):
    leader = member("ld.hungyen", tree.hung_yen, Role.LEADER)
    only_exports = _page(client, leader, field="export").content.decode()
    assert "Người hiến yêu cầu" in only_exports and "Gọi mời hiến máu" not in only_exports
    recent = (timezone.localdate() - datetime.timedelta(days=7)).strftime("%d/%m/%Y")
    since = _page(client, leader, since=recent).content.decode()
    assert "Gọi mời hiến máu" in since and "Người hiến yêu cầu" not in since
    nobody = _page(client, leader, user="khong-co-ai").content.decode()
    assert "Không có lượt xem nào khớp bộ lọc." in nobody


def test_the_national_admin_sees_every_row(client, logs, people):
    text = _page(client, people.admin).content.decode()
    assert "Châu Thị Bé Ngọc" in text and "Nguyễn Văn Đức" in text


@pytest.mark.parametrize("who", ["district_officer", "van_du_focal"])
def test_officers_and_focal_points_may_not_read_the_log(client, people, logs, who):
    response = _page(client, getattr(people, who))
    assert response.status_code == 403
    assert "Chỉ lãnh đạo hoặc quản trị viên" in response.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_on_postgresql_the_log_refuses_update_and_delete_in_the_database(logs):
    row = logs[0]
    for sql in (
        "UPDATE donors_reveallog SET field = 'phone' WHERE id = %s",
        "UPDATE donors_reveallog SET at = now() - interval '1 year' WHERE id = %s",
        "DELETE FROM donors_reveallog WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [row.pk])
    RevealLog.objects.filter(pk=row.pk).update(reason="[đã xoá]")  # erasure may scrub the reason
    row.refresh_from_db()
    assert (row.field, row.reason) == ("cccd", "[đã xoá]")
