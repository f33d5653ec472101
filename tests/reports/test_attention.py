"""The home page shows each role its own work, every number linking to the page behind it."""

import datetime

import pytest
from django.urls import reverse

from hienmau.core.clock import frozen
from hienmau.drives.models import Drive, TimeSlot
from hienmau.orgs.models import Role
from hienmau.orgs.scoping import build_scope
from hienmau.reports import submissions
from hienmau.reports.attention import attention
from tests.factories import member
from tests.plans.conftest import make_plan

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2024, 12, 2)


@pytest.fixture
def plan(tree):
    plan = make_plan(tree.an_thi, "14", [(tree.van_du, 54, [25, 29]), (tree.phu_ung, 61, [31, 30])])
    plan.report_deadline = datetime.date(2024, 12, 10)
    plan.save()
    return plan


def _home(client):
    with frozen(TODAY):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.context["attention"], response.content.decode()


def test_the_office_sees_reports_to_approve_and_units_not_yet_reporting(tree, people, plan, client_for):
    with frozen(datetime.date(2024, 12, 1)):
        submissions.submit(submissions.open_report(plan, tree.van_du), people.van_du_focal)
    found, body = _home(client_for(people.district_officer))
    labels = {item.label: (item.count, item.url) for item in found.items}
    submissions_url = reverse("reports:plan_submissions", args=[plan.pk])
    assert labels["Báo cáo chờ duyệt — Kế hoạch 14/KH-UBND"] == (1, submissions_url)
    assert labels["Đơn vị chưa gửi báo cáo — Kế hoạch 14/KH-UBND"] == (1, submissions_url)
    assert labels["Kế hoạch còn là dự thảo, chưa ban hành"] == (1, reverse("plans:plan_list"))
    assert f'href="{submissions_url}"' in body


def test_a_commune_sees_its_report_to_send_and_a_returned_one_first(tree, people, plan, client_for):
    found, body = _home(client_for(people.phu_ung_focal))
    assert [item.label for item in found.items] == ["Báo cáo cần gửi — xã Phù Ứng, Kế hoạch 14/KH-UBND"]
    assert found.items[0].url == reverse("reports:unit_report", args=[plan.pk, tree.phu_ung.pk])
    report = submissions.submit(submissions.open_report(plan, tree.van_du), people.van_du_focal)
    submissions.return_report(report, people.district_officer, "Thiếu số tình nguyện viên.")
    found, _body = _home(client_for(people.van_du_focal))
    assert found.items[0].label.startswith("Báo cáo bị trả lại, cần sửa — xã Vân Du") and found.items[0].urgent


def test_drives_this_week_with_registrations_against_quota_and_held_drives_for_the_facility(tree, people, client_for):
    hospital = type(tree.an_thi).objects.create(
        name="Bệnh viện Ân Thi", kind="organisation", category="hospital", parent=tree.an_thi
    )
    coming = Drive.objects.create(
        organiser=tree.an_thi, title="Đợt tuần này", date=TODAY + datetime.timedelta(days=3),
        start_time=datetime.time(7), site_name="Nhà văn hoá", facility=hospital,
    )  # fmt: skip
    TimeSlot.objects.create(
        drive=coming, unit=tree.van_du, start_time=datetime.time(7), end_time=datetime.time(9), quota=20
    )
    Drive.objects.create(
        organiser=tree.an_thi, title="Đợt tuần trước", date=TODAY - datetime.timedelta(days=5),
        start_time=datetime.time(7), site_name="Nhà văn hoá", facility=hospital,
    )  # fmt: skip
    staff = member("bv.anthi", hospital, Role.FACILITY_STAFF)
    found, body = _home(client_for(staff))
    assert [(w.drive.title, w.registered, w.quota) for w in found.week] == [("Đợt tuần này", 0, 20)]
    held = next(item for item in found.items if item.label == "Đợt hiến máu đã tổ chức, chưa có kết quả")
    assert held.count == 1 and held.url == reverse("drives:drive_list") + "?phase=held"
    assert "Kế hoạch còn là dự thảo" not in body  # facility staff do not make plans
    with frozen(TODAY):
        other = attention(build_scope(people.province_officer.memberships.get()))
    assert other.week == [] and not any("Đợt hiến máu" in item.label for item in other.items)
