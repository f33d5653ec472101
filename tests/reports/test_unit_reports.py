"""A unit's report on a plan: prefilled from the recorded results, submitted, returned with a comment,
corrected, approved and locked (a refused edit says why and who reopens); completeness and timeliness per
level; reminders once each; the consolidated report from approved reports only."""

import datetime
import io

import pdfplumber
import pytest
from django.urls import reverse
from docx import Document
from hypothesis import given
from hypothesis import strategies as st

from hienmau.core.clock import frozen
from hienmau.notify.models import Message
from hienmau.reports import consolidated, submissions
from hienmau.reports.lib import submissions as rules
from hienmau.reports.models import ReportStatus, UnitReport
from tests.orgs.test_scoping import urls_taking
from tests.plans.conftest import make_plan

DEADLINE = datetime.date(2024, 12, 10)


@pytest.fixture
def plan(tree):
    plan = make_plan(
        tree.an_thi, "14", [(tree.van_du, 54, [25, 29]), (tree.phu_ung, 61, [31, 30]), (tree.school, 60, [None, 30])]
    )
    plan.report_deadline = DEADLINE
    plan.save()
    return plan


def _url(plan, unit):
    return reverse("reports:unit_report", args=[plan.pk, unit.pk])


FORM = {
    "collected": "50",
    "registered": "61",
    "deferred": "9",
    "drives_held": "2",
    "volunteers": "12",
    "media_items": "3",
    "reserve_donors": "5",
    "activities": "Hai đợt tại nhà văn hoá xã.",
    "difficulties": "Thiếu điểm lấy máu.",
    "proposals": "Thêm một đợt tháng 12.",
}


@pytest.mark.django_db
def test_the_cycle_submit_return_correct_approve_then_locked(tree, people, plan, client_for):
    commune = client_for(people.van_du_focal)
    page = commune.get(_url(plan, tree.van_du))
    assert page.status_code == 200 and "Gửi báo cáo" in page.content.decode()
    assert not UnitReport.objects.exists()  # opening the page creates nothing
    with frozen(datetime.date(2024, 12, 5)):
        assert commune.post(_url(plan, tree.van_du), {**FORM, "action": "submitted"}).status_code == 302
    report = UnitReport.objects.get()
    assert (report.status, report.collected, report.volunteers) == (ReportStatus.SUBMITTED, 50, 12)
    refused = commune.post(_url(plan, tree.van_du), {**FORM, "collected": "99", "action": "saved"})
    assert refused.status_code == 409 and "đang chờ" in refused.content.decode()

    office = client_for(people.district_officer)
    no_comment = office.post(_url(plan, tree.van_du), {"action": "returned", "comment": ""})
    assert no_comment.status_code == 409 and "Ghi rõ cần sửa gì" in no_comment.content.decode()
    office.post(_url(plan, tree.van_du), {"action": "returned", "comment": "Số người đăng ký chưa khớp danh sách."})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED

    commune = client_for(people.van_du_focal)
    assert "Số người đăng ký chưa khớp danh sách." in commune.get(_url(plan, tree.van_du)).content.decode()
    with frozen(datetime.date(2024, 12, 12)):  # corrected after the deadline: still on time (first sent on 5/12)
        commune.post(_url(plan, tree.van_du), {**FORM, "registered": "58", "action": "submitted"})
    office = client_for(people.district_officer)
    office.post(_url(plan, tree.van_du), {"action": "approved", "comment": ""})
    report.refresh_from_db()
    assert (report.status, report.registered) == (ReportStatus.APPROVED, 58)
    assert [e.action for e in report.events.all()] == ["submitted", "returned", "submitted", "approved"]

    commune = client_for(people.van_du_focal)
    locked = commune.post(_url(plan, tree.van_du), {**FORM, "collected": "1", "action": "submitted"})
    body = locked.content.decode()
    assert locked.status_code == 409
    assert "đã được duyệt" in body and "Văn phòng Ban Chỉ đạo huyện Ân Thi" in body and "mở lại" in body
    report.refresh_from_db()
    assert report.collected == 50
    rows = submissions.required_reports(plan, on=datetime.date(2024, 12, 20))
    assert [row.timeliness for row in rows] == [rules.ON_TIME, rules.MISSING, rules.MISSING]


@pytest.mark.django_db
def test_only_the_issuing_side_decides_and_a_unit_reports_only_for_itself(tree, people, plan, client_for):
    commune = client_for(people.van_du_focal)
    commune.post(_url(plan, tree.van_du), {**FORM, "action": "submitted"})
    assert commune.post(_url(plan, tree.van_du), {"action": "approved"}).status_code == 403
    assert commune.get(_url(plan, tree.phu_ung)).status_code == 404  # another commune's report
    other = client_for(people.province_officer)  # An Giang: Hưng Yên's plan is none of its business
    for url in urls_taking(plan.pk, "reports", kwargs=("pk",)):
        assert other.get(url).status_code in (404, 405), url
    assert other.get(_url(plan, tree.van_du)).status_code == 404
    assert other.post(reverse("reports:period_close", args=[plan.pk])).status_code == 404


@pytest.mark.django_db
def test_the_report_opens_prefilled_from_the_recorded_results(tree, people, plan, client_for, monkeypatch):
    monkeypatch.setattr(
        submissions,
        "recorded_figures",
        lambda plan, unit: {"collected": 41, "registered": 47, "deferred": 6, "drives_held": 1},
    )
    page = client_for(people.van_du_focal).get(_url(plan, tree.van_du)).content.decode()
    assert 'value="41"' in page and 'value="47"' in page
    report = submissions.open_report(plan, tree.van_du)
    assert (report.collected, report.recorded_collected, report.status) == (41, 41, ReportStatus.DRAFT)


@pytest.mark.django_db
def test_a_closed_period_refuses_changes_and_says_who_reopens(tree, people, plan, client_for):
    office = client_for(people.district_officer)
    office.post(reverse("reports:period_close", args=[plan.pk]))
    refused = client_for(people.phu_ung_focal).post(_url(plan, tree.phu_ung), {**FORM, "action": "submitted"})
    assert refused.status_code == 409 and "khóa sổ" in refused.content.decode()
    assert "Văn phòng Ban Chỉ đạo huyện Ân Thi" in refused.content.decode()
    office = client_for(people.district_officer)
    office.post(reverse("reports:period_close", args=[plan.pk]), {"reopen": "1"})
    assert (
        client_for(people.phu_ung_focal).post(_url(plan, tree.phu_ung), {**FORM, "action": "submitted"}).status_code
        == 302
    )


@pytest.mark.django_db
def test_completeness_per_level_on_the_plan_page_and_the_list(tree, people, plan, client_for):
    with frozen(datetime.date(2024, 12, 11)):
        submissions.submit(submissions.open_report(plan, tree.van_du), people.van_du_focal, {"collected": 50})
        page = client_for(people.district_officer).get(reverse("reports:plan_submissions", args=[plan.pk]))
        body = page.content.decode()
        tallies = page.context["tallies"]
    assert {t.level: (t.required, t.counts[rules.LATE], t.counts[rules.MISSING]) for t in tallies} == {
        "Cấp xã": (2, 1, 1),
        "Cơ quan, đơn vị": (1, 0, 1),
    }
    assert "Quá hạn" in body and "Chưa gửi (đã quá hạn)" in body
    listing = client_for(people.district_officer).get(reverse("reports:submission_list")).content.decode()
    assert "Báo cáo chờ duyệt" in listing and "xã Vân Du" in listing
    own = client_for(people.phu_ung_focal).get(reverse("reports:submission_list")).content.decode()
    assert "xã Phù Ứng" in own and "xã Vân Du" not in own


@pytest.mark.django_db
def test_reminders_go_before_the_deadline_and_on_the_day_once_each(tree, people, plan):
    for user in (people.van_du_focal, people.phu_ung_focal):
        user.email = f"{user.username}@example.vn"
        user.save()
    submissions.submit(submissions.open_report(plan, tree.phu_ung), people.phu_ung_focal)
    sent = submissions.send_reminders(datetime.date(2024, 12, 8), days_before=3)
    assert [(unit.name, kind, count) for _plan, unit, kind, count in sent] == [
        ("Vân Du", "before", 1),
        ("Trường THPT Ân Thi", "before", 0),  # nobody with an address there
    ]
    again = submissions.send_reminders(datetime.date(2024, 12, 9), days_before=3)
    assert sum(count for *_rest, count in again) == 0
    on_the_day = submissions.send_reminders(DEADLINE, days_before=3)
    assert [(unit.name, kind, count) for _plan, unit, kind, count in on_the_day][0] == ("Vân Du", "due", 1)
    assert submissions.send_reminders(DEADLINE + datetime.timedelta(days=1)) == []
    bodies = list(Message.objects.order_by("pk").values_list("body", flat=True))
    assert len(bodies) == 2 and "10/12/2024" in bodies[0] and "hôm nay" in bodies[1]


@pytest.mark.django_db
def test_the_remind_command_prints_what_it_sent(tree, people, plan, capsys):
    from django.core.management import call_command

    people.van_du_focal.email = "du@example.vn"
    people.van_du_focal.save()
    with frozen(datetime.date(2024, 12, 9)):
        call_command("report", "remind", "--days", "3")
    out = capsys.readouterr().out
    assert "xã Vân Du" in out and "1 tin" in out


@pytest.mark.django_db
def test_the_consolidated_report_counts_only_approved_reports(tree, people, plan, client_for):
    first = submissions.submit(
        submissions.open_report(plan, tree.van_du),
        people.van_du_focal,
        {"collected": 50, "difficulties": "Thiếu điểm lấy máu."},
    )
    submissions.approve(first, people.district_officer)
    submissions.submit(submissions.open_report(plan, tree.phu_ung), people.phu_ung_focal, {"collected": 70})
    data = consolidated.build(plan)
    assert [line.unit for line in data.lines] == ["xã Vân Du"]
    assert data.total.values[0] == 50 and data.total.target == 54
    assert any("xã Phù Ứng" in name for name in data.missing)
    office = client_for(people.district_officer)
    word = office.get(reverse("reports:consolidated_export", args=[plan.pk, "docx"]))
    text = "\n".join(p.text for p in Document(io.BytesIO(word.content)).paragraphs)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in Document(io.BytesIO(word.content)).tables[0].cell(0, 1).text
    assert "Kết quả thực hiện Kế hoạch số 14/KH-UBND" in text and "Thiếu điểm lấy máu." in text
    pdf = office.get(reverse("reports:consolidated_export", args=[plan.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(pdf.content)) as document:
        read = "\n".join(page.extract_text() or "" for page in document.pages)
    assert "BÁO CÁO" in read and "xã Vân Du" in read and "92,6%" in read
    refused = client_for(people.van_du_focal).get(reverse("reports:consolidated_export", args=[plan.pk, "pdf"]))
    assert refused.status_code == 403


STATES = [rules.DRAFT, rules.SUBMITTED, rules.RETURNED, rules.APPROVED]
ACTIONS = [rules.SAVE, rules.SUBMIT, rules.RETURN, rules.APPROVE, rules.REOPEN]


@given(st.sampled_from(STATES), st.sampled_from(ACTIONS), st.booleans())
def test_an_action_goes_ahead_exactly_when_no_refusal_is_given(state, action, closed):
    reason = rules.refusal(state, action, period_closed=closed)
    assert (reason is None) == (
        rules.next_state(state, action) is not None and not (closed and action != rules.APPROVE)
    )
    if state == rules.APPROVED and action in (rules.SAVE, rules.SUBMIT) and not closed:
        assert reason == rules.REFUSED_APPROVED


@given(st.dates(), st.none() | st.dates(), st.dates())
def test_timeliness_is_on_time_late_missing_or_not_due(deadline, sent, today):
    status = rules.timeliness(deadline, sent, today)
    if sent is not None:
        assert status == (rules.ON_TIME if sent <= deadline else rules.LATE)
    else:
        assert status == (rules.MISSING if today > deadline else rules.NOT_DUE)


@given(st.dates(), st.dates(), st.integers(1, 10), st.booleans())
def test_a_reminder_only_in_the_window_and_never_once_sent(deadline, today, days, sent):
    kind = rules.reminder_due(deadline, today, days_before=days, already_sent=sent)
    if sent or today > deadline or (deadline - today).days > days:
        assert kind is None
    else:
        assert kind == (rules.ON_THE_DAY if today == deadline else rules.BEFORE)
