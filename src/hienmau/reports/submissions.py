"""The way of a unit's report on a plan: opened prefilled from the recorded results, completed with what
only the unit knows, submitted, returned with a comment or approved (then locked), reopened by the issuing
office; completeness and timeliness per level; reminders before the deadline and on the day.

Every change locks the report's row, checks the rule (reports/lib/submissions.py), writes the report and
one ReportEvent in the same transaction. A refusal is a ReportRefused whose message says why and who may
reopen it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hienmau.core.clock import now, today
from hienmau.drives.models import Drive
from hienmau.notify.services import send
from hienmau.orgs.models import EDITING_ROLES, Membership, Unit, UnitKind
from hienmau.plans.models import Plan
from hienmau.reports.lib import submissions as rules
from hienmau.reports.models import ReportEvent, ReportingPeriod, ReportStatus, UnitReport, reporting_units
from hienmau.reports.services import plan_achievement

# What the unit writes itself (the figures are prefilled, then the unit's to correct).
UNIT_FIELDS = (
    "collected",
    "registered",
    "deferred",
    "drives_held",
    "volunteers",
    "media_items",
    "reserve_donors",
    "activities",
    "difficulties",
    "proposals",
)


class ReportRefused(Exception):
    """A change the rules do not allow; the message says why and who may reopen."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def office_name(plan: Plan) -> str:
    return _("Văn phòng Ban Chỉ đạo %(unit)s") % {"unit": plan.issuing_unit.full_name}


def refusal_message(code: str, report: UnitReport, *, period: ReportingPeriod | None = None) -> str:
    office = office_name(report.plan)
    if code == rules.REFUSED_APPROVED:
        when = f"{timezone.localtime(report.decided_at):%d/%m/%Y}" if report.decided_at else ""
        return _("Báo cáo đã được duyệt ngày %(date)s nên số liệu đã khóa. Chỉ %(office)s mở lại được báo cáo này.") % {
            "date": when,
            "office": office,
        }
    if code == rules.REFUSED_CLOSED:
        when = f"{timezone.localtime(period.closed_at):%d/%m/%Y}" if period and period.closed_at else ""
        return _("Kỳ báo cáo của kế hoạch đã khóa sổ ngày %(date)s. Chỉ %(office)s mở lại được kỳ báo cáo.") % {
            "date": when,
            "office": office,
        }
    if code == rules.REFUSED_WAITING:
        return _("Báo cáo đã gửi và đang chờ %(office)s duyệt; chỉ sửa được khi văn phòng trả lại.") % {
            "office": office
        }
    return _("Báo cáo đang ở trạng thái “%(status)s”, không làm được thao tác này.") % {
        "status": report.get_status_display()
    }


def period_of(plan: Plan) -> ReportingPeriod | None:
    return ReportingPeriod.objects.filter(plan=plan).first()


def is_closed(plan: Plan) -> bool:
    return ReportingPeriod.objects.filter(plan=plan, closed_at__isnull=False).exists()


# --- prefill -------------------------------------------------------------------------------------


def recorded_figures(plan: Plan, unit: Unit) -> dict[str, int]:
    """What the system recorded for the unit under the plan: results of its allocation rows, and the
    plan's drives organised in its subtree and held by today."""
    data = plan_achievement(plan)
    collected = registered = deferred = 0
    for line in data.report.lines:
        allocation = data.allocations.get(line.key)
        if allocation is not None and allocation.unit_id == unit.pk:
            collected += line.result.collected
            registered += line.result.registered
            deferred += line.result.deferred
    held = Drive.objects.filter(plan=plan, organiser__path__startswith=unit.path, date__lte=today()).count()
    return {"collected": collected, "registered": registered, "deferred": deferred, "drives_held": held}


def open_report(plan: Plan, unit: Unit) -> UnitReport:
    """The unit's report on the plan, made (prefilled from the recorded results) the first time it is opened."""
    if unit.pk not in {u.pk for u in reporting_units(plan)}:
        raise ReportRefused(
            rules.REFUSED_STATE, _("Kế hoạch không giao chỉ tiêu cho %(unit)s.") % {"unit": unit.full_name}
        )
    report = UnitReport.objects.filter(plan=plan, unit=unit).first()
    if report is not None:
        return report
    figures = recorded_figures(plan, unit)
    with transaction.atomic():
        report, _created = UnitReport.objects.get_or_create(
            plan=plan, unit=unit, defaults={**figures, "recorded_collected": figures["collected"]}
        )
    return report


# --- the workflow --------------------------------------------------------------------------------


def _step(report: UnitReport, action: str, user, comment: str = "", values: dict | None = None) -> UnitReport:
    with transaction.atomic():
        locked = UnitReport.objects.select_for_update().select_related("plan__issuing_unit", "unit").get(pk=report.pk)
        period = period_of(locked.plan)
        code = rules.refusal(locked.status, action, period_closed=bool(period and period.closed_at))
        if code is not None:
            raise ReportRefused(code, refusal_message(code, locked, period=period))
        for name, value in (values or {}).items():
            setattr(locked, name, value)
        moment = now()
        locked.status = rules.next_state(locked.status, action) or locked.status
        if action == rules.SUBMIT:
            locked.submitted_at, locked.submitted_by = moment, user
            locked.first_submitted_at = locked.first_submitted_at or moment
        elif action in (rules.RETURN, rules.APPROVE, rules.REOPEN):
            locked.decided_at, locked.decided_by, locked.comment = moment, user, comment
        locked.save()
        ReportEvent.objects.create(report=locked, action=action, by=user, comment=comment)
    return locked


def save_draft(report: UnitReport, values: dict, user) -> UnitReport:
    return _step(report, rules.SAVE, user, values={k: v for k, v in values.items() if k in UNIT_FIELDS})


def submit(report: UnitReport, user, values: dict | None = None) -> UnitReport:
    return _step(report, rules.SUBMIT, user, values={k: v for k, v in (values or {}).items() if k in UNIT_FIELDS})


def approve(report: UnitReport, user, comment: str = "") -> UnitReport:
    return _step(report, rules.APPROVE, user, comment.strip())


def return_report(report: UnitReport, user, comment: str) -> UnitReport:
    if not comment.strip():
        raise ReportRefused("comment", _("Ghi rõ cần sửa gì để đơn vị biết khi trả lại báo cáo."))
    return _step(report, rules.RETURN, user, comment.strip())


def reopen(report: UnitReport, user, comment: str) -> UnitReport:
    if not comment.strip():
        raise ReportRefused("comment", _("Ghi rõ lý do mở lại báo cáo đã duyệt."))
    return _step(report, rules.REOPEN, user, comment.strip())


def close_period(plan: Plan, user) -> ReportingPeriod:
    period, _created = ReportingPeriod.objects.get_or_create(plan=plan)
    if period.closed_at is None:
        period.closed_at, period.closed_by = now(), user
        period.save()
    return period


def reopen_period(plan: Plan, user) -> ReportingPeriod:
    period, _created = ReportingPeriod.objects.get_or_create(plan=plan)
    period.closed_at, period.closed_by = None, None
    period.save()
    return period


# --- completeness and timeliness ------------------------------------------------------------------


@dataclass
class RequiredReport:
    plan: Plan
    unit: Unit
    report: UnitReport | None
    timeliness: str

    @property
    def status_label(self) -> str:
        return self.report.get_status_display() if self.report else _("Chưa lập")


LEVEL_LABELS = {
    UnitKind.PROVINCE: _("Cấp tỉnh"),
    UnitKind.DISTRICT: _("Cấp huyện"),
    UnitKind.COMMUNE: _("Cấp xã"),
    UnitKind.ORGANISATION: _("Cơ quan, đơn vị"),
}


def level_label(unit: Unit) -> str:
    label = LEVEL_LABELS.get(UnitKind(unit.kind))
    return str(label) if label is not None else unit.get_kind_display()


def _first_sent(report: UnitReport | None) -> datetime.date | None:
    if report is None or report.first_submitted_at is None:
        return None
    return timezone.localtime(report.first_submitted_at).date()


def required_reports(
    plan: Plan, *, units: list[Unit] | None = None, on: datetime.date | None = None
) -> list[RequiredReport]:
    on = on or today()
    reports = {r.unit_id: r for r in UnitReport.objects.filter(plan=plan)}
    return [
        RequiredReport(
            plan,
            unit,
            reports.get(unit.pk),
            rules.timeliness(plan.report_deadline, _first_sent(reports.get(unit.pk)), on),
        )
        for unit in (units if units is not None else reporting_units(plan))
    ]


@dataclass
class Completeness:
    plan: Plan
    rows: list[RequiredReport]
    tallies: list[rules.Tally] = field(default_factory=list)

    @property
    def approved(self) -> int:
        return sum(1 for row in self.rows if row.report and row.report.status == ReportStatus.APPROVED)

    @property
    def waiting(self) -> int:
        return sum(1 for row in self.rows if row.report and row.report.status == ReportStatus.SUBMITTED)


def completeness(plan: Plan, on: datetime.date | None = None) -> Completeness:
    rows = required_reports(plan, on=on)
    return Completeness(plan, rows, rules.tally_by_level((level_label(row.unit), row.timeliness) for row in rows))


def plans_with_reporting(plans) -> list[Plan]:
    """Of these plans, those that ask units to report: a deadline set and at least one unit allocated."""
    return list(
        plans.filter(report_deadline__isnull=False, allocations__unit__isnull=False)
        .distinct()
        .select_related("issuing_unit")
        .order_by("-report_deadline", "-pk")
    )


# --- reminders -----------------------------------------------------------------------------------


def _recipients(unit: Unit) -> list[str]:
    users = (
        get_user_model()
        .objects.filter(
            pk__in=Membership.objects.filter(unit=unit, role__in=list(EDITING_ROLES)).values("user"), is_active=True
        )
        .exclude(Q(email="") | Q(email__isnull=True))
    )
    return sorted(users.values_list("email", flat=True))


def send_reminders(on: datetime.date | None = None, *, days_before: int = 3) -> list[tuple[Plan, Unit, str, int]]:
    """Remind every unit that has not sent its report: once some days before the deadline, once on the
    day (notify keeps one message per purpose, so running this twice sends nothing new). Returns
    (plan, unit, kind, messages sent) for each unit reminded today."""
    on = on or today()
    window = on + datetime.timedelta(days=days_before)
    sent_out = []
    for plan in Plan.objects.filter(report_deadline__gte=on, report_deadline__lte=window).select_related(
        "issuing_unit"
    ):
        if is_closed(plan):
            continue
        for row in required_reports(plan, on=on):
            already = row.report is not None and row.report.first_submitted_at is not None
            kind = rules.reminder_due(plan.report_deadline, on, days_before=days_before, already_sent=already)
            if kind is None:
                continue
            body = reminder_text(plan, row.unit, kind)
            count = 0
            for address in _recipients(row.unit):
                _message, new = send("email", address, body, f"report:{plan.pk}:{row.unit.pk}:{kind}:{address}"[:120])
                count += new
            sent_out.append((plan, row.unit, kind, count))
    return sent_out


def reminder_text(plan: Plan, unit: Unit, kind: str) -> str:
    assert plan.report_deadline is not None
    values = {
        "unit": unit.full_name,
        "plan": plan.reference or plan.title,
        "date": f"{plan.report_deadline:%d/%m/%Y}",
        "office": office_name(plan),
    }
    if kind == rules.ON_THE_DAY:
        return (
            _("%(unit)s: hôm nay %(date)s là hạn gửi báo cáo kết quả thực hiện Kế hoạch %(plan)s về %(office)s.")
            % values
        )
    return (
        _("%(unit)s: nhắc gửi báo cáo kết quả thực hiện Kế hoạch %(plan)s về %(office)s trước ngày %(date)s.") % values
    )


def deciding_completeness(scope, plans, limit: int = 5) -> list[Completeness]:
    """Completeness of the plans (with a deadline) whose reports this scope decides, latest deadline first."""
    found = []
    for plan in plans_with_reporting(plans):
        if scope.can_edit and scope.contains(plan.issuing_unit) or scope.everything:
            found.append(completeness(plan))
        if len(found) >= limit:
            break
    return found
