"""The database connection dropped while the office approves a unit's report (PostgreSQL): the report
stays submitted with no event or history row of the approval, the officer is told to press “Duyệt”
again, and the second press approves it once."""

import pytest
from django.urls import reverse

from hienmau.reports.models import ReportEvent, ReportStatus, UnitReport
from tests.dropped import changed_tables, drop_connection_at, postgres_only, row_counts
from tests.plans.conftest import make_plan
from tests.reports.test_unit_reports import FORM

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def test_a_connection_dropped_in_the_middle_of_an_approval_keeps_nothing(tree, people, client_for):
    plan = make_plan(tree.an_thi, "14", [(tree.van_du, 54, [25, 29]), (tree.phu_ung, 61, [31, 30])])
    url = reverse("reports:unit_report", args=[plan.pk, tree.van_du.pk])
    assert client_for(people.van_du_focal).post(url, {**FORM, "action": "submitted"}).status_code == 302
    office = client_for(people.district_officer)
    before = row_counts()

    # The report row saved as approved (with its history row), its event not written yet.
    with drop_connection_at(ReportEvent.objects, "create") as dropped:
        answer = office.post(url, {"action": "approved", "comment": "Đạt."})

    assert dropped == [1]
    assert answer.status_code == 503
    body = answer.content.decode()
    assert "Mất kết nối tới cơ sở dữ liệu giữa chừng" in body and "không có gì được ghi dở dang" in body
    assert "Mở lại báo cáo của xã Vân Du và bấm “Duyệt” lần nữa" in body
    assert changed_tables(before) == {}
    assert UnitReport.objects.get().status == ReportStatus.SUBMITTED

    assert office.post(url, {"action": "approved", "comment": "Đạt."}).status_code == 302
    report = UnitReport.objects.get()
    assert report.status == ReportStatus.APPROVED and report.comment == "Đạt."
    assert [event.action for event in report.events.all()] == ["submitted", "approved"]
    approved = row_counts()

    third = office.post(url, {"action": "approved", "comment": "Đạt."})  # pressed once more: refused, kept once
    assert third.status_code == 409
    assert changed_tables(approved) == {}
