"""Outreach pages: a plan's communication work against its targets, the activities list, volunteer
rosters and a plan's budget. Every query goes through orgs/scoping.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hienmau.core.lib.documents import DOCX_MIME, XLSX_MIME
from hienmau.drives.models import Drive
from hienmau.orgs import scoping
from hienmau.orgs.scoping import get_visible_or_404, scope_required
from hienmau.outreach import budget, exports, services
from hienmau.outreach.forms import (
    ActivityForm,
    BudgetLineForm,
    ContributionForm,
    ExpenseForm,
    ServiceForm,
    VolunteerAddForm,
    VolunteerForm,
)
from hienmau.outreach.models import Activity, BudgetLine, Contribution, Expense, Volunteer
from hienmau.plans.models import Plan


def _plan(request, pk: int) -> Plan:
    return get_visible_or_404(Plan.objects.visible_to(request.scope).select_related("issuing_unit"), pk)


def _activities(request):
    return scoping.visible_outreach(Activity.objects.all(), request.scope)


def _plan_drives(request, plan: Plan):
    return scoping.visible_drives(Drive.objects.filter(plan=plan), request.scope).order_by("date")


@scope_required
def activity_list(request):
    activities = _activities(request).select_related("unit", "plan", "plan__issuing_unit")
    return render(request, "outreach/activity_list.html", {"activities": activities[:200]})


@scope_required
def plan_activities(request, pk: int):
    """The plan's outreach: progress against its volunteer and media targets, and the activities."""
    scope = request.scope
    plan = _plan(request, pk)
    can_record = scoping.may_record_outreach(scope, scope.unit)
    form = None
    if can_record:
        units = services.units_for_recording(scope, plan)
        form = ActivityForm(
            request.POST or None, request.FILES or None, units=units, drives=_plan_drives(request, plan)
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.check_file(form.cleaned_data.get("file"))
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                activity = form.save(commit=False)
                activity.plan, activity.recorded_by = plan, request.user
                activity.save()
                messages.success(request, _("Đã ghi nhận hoạt động tuyên truyền."))
                return redirect("outreach:plan_activities", plan.pk)
    elif request.method == "POST":
        raise PermissionDenied(_("Vai trò của bạn chỉ được xem."))
    activities = _activities(request).filter(plan=plan).select_related("unit", "drive")
    editable = set(scoping.editable_outreach(activities, scope).values_list("pk", flat=True))
    return render(
        request,
        "outreach/plan_activities.html",
        {
            "plan": plan,
            "outreach": services.plan_outreach(plan),
            "activities": activities,
            "editable": editable,
            "form": form,
        },
    )


def _editable_activity(request, pk: int) -> Activity:
    activity = get_visible_or_404(_activities(request), pk)
    if not scoping.editable_outreach(Activity.objects.filter(pk=pk), request.scope).exists():
        raise PermissionDenied(_("Chỉ đơn vị thực hiện (hoặc cấp trên) sửa được hoạt động này."))
    return activity


@scope_required
def activity_edit(request, pk: int):
    activity = _editable_activity(request, pk)
    plan = activity.plan
    units = services.units_for_recording(request.scope, plan)
    if activity.unit not in units:
        units = [activity.unit, *units]
    drives = _plan_drives(request, plan) if plan else None
    form = ActivityForm(request.POST or None, request.FILES or None, instance=activity, units=units, drives=drives)
    if request.method == "POST" and form.is_valid():
        try:
            services.check_file(form.cleaned_data.get("file"))
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            form.save()
            messages.success(request, _("Đã lưu."))
            return redirect("outreach:plan_activities", plan.pk) if plan else redirect("outreach:activity_list")
    return render(request, "outreach/activity_form.html", {"form": form, "activity": activity})


@require_POST
@scope_required
def activity_delete(request, pk: int):
    activity = _editable_activity(request, pk)
    plan_pk = activity.plan_id
    with transaction.atomic():
        activity.delete()
    messages.success(request, _("Đã xoá hoạt động."))
    return redirect("outreach:plan_activities", plan_pk) if plan_pk else redirect("outreach:activity_list")


@scope_required
def activity_file(request, pk: int):
    """Files are served through the scope, never from a public media URL."""
    activity = get_visible_or_404(_activities(request), pk)
    if not activity.file:
        raise Http404
    return FileResponse(activity.file.open("rb"), as_attachment=True, filename=activity.file.name.rsplit("/", 1)[-1])


# --- volunteers ----------------------------------------------------------------------------------


def _volunteers(request):
    return scoping.visible_volunteers(Volunteer.objects.all(), request.scope)


@scope_required
def volunteer_list(request):
    """The rosters of the scope's units: phones masked (revealed on the donor's own logged path)."""
    scope = request.scope
    can_edit = scoping.may_record_outreach(scope, scope.unit)
    form = VolunteerAddForm(request.POST or None) if can_edit else None
    units = services.units_for_recording(scope) if can_edit else []
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Vai trò của bạn chỉ được xem."))
        unit = next((u for u in units if str(u.pk) == request.POST.get("unit")), scope.unit)
        if form.is_valid():
            number = form.cleaned_data["number"].strip()
            try:
                donor = services.find_person(scope, number)
                services.add_volunteer(unit, donor, form.cleaned_data["joined_on"], form.cleaned_data["skills"])
            except services.OutreachError as exc:
                form.add_error("number", str(exc))
            else:
                messages.success(
                    request, _("Đã thêm %(name)s vào danh sách tình nguyện viên.") % {"name": donor.full_name}
                )
                return redirect("outreach:volunteer_list")
    roster = services.roster(_volunteers(request))
    return render(
        request,
        "outreach/volunteer_list.html",
        {"roster": roster, "form": form, "units": units, "chosen_unit": request.POST.get("unit", "")},
    )


@scope_required
def volunteer_detail(request, pk: int):
    scope = request.scope
    volunteer = get_visible_or_404(_volunteers(request).select_related("donor", "unit"), pk)
    can_edit = scoping.editable_outreach(Volunteer.objects.filter(pk=pk), scope).exists()
    plans = Plan.objects.visible_to(scope).order_by("-date")[:100]
    drives = scoping.visible_drives(Drive.objects.all(), scope).order_by("-date")[:200]
    plans_qs = Plan.objects.filter(pk__in=[p.pk for p in plans]).order_by("-date")
    drives_qs = Drive.objects.filter(pk__in=[d.pk for d in drives]).order_by("-date")
    service_form = ServiceForm(plans=plans_qs, drives=drives_qs) if can_edit else None
    status_form = VolunteerForm(instance=volunteer) if can_edit else None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("Vai trò của bạn chỉ được xem."))
        if request.POST.get("action") == "status":
            status_form = VolunteerForm(request.POST, instance=volunteer)
            if status_form.is_valid():
                status_form.save()
                messages.success(request, _("Đã lưu."))
                return redirect("outreach:volunteer_detail", pk)
        else:
            service_form = ServiceForm(request.POST, plans=plans_qs, drives=drives_qs)
            if service_form.is_valid():
                data = service_form.cleaned_data
                try:
                    services.record_service(
                        volunteer,
                        date=data["date"],
                        hours=data["hours"],
                        plan=data["plan"],
                        drive=data["drive"],
                        task=data["task"],
                    )
                except services.OutreachError as exc:
                    service_form.add_error("hours", str(exc))
                else:
                    messages.success(request, _("Đã ghi giờ tình nguyện."))
                    return redirect("outreach:volunteer_detail", pk)
    return render(
        request,
        "outreach/volunteer_detail.html",
        {
            "volunteer": volunteer,
            "services": volunteer.services.select_related("plan", "drive", "activity"),
            "service_form": service_form,
            "status_form": status_form,
        },
    )


# --- budget --------------------------------------------------------------------------------------


def _budget_plan(request, pk: int) -> Plan:
    return get_visible_or_404(scoping.visible_budgets(Plan.objects.select_related("issuing_unit"), request.scope), pk)


def _editable_budget_plan(request, pk: int) -> Plan:
    plan = _budget_plan(request, pk)
    if not scoping.editable_budgets(Plan.objects.filter(pk=pk), request.scope).exists():
        raise PermissionDenied(_("Chỉ cán bộ của đơn vị ban hành kế hoạch sửa được kinh phí."))
    return plan


def _budget_page(request, plan: Plan, **forms):
    can_edit = scoping.editable_budgets(Plan.objects.filter(pk=plan.pk), request.scope).exists()
    if can_edit:
        forms.setdefault("line_form", BudgetLineForm())
        forms.setdefault("expense_form", ExpenseForm())
        forms.setdefault("contribution_form", ContributionForm())
    return render(
        request,
        "outreach/plan_budget.html",
        {
            "plan": plan,
            "data": budget.plan_budget(plan),
            "lines": plan.budget_lines.all(),
            "expenses": plan.expenses.all(),
            "contributions": plan.contributions.select_related("sponsor"),
            "can_edit": can_edit,
            **forms,
        },
        status=400 if any(f.errors for f in forms.values()) else 200,
    )


@scope_required
def plan_budget(request, pk: int):
    """Estimate against actual, by line and by source, the cost per blood unit, and the forms to record."""
    return _budget_page(request, _budget_plan(request, pk))


@require_POST
@scope_required
def budget_line_add(request, pk: int):
    plan = _editable_budget_plan(request, pk)
    form = BudgetLineForm(request.POST)
    if not form.is_valid():
        return _budget_page(request, plan, line_form=form)
    line = form.save(commit=False)
    line.plan = plan
    line.save()
    messages.success(request, _("Đã thêm dòng dự toán."))
    return redirect("outreach:plan_budget", plan.pk)


def _with_receipt_checked(form):
    """The form, its receipt refused (size, kind) as the other uploads are, before anything is saved."""
    if form.is_valid():
        try:
            services.check_file(form.cleaned_data.get("receipt"))
        except ValidationError as exc:
            form.add_error("receipt", exc)
    return form


@require_POST
@scope_required
def expense_add(request, pk: int):
    plan = _editable_budget_plan(request, pk)
    form = _with_receipt_checked(ExpenseForm(request.POST, request.FILES))
    if not form.is_valid():
        return _budget_page(request, plan, expense_form=form)
    budget.record_expense(plan, request.user, **form.cleaned_data)
    messages.success(request, _("Đã ghi khoản chi."))
    return redirect("outreach:plan_budget", plan.pk)


@require_POST
@scope_required
def contribution_add(request, pk: int):
    plan = _editable_budget_plan(request, pk)
    form = _with_receipt_checked(ContributionForm(request.POST, request.FILES))
    if not form.is_valid():
        return _budget_page(request, plan, contribution_form=form)
    data = dict(form.cleaned_data)
    budget.record_contribution(plan, data.pop("sponsor_name"), **data)
    messages.success(request, _("Đã ghi khoản tài trợ."))
    return redirect("outreach:plan_budget", plan.pk)


@require_POST
@scope_required
def budget_item_delete(request, pk: int, kind: str, item_pk: int):
    plan = _editable_budget_plan(request, pk)
    models: dict[str, type[BudgetLine | Expense | Contribution]] = {
        "line": BudgetLine,
        "expense": Expense,
        "contribution": Contribution,
    }
    if kind not in models:
        raise Http404
    get_visible_or_404(models[kind].objects.filter(plan=plan), item_pk).delete()
    messages.success(request, _("Đã xoá."))
    return redirect("outreach:plan_budget", plan.pk)


@scope_required
def budget_receipt(request, pk: int, kind: str, item_pk: int):
    """Receipts are served through the scope, never from a public media URL."""
    plan = _budget_plan(request, pk)
    item: Expense | Contribution
    if kind == "expense":
        item = get_visible_or_404(Expense.objects.filter(plan=plan), item_pk)
    elif kind == "contribution":
        item = get_visible_or_404(Contribution.objects.filter(plan=plan), item_pk)
    else:
        raise Http404
    if not item.receipt:
        raise Http404
    return FileResponse(
        item.receipt.open("rb"), as_attachment=True, filename=(item.receipt.name or "").rsplit("/", 1)[-1]
    )


@scope_required
def budget_export(request, pk: int, kind: str):
    plan = _budget_plan(request, pk)
    data = budget.plan_budget(plan)
    name = f"du-toan-thuc-hien-{plan.number or plan.pk}"
    if kind == "xlsx":
        content, mime = exports.budget_xlsx(data), XLSX_MIME
    elif kind == "docx":
        content, mime = (
            exports.budget_docx(data),
            DOCX_MIME,
        )
    elif kind == "pdf":
        content, mime = exports.budget_pdf(data), "application/pdf"
    else:
        raise Http404
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response
