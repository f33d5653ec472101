"""Pages of the reports units send on a plan: what to send and to approve, a plan's completeness and
timeliness, one unit's report with its actions, the period's closing, the consolidated report. Plans and
units are reached through the scope (404 outside it); who may act is decided in orgs/scoping.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hienmau.core.middleware import redo_on_fault
from hienmau.jobs import exports as export_jobs
from hienmau.jobs.models import JobKind
from hienmau.orgs.scoping import (
    get_unit_in_scope,
    get_visible_or_404,
    may_decide_unit_reports,
    may_write_unit_report,
    scope_required,
)
from hienmau.plans.models import Plan
from hienmau.reports import submissions
from hienmau.reports.forms import DecisionForm, UnitReportForm
from hienmau.reports.lib import submissions as rules
from hienmau.reports.models import ReportStatus, UnitReport, reporting_units


def _plan(scope, pk) -> Plan:
    return get_visible_or_404(Plan.objects.visible_to(scope).select_related("issuing_unit"), pk)


@scope_required
def submission_list(request):
    """The scope's reports: those its units must send, those waiting for its decision, and each plan's
    completeness (the plans it issued) as a table per level."""
    scope = request.scope
    plans = submissions.plans_with_reporting(Plan.objects.visible_to(scope))
    to_send, to_decide, issued = [], [], []
    for plan in plans:
        deciding = may_decide_unit_reports(scope, plan.issuing_unit)
        rows = submissions.required_reports(plan)
        if deciding:
            issued.append(
                submissions.Completeness(
                    plan,
                    rows,
                    rules.tally_by_level((submissions.level_label(row.unit), row.timeliness) for row in rows),
                )
            )
            to_decide += [row for row in rows if row.report and row.report.status == ReportStatus.SUBMITTED]
        to_send += [
            row
            for row in rows
            if (row.unit.pk == scope.unit.pk or not deciding and may_write_unit_report(scope, row.unit))
            and (row.report is None or row.report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED))
        ]
    return render(
        request,
        "reports/submission_list.html",
        {"to_send": to_send, "to_decide": to_decide, "issued": issued, "plans": plans},
    )


@scope_required
def plan_submissions(request, pk):
    """A plan's reports: per level on time / late / missing, and each unit's row (its own row only for a
    reporting unit that is not the issuing side)."""
    scope = request.scope
    plan = _plan(scope, pk)
    deciding = may_decide_unit_reports(scope, plan.issuing_unit)
    units = [unit for unit in reporting_units(plan) if deciding or scope.contains(unit)]
    rows = submissions.required_reports(plan, units=units)
    tallies = rules.tally_by_level((submissions.level_label(row.unit), row.timeliness) for row in rows)
    return render(
        request,
        "reports/plan_submissions.html",
        {
            "plan": plan,
            "rows": rows,
            "tallies": tallies,
            "deciding": deciding,
            "period": submissions.period_of(plan),
            "approved": sum(1 for row in rows if row.report and row.report.status == ReportStatus.APPROVED),
        },
    )


@scope_required
def unit_report(request, pk, unit_pk):
    """One unit's report on the plan: the form while the unit may change it, the office's decision buttons,
    the steps so far. Opening it creates nothing; the first save or submit does."""
    scope = request.scope
    plan = _plan(scope, pk)
    unit = get_unit_in_scope(scope, unit_pk)
    if unit.pk not in {u.pk for u in reporting_units(plan)}:
        raise Http404
    report = UnitReport.objects.filter(plan=plan, unit=unit).first()
    writer = may_write_unit_report(scope, unit)
    decider = may_decide_unit_reports(scope, plan.issuing_unit)
    period = submissions.period_of(plan)
    closed = bool(period and period.closed_at)
    if request.method == "POST":
        return _act(request, plan, unit, report, writer=writer, decider=decider)
    state = report.status if report else ReportStatus.DRAFT
    refusal = rules.refusal(state, rules.SAVE, period_closed=closed)
    editable = writer and refusal is None
    form = None
    if editable:
        initial = None if report else submissions.recorded_figures(plan, unit)
        form = UnitReportForm(instance=report, initial=initial)
    return _page(request, plan, unit, report, form, writer=writer, decider=decider, period=period)


def _page(request, plan, unit, report, form, *, writer, decider, period, status=200, refused=""):
    closed = bool(period and period.closed_at)
    state = report.status if report else ReportStatus.DRAFT
    refusal = rules.refusal(state, rules.SAVE, period_closed=closed)
    if not refused and writer and refusal is not None and report is not None:
        refused = submissions.refusal_message(refusal, report, period=period)
    deadline = plan.report_deadline
    return render(
        request,
        "reports/unit_report.html",
        {
            "plan": plan,
            "unit": unit,
            "report": report,
            "form": form,
            "writer": writer,
            "decider": decider,
            "refused": refused,
            "closed": closed,
            "deadline": deadline,
            "timeliness": submissions.required_reports(plan, units=[unit])[0].timeliness,
            "decision_form": DecisionForm(),
            "events": report.events.select_related("by") if report else [],
            "recorded": report.recorded_collected if report else None,
            "office": submissions.office_name(plan),
        },
        status=status,
    )


# The buttons of the report page (reports/unit_report.html), named when an action must be done again.
_BUTTONS = {
    rules.SAVE: gettext_lazy("Lưu bản nháp"),
    rules.SUBMIT: gettext_lazy("Gửi báo cáo"),
    rules.APPROVE: gettext_lazy("Duyệt"),
    rules.RETURN: gettext_lazy("Trả lại để sửa"),
    rules.REOPEN: gettext_lazy("Mở lại báo cáo đã duyệt"),
}


def _act(request, plan, unit, report, *, writer, decider):
    action = request.POST.get("action", "")
    period = submissions.period_of(plan)
    if action in rules.UNIT_ACTIONS and not writer or action in rules.OFFICE_ACTIONS and not decider:
        raise PermissionDenied(
            _("Bạn không có quyền làm thao tác này với báo cáo của %(unit)s.") % {"unit": unit.full_name}
        )
    if action not in rules.UNIT_ACTIONS | rules.OFFICE_ACTIONS:
        raise Http404
    form = None
    redo_on_fault(
        request,
        _("Mở lại báo cáo của %(unit)s và bấm “%(button)s” lần nữa.")
        % {"unit": unit.full_name, "button": _BUTTONS[action]},
    )
    try:
        if action in rules.UNIT_ACTIONS:
            existing = report
            report = report or submissions.open_report(plan, unit)
            form = UnitReportForm(request.POST, instance=report)
            if existing is not None and existing.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
                submissions.save_draft(report, {}, request.user)  # refused with the reason
            if not form.is_valid():
                return _page(
                    request, plan, unit, report, form, writer=writer, decider=decider, period=period, status=422
                )
            values = {name: form.cleaned_data[name] for name in submissions.UNIT_FIELDS}
            if action == rules.SUBMIT:
                submissions.submit(report, request.user, values)
                messages.success(
                    request, _("Đã gửi báo cáo về %(office)s.") % {"office": submissions.office_name(plan)}
                )
            else:
                submissions.save_draft(report, values, request.user)
                messages.success(request, _("Đã lưu bản nháp báo cáo."))
        else:
            if report is None:
                raise Http404
            decision = DecisionForm(request.POST)
            comment = decision.cleaned_data["comment"] if decision.is_valid() else ""
            if action == rules.APPROVE:
                submissions.approve(report, request.user, comment)
                messages.success(
                    request, _("Đã duyệt báo cáo của %(unit)s; số liệu đã khóa.") % {"unit": unit.full_name}
                )
            elif action == rules.RETURN:
                submissions.return_report(report, request.user, comment)
                messages.success(request, _("Đã trả lại báo cáo để %(unit)s sửa.") % {"unit": unit.full_name})
            else:
                submissions.reopen(report, request.user, comment)
                messages.success(request, _("Đã mở lại báo cáo của %(unit)s.") % {"unit": unit.full_name})
    except submissions.ReportRefused as exc:
        report = UnitReport.objects.filter(plan=plan, unit=unit).first()
        return _page(
            request,
            plan,
            unit,
            report,
            None,
            writer=writer,
            decider=decider,
            period=period,
            status=409,
            refused=str(exc),
        )
    return redirect("reports:unit_report", pk=plan.pk, unit_pk=unit.pk)


@scope_required
@require_POST
def period_close(request, pk):
    plan = _plan(request.scope, pk)
    if not may_decide_unit_reports(request.scope, plan.issuing_unit):
        raise PermissionDenied(_("Chỉ văn phòng của đơn vị ban hành kế hoạch khóa sổ được kỳ báo cáo."))
    if request.POST.get("reopen"):
        submissions.reopen_period(plan, request.user)
        messages.success(request, _("Đã mở lại kỳ báo cáo; các đơn vị sửa và gửi báo cáo được."))
    else:
        submissions.close_period(plan, request.user)
        messages.success(request, _("Đã khóa sổ kỳ báo cáo; đơn vị không sửa hay gửi thêm được."))
    return redirect("reports:plan_submissions", pk=plan.pk)


@scope_required
def consolidated_export(request, pk, fmt):
    """The issuing unit's consolidated report, from its units' approved reports (Decree 30 form); for a plan
    of many units it is made by the background worker (hienmau.jobs.exports)."""
    return export_jobs.respond(request, JobKind.CONSOLIDATED, {"plan": pk, "fmt": fmt})
