"""What needs the signed-in person's attention, by role, for the home page: report deadlines coming,
reports to send or to approve, this week's drives with registrations against quota, drives held and
waiting for results, lists waiting for review, imports with rows not yet stored, units behind target.
Every item has a count and the page behind it. Everything is read through the scope."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from hienmau.core.clock import today
from hienmau.donors.models import ReviewStatus, TransferRequest
from hienmau.donors.registry import proposals_for
from hienmau.drives.lib import phases
from hienmau.drives.models import Drive
from hienmau.drives.services import calendar_drives
from hienmau.orgs.models import Role
from hienmau.orgs.scoping import Scope, may_decide_unit_reports, may_make_plans, may_write_unit_report
from hienmau.plans.models import Plan, PlanStatus
from hienmau.reports import services, submissions
from hienmau.reports.models import ReportStatus
from hienmau.results.models import ResultImport

DEADLINE_WINDOW = datetime.timedelta(days=30)


@dataclass
class Item:
    label: str
    url: str
    count: int | None = None
    note: str = ""
    urgent: bool = False


@dataclass
class WeekDrive:
    drive: Drive
    registered: int
    quota: int


@dataclass
class Attention:
    items: list[Item]
    week: list[WeekDrive]

    def __bool__(self) -> bool:
        return bool(self.items or self.week)


def _report_items(scope: Scope, on: datetime.date) -> list[Item]:
    items = []
    recent = on - datetime.timedelta(days=60)  # a report never started on a plan long past is not today's work
    for plan in submissions.plans_with_reporting(Plan.objects.visible_to(scope))[:50]:
        deadline = plan.report_deadline
        if deadline is None:  # plans_with_reporting keeps plans with a deadline; this tells the type checker
            continue
        deciding = may_decide_unit_reports(scope, plan.issuing_unit)
        rows = submissions.required_reports(plan, on=on)
        reference = plan.reference or plan.title[:50]
        plan_url = reverse("reports:plan_submissions", args=[plan.pk])
        if deciding:
            waiting = sum(1 for r in rows if r.report and r.report.status == ReportStatus.SUBMITTED)
            if waiting:
                items.append(Item(_("Báo cáo chờ duyệt — Kế hoạch %(ref)s") % {"ref": reference}, plan_url, waiting))
            if on <= deadline <= on + DEADLINE_WINDOW:
                missing = sum(1 for r in rows if r.report is None or r.report.first_submitted_at is None)
                note = _("hạn %(date)s") % {"date": f"{deadline:%d/%m/%Y}"}
                label = _("Đơn vị chưa gửi báo cáo — Kế hoạch %(ref)s") % {"ref": reference}
                items.append(Item(label, plan_url, missing, note))
        for row in rows:
            own = row.unit.pk == scope.unit.pk or not deciding and may_write_unit_report(scope, row.unit)
            to_do = row.report is None or row.report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)
            if not (own and to_do) or row.report is None and deadline < recent:
                continue
            returned = row.report is not None and row.report.status == ReportStatus.RETURNED
            label = (
                _("Báo cáo bị trả lại, cần sửa — %(unit)s, Kế hoạch %(ref)s")
                if returned
                else _("Báo cáo cần gửi — %(unit)s, Kế hoạch %(ref)s")
            ) % {"unit": row.unit.full_name, "ref": reference}
            note = _("hạn %(date)s") % {"date": f"{deadline:%d/%m/%Y}"}
            url = reverse("reports:unit_report", args=[plan.pk, row.unit.pk])
            items.append(Item(label, url, None, note, urgent=returned or deadline <= on + datetime.timedelta(days=3)))
    return items


def _week(scope: Scope, on: datetime.date) -> list[WeekDrive]:
    drives = calendar_drives(scope, on, on + datetime.timedelta(days=6))
    found = []
    for drive in drives:
        # calendar_drives annotates each drive with the units taking part and the registrants the scope sees
        participants, registered = getattr(drive, "participants"), getattr(drive, "registered")  # noqa: B009
        quota = sum(slot.quota or 0 for slot in drive.slots.all() if slot.unit is None or slot.unit in participants)
        found.append(WeekDrive(drive, registered, quota))
    return found


def _review_items(scope: Scope) -> list[Item]:
    if not scope.can_edit or scope.role == Role.FACILITY_STAFF:
        return []
    pending = ReviewStatus.PENDING
    count = proposals_for(scope).filter(status=pending).count()
    count += TransferRequest.objects.filter(status=pending).filter(scope.unit_filter("deciding_unit__")).count()
    if not count:
        return []
    return [
        Item(
            _("Hồ sơ người hiến máu chờ xem xét (có thể trùng, yêu cầu chuyển)"), reverse("donors:review_queue"), count
        )
    ]


def _import_items(scope: Scope) -> list[Item]:
    imports = ResultImport.objects.visible_to(scope).exclude(pending_rows=[])
    rows = sum(len(found.pending_rows) for found in imports.only("pending_rows")[:200])
    if not rows:
        return []
    return [Item(_("Dòng kết quả nhập từ tệp chưa được lưu, cần sửa"), reverse("results:import_list"), rows)]


def _drive_items(scope: Scope, on: datetime.date) -> list[Item]:
    held = Drive.objects.visible_to(scope).in_phase(phases.HELD, on).filter(date__gte=on - datetime.timedelta(days=90))
    if scope.role == Role.FACILITY_STAFF:
        held = held.filter(scope.unit_filter("facility__"))
    else:
        held = held.filter(scope.unit_filter("organiser__") | scope.unit_filter("facility__"))
    count = held.count()
    if not count:
        return []
    first = held.order_by("date").first()
    url = reverse("drives:drive_list") + f"?phase={phases.HELD}"
    note = _("sớm nhất ngày %(date)s") % {"date": f"{first.date:%d/%m/%Y}"} if first else ""
    return [Item(_("Đợt hiến máu đã tổ chức, chưa có kết quả"), url, count, note)]


def _plan_items(scope: Scope) -> list[Item]:
    if not may_make_plans(scope):
        return []
    own = Plan.objects.editable_by(scope)
    items = []
    drafts = own.filter(status=PlanStatus.DRAFT).count()
    if drafts:
        items.append(Item(_("Kế hoạch còn là dự thảo, chưa ban hành"), reverse("plans:plan_list"), drafts))
    amending = own.filter(status=PlanStatus.AMENDING).count()
    if amending:
        items.append(
            Item(_("Kế hoạch đang điều chỉnh, chưa ban hành điều chỉnh"), reverse("plans:plan_list"), amending)
        )
    return items


def _behind_items(scope: Scope, on: datetime.date) -> list[Item]:
    if scope.role == Role.FACILITY_STAFF:
        return []
    has_target = Plan.objects.visible_to(scope).filter(date__year=on.year).aggregate(n=Sum("allocations__total"))["n"]
    if not has_target:
        return []
    data = services.unit_year(scope.unit, on.year, "unit")
    due = services.share_of_year_due(on.year) * 100
    behind = [row for row in data.rows if row["target"] and (row["percent"] or 0) < due]
    if not behind:
        return []
    note = _("dưới %(p)s%% chỉ tiêu năm, theo thời gian đã qua") % {"p": round(due)}
    return [Item(_("Đơn vị chậm tiến độ"), reverse("reports:overview"), len(behind), note)]


def attention(scope: Scope, on: datetime.date | None = None) -> Attention:
    on = on or today()
    items = (
        _report_items(scope, on)
        + _drive_items(scope, on)
        + _review_items(scope)
        + _import_items(scope)
        + _plan_items(scope)
        + _behind_items(scope, on)
    )
    items.sort(key=lambda item: not item.urgent)
    return Attention(items, _week(scope, on))
