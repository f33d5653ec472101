"""Staff pages for plans. Plans are reached through the scope: visible (issued in it or allocating to
it) or 404; editable only when issued inside it by a role that edits, else 403."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hienmau.core.audit import history_entries
from hienmau.core.forms import errors_in_one_line
from hienmau.core.lib.documents import DOCX_MIME, XLSX_MIME
from hienmau.core.middleware import redo_on_fault
from hienmau.core.uploads import forget, hand_over, stash, stashed
from hienmau.jobs import services as jobs
from hienmau.jobs.models import JobKind
from hienmau.jobs.services import runs_in_background
from hienmau.orgs.scoping import (
    Scope,
    get_visible_or_404,
    may_make_plans,
    require_edit,
    require_editable,
    scope_queryset,
    scope_required,
    scoped_units,
    visible_drives,
)
from hienmau.plans import exports, services
from hienmau.plans.background import encode_meanings, import_outcome
from hienmau.plans.forms import (
    AddBucketForm,
    AddRowForm,
    AmendmentForm,
    CellForm,
    ImportForm,
    IssueForm,
    PlanForm,
    TargetFormSet,
)
from hienmau.plans.importer import PlanAlreadyImported, PlanImportError, analyse_file, preview_changes, save_plan
from hienmau.plans.lib import versions
from hienmau.plans.lib.appendix import AppendixError
from hienmau.plans.lib.appendix_columns import is_meaning
from hienmau.plans.models import KIND_METRICS, Allocation, Plan, PlanStatus

IMPORT_SESSION_KEY = "hienmau.plan_imports"


def _visible_plan(scope: Scope, pk: int) -> Plan:
    get_visible_or_404(Plan.objects.visible_to(scope).only("pk"), pk)
    return services.grid_plan(pk)


def _editable_plan(scope: Scope, pk: int) -> Plan:
    plan = _visible_plan(scope, pk)
    require_editable(
        Plan.objects.editable_by(scope), pk, _("Bạn chỉ xem được kế hoạch này; chỉ đơn vị ban hành mới sửa được.")
    )
    return plan


def _open_plan(scope: Scope, pk: int) -> Plan:
    """An editable plan whose content may change now: a draft, or an issued plan being amended. An issued
    plan refuses every write (403) with the reason and what to do instead."""
    plan = _editable_plan(scope, pk)
    reason = services.lock_reason(plan)
    if reason:
        raise PermissionDenied(reason)
    return plan


def _plan_form(request, scope, instance=None):
    units = scoped_units(scope).exclude(kind="organisation").current() | scoped_units(scope).filter(
        pk=getattr(instance, "issuing_unit_id", None)
    )
    plans = Plan.objects.visible_to(scope)
    allocations = scope_queryset(Allocation.objects.select_related("plan"), scope)
    return PlanForm(
        request.POST or None, instance=instance, units=units.distinct(), plans=plans, allocations=allocations
    )


@scope_required
def plan_list(request):
    scope = request.scope
    plans = (
        Plan.objects.visible_to(scope)
        .select_related("issuing_unit")
        .prefetch_related("targets", "allocations", "import_findings", "buckets")
    )
    return render(
        request,
        "plans/plan_list.html",
        {
            "plans": plans,
            "can_create": may_make_plans(scope),
        },
    )


@scope_required
def plan_create(request):
    scope = request.scope
    require_edit(scope)
    if not may_make_plans(scope):
        raise PermissionDenied(_("Nhân viên cơ sở tiếp nhận máu không lập kế hoạch."))
    form = _plan_form(request, scope)
    if request.method == "POST" and form.is_valid():
        plan = form.save()
        messages.success(request, _("Đã tạo kế hoạch."))
        return redirect("plans:plan_detail", pk=plan.pk)
    return render(request, "plans/plan_form.html", {"form": form, "plan": None})


@scope_required
def plan_edit(request, pk):
    plan = _open_plan(request.scope, pk)
    form = _plan_form(request, request.scope, instance=plan)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Đã lưu thay đổi."))
        return redirect("plans:plan_detail", pk=plan.pk)
    return render(request, "plans/plan_form.html", {"form": form, "plan": plan})


@scope_required
def plan_detail(request, pk):
    scope = request.scope
    plan = _visible_plan(scope, pk)
    can_edit = Plan.objects.editable_by(scope).filter(pk=pk).exists()
    grid = services.build_grid(plan)
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "grid": grid,
            "can_edit": can_edit,
            # Drafting next year's plan from this one: an editing role, on a plan that has allocations.
            "can_draft": can_edit and bool(grid.rows),
            "target_gap": services.target_gap(plan),
            "received_gap": services.received_gap(plan),
            "lower_plans": services.lower_plan_gaps(plan),
            "overlaps": services.overlaps_for(plan),
            "findings": plan.import_findings.all(),
            "plan_has_prior": services.has_prior(plan),
            "lock_reason": services.lock_reason(plan),
            "amendments": plan.amendments.all(),
            "open_amendment": services.open_amendment_of(plan) if plan.status == PlanStatus.AMENDING else None,
            "drives": visible_drives(plan.drives.select_related("organiser", "bucket"), scope).order_by("date")[:50],
        },
    )


@scope_required
def plan_grid(request, pk):
    return _grid_page(request, _open_plan(request.scope, pk))


def _grid_page(request, plan: Plan, row_form: AddRowForm | None = None, status: int = 200):
    units = scoped_units(request.scope).descendants_of(plan.issuing_unit, include_self=False).current()
    return render(
        request,
        "plans/plan_grid.html",
        {
            "plan": plan,
            "grid": services.build_grid(plan),
            "row_form": row_form or AddRowForm(units=units, metrics=KIND_METRICS.get(plan.kind, ())),
            "bucket_form": AddBucketForm(),
        },
        status=status,
    )


@scope_required
@require_POST
def grid_cell(request, pk):
    """htmx: save one cell (or a row's total) and send back the totals that changed. The page posts the
    value it showed (`shown`): a cell someone else changed since is refused (409) naming it, and the
    answer carries the stored value for the page to show (optimistic locking, services.set_cell)."""
    plan = _open_plan(request.scope, pk)
    form = CellForm(request.POST)
    error, status, fresh = "", 200, None
    allocation = None
    if form.is_valid():
        allocation = next((a for a in plan.allocations.all() if a.pk == form.cleaned_data["allocation"]), None)
        if allocation is None:
            raise Http404
        shown = form.cleaned_data["shown"] if "shown" in request.POST else services.UNCHECKED
        try:
            if form.cleaned_data["bucket"] == "total":
                services.set_total(allocation, form.cleaned_data["value"], shown=shown)
            else:
                bucket = next((b for b in plan.buckets.all() if str(b.pk) == form.cleaned_data["bucket"]), None)
                if bucket is None:
                    raise Http404
                services.set_cell(allocation, bucket, form.cleaned_data["value"], shown=shown)
        except services.StaleCell as exc:
            error, status, fresh = exc.messages[0], 409, exc.current
        except ValidationError as exc:
            error, status = " ".join(exc.messages), 422
    else:
        error, status = errors_in_one_line(form), 422
    plan = services.grid_plan(plan.pk)
    grid = services.build_grid(plan)
    row = next((r for r in grid.rows if allocation and r.allocation.pk == allocation.pk), None)
    context = {"grid": grid, "row": row, "error": error, "plan": plan, "stale": status == 409, "fresh": fresh}
    return render(request, "plans/_grid_update.html", context, status=status)


@scope_required
@require_POST
def grid_add_row(request, pk):
    scope = request.scope
    plan = _open_plan(scope, pk)
    units = scoped_units(scope).descendants_of(plan.issuing_unit, include_self=False)
    form = AddRowForm(request.POST, units=units, metrics=KIND_METRICS.get(plan.kind, ()))
    if form.is_valid():
        try:
            services.add_allocation(
                plan, form.cleaned_data["unit"], form.cleaned_data["total"], form.cleaned_data["section"], form.metric
            )
        except ValidationError as exc:
            form.add_error("total", exc)
    if not form.is_valid():  # the page again, the row form keeping what was typed and saying why
        messages.error(request, _("Không thêm được dòng: %(errors)s") % {"errors": errors_in_one_line(form, "; ")})
        return _grid_page(request, plan, row_form=form, status=422)
    messages.success(request, _("Đã thêm dòng %(unit)s.") % {"unit": form.cleaned_data["unit"].full_name})
    return redirect("plans:plan_grid", pk=plan.pk)


@scope_required
@require_POST
def grid_add_bucket(request, pk):
    plan = _open_plan(request.scope, pk)
    form = AddBucketForm(request.POST)
    if form.is_valid():
        try:
            services.add_bucket(plan, form.cleaned_data["kind"], form.cleaned_data["number"], form.cleaned_data["date"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Cột không hợp lệ."))
    return redirect("plans:plan_grid", pk=plan.pk)


@scope_required
def plan_targets(request, pk):
    plan = _open_plan(request.scope, pk)
    formset = TargetFormSet(request.POST or None, instance=plan)
    if request.method == "POST" and formset.is_valid():
        formset.save()
        messages.success(request, _("Đã lưu chỉ tiêu."))
        return redirect("plans:plan_detail", pk=plan.pk)
    return render(request, "plans/plan_targets.html", {"plan": plan, "formset": formset})


@scope_required
def plan_issue(request, pk):
    """Issuing asks for the signed document's number, date and signer, then locks the plan."""
    plan = _editable_plan(request.scope, pk)
    if plan.status != PlanStatus.DRAFT:
        messages.info(request, _("Kế hoạch đã được ban hành trước đó."))
        return redirect("plans:plan_detail", pk=plan.pk)
    initial = {"number": plan.reference, "date": plan.date}
    form = IssueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.issue(plan, **form.cleaned_data, user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Đã ban hành kế hoạch; từ nay kế hoạch chỉ xem được, thay đổi phải lập điều chỉnh.")
            )
            return redirect("plans:plan_detail", pk=plan.pk)
    return render(request, "plans/plan_issue.html", {"plan": plan, "form": form}, status=422 if form.is_bound else 200)


@scope_required
@require_POST
def plan_amend(request, pk):
    """Open an amendment of an issued plan: the grid opens until the amendment is issued."""
    plan = _editable_plan(request.scope, pk)
    try:
        amendment = services.open_amendment(plan, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("plans:plan_detail", pk=plan.pk)
    messages.success(
        request,
        _("Đã mở điều chỉnh lần %(n)s: sửa bảng phân bổ và chỉ tiêu, rồi bấm “Ban hành điều chỉnh”.")
        % {"n": amendment.sequence},
    )
    return redirect("plans:plan_detail", pk=plan.pk)


@scope_required
def plan_amendment_issue(request, pk):
    plan = _editable_plan(request.scope, pk)
    amendment = services.open_amendment_of(plan)
    if plan.status != PlanStatus.AMENDING or amendment is None:
        messages.info(request, _("Không có văn bản điều chỉnh nào đang mở."))
        return redirect("plans:plan_detail", pk=plan.pk)
    form = AmendmentForm(request.POST or None, initial={"number": "", "date": None})
    if request.method == "POST" and form.is_valid():
        try:
            services.issue_amendment(plan, **form.cleaned_data, user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã ban hành điều chỉnh lần %(n)s.") % {"n": amendment.sequence})
            return redirect("plans:plan_detail", pk=plan.pk)
    changes = versions.differences(amendment.before, services.snapshot(plan))
    return render(
        request,
        "plans/plan_amendment_issue.html",
        {"plan": plan, "form": form, "amendment": amendment, "changes": changes},
        status=422 if form.is_bound else 200,
    )


@scope_required
@require_POST
def plan_attach(request, pk):
    plan = _editable_plan(request.scope, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Chọn một tệp để đính kèm."))
    else:
        try:
            services.attach_file(plan, upload)
            messages.success(request, _("Đã đính kèm %(name)s.") % {"name": upload.name})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("plans:plan_detail", pk=plan.pk)


@scope_required
def plan_attachment(request, pk, attachment_pk):
    """Attachments are served through the scope, never from a public media URL."""
    plan = _visible_plan(request.scope, pk)
    attachment = get_object_or_404(plan.attachments, pk=attachment_pk)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


@scope_required
def plan_history(request, pk):
    plan = _visible_plan(request.scope, pk)
    return render(
        request,
        "plans/plan_history.html",
        {
            "plan": plan,
            "entries": history_entries(Plan, Plan.objects.filter(pk=plan.pk), limit=200)
            + history_entries(Allocation, plan.allocations.all(), limit=200),
        },
    )


@scope_required
def plan_export(request, pk, fmt):
    plan = _visible_plan(request.scope, pk)
    makers = {
        "xlsx": (exports.appendix_xlsx, XLSX_MIME),
        "docx": (exports.appendix_docx, DOCX_MIME),
        "pdf": (exports.appendix_pdf, "application/pdf"),
    }
    if fmt not in makers:
        raise Http404
    make, content_type = makers[fmt]
    response = HttpResponse(make(plan), content_type=content_type)
    name = f"phu-luc-{plan.number or plan.pk}-{plan.date:%Y%m%d}" if plan.date else f"phu-luc-{plan.pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# --- import --------------------------------------------------------------------------------------


@scope_required
def plan_import(request):
    scope = request.scope
    require_edit(scope)
    if not may_make_plans(scope):
        raise PermissionDenied(_("Nhân viên cơ sở tiếp nhận máu không lập kế hoạch."))
    units = scoped_units(scope).exclude(kind="organisation")
    if request.method == "POST" and request.POST.get("token"):
        if request.POST.get("cancel"):  # the kept file goes as soon as the user gives up on it
            forget(request, IMPORT_SESSION_KEY, request.POST["token"])
            return redirect("plans:plan_import")
        if request.POST.get("remap"):
            return _import_remap(request, scope, units)
        return _import_confirm(request, scope, units)
    form = ImportForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        markup = form.pasted_html()
        token, path, name = stash(
            request,
            IMPORT_SESSION_KEY,
            upload=form.cleaned_data.get("file"),
            text=markup or form.cleaned_data.get("text", ""),
            pasted_name=_("bảng dán từ Word/Excel") if markup else _("văn bản dán"),
            suffix=".html" if markup else ".txt",
        )
        try:
            analysis = analyse_file(path, form.cleaned_data.get("issuing_unit"))
        except AppendixError as exc:
            path.unlink(missing_ok=True)
            form.add_error(None, str(exc))
        else:
            return _import_preview(request, scope, units, analysis, token, name, {})
    return render(request, "plans/plan_import.html", {"form": form})


def _meaning_choices() -> list[tuple[str, str]]:
    """What a column may be taken to mean, in the order the preview offers them."""
    return [
        ("unit", _("Tên đơn vị")),
        ("total", _("Tổng (chỉ tiêu)")),
        *((f"month:{m}", _("Tháng %(n)s") % {"n": m}) for m in range(1, 13)),
        *((f"round:{n}", _("Đợt %(n)s") % {"n": r}) for n, r in enumerate(("I", "II", "III", "IV", "V", "VI"), 1)),
        ("prior_plan", _("Năm trước – Kế hoạch")),
        ("prior_actual", _("Năm trước – Thực hiện")),
        ("prior_percent", _("Năm trước – Tỉ lệ %")),
        ("schedule", _("Thời gian tiếp nhận (chữ)")),
        ("note", _("Ghi chú")),
        ("stt", _("Số thứ tự")),
        ("other", _("Không dùng")),
    ]


def _meaning_of(column) -> str:
    return column.bucket if column.role == "bucket" and column.bucket else column.role


def _form_value(code: str) -> str:
    """A meaning as a form value ("month:5" → "month5"): the page carries no bucket keys."""
    return code.replace(":", "")


def _from_form(value: str) -> str:
    kind, number = value.rstrip("0123456789"), value[len(value.rstrip("0123456789")) :]
    return f"{kind}:{number}" if kind in ("month", "round") and number else value


def _meanings_from(post) -> dict[int, dict[int, str]]:
    """The column meanings posted by the preview ("column-<table>-<index>": meaning)."""
    meanings: dict[int, dict[int, str]] = {}
    for key, value in post.items():
        parts = key.split("-")
        code = _from_form(value)
        if (
            len(parts) == 3
            and parts[0] == "column"
            and parts[1].isdecimal()
            and parts[2].isdecimal()
            and is_meaning(code)
        ):
            meanings.setdefault(int(parts[1]), {})[int(parts[2])] = code
    return meanings


def _import_preview(request, scope: Scope, units, analysis, token: str, name: str, meanings: dict):
    if analysis.issuing_unit and not scope.contains(analysis.issuing_unit):
        analysis.issuing_unit = None
    labels = dict(_meaning_choices())
    choices = [(_form_value(code), label) for code, label in _meaning_choices()]
    tables = [
        [
            {
                "field": f"column-{number}-{column.index}",
                "header": column.header or "—",
                "meaning": _form_value(_meaning_of(column)),
                "label": labels.get(_meaning_of(column), _meaning_of(column)),
                "corrected": column.index in meanings.get(number, {}),
            }
            for column in columns
        ]
        for number, columns in enumerate(analysis.appendix.tables, start=1)
    ]
    return render(
        request,
        "plans/plan_import_preview.html",
        {
            "analysis": analysis,
            "result": analysis.result(),
            "token": token,
            "source_name": name,
            "units": units.order_by("depth", "name"),
            "buckets": analysis.document.appendix.buckets,
            "changes": preview_changes(analysis),
            "tables": tables,
            "choices": choices,
            "meanings": [
                (f"column-{t}-{i}", _form_value(code)) for t, columns in meanings.items() for i, code in columns.items()
            ],
        },
    )


def _import_remap(request, scope: Scope, units):
    """Read the kept file again with the column meanings the person corrected."""
    path, name = stashed(request, IMPORT_SESSION_KEY, request.POST["token"])
    issuing = units.filter(pk=request.POST.get("issuing_unit") or 0).first()
    meanings = _meanings_from(request.POST)
    try:
        # Only what differs from the header's own reading is a correction (every select is posted).
        read = {
            n: {c.index: _meaning_of(c) for c in columns}
            for n, columns in enumerate(analyse_file(path, issuing).appendix.tables, start=1)
        }
        meanings = {
            n: changed
            for n, chosen in meanings.items()
            if (changed := {i: code for i, code in chosen.items() if read.get(n, {}).get(i) != code})
        }
        analysis = analyse_file(path, issuing, meanings)
    except AppendixError as exc:
        messages.error(request, _("Không đọc được với các cột đã chọn: %(e)s") % {"e": exc})
        analysis = analyse_file(path, issuing)
        meanings = {}
    return _import_preview(request, scope, units, analysis, request.POST["token"], name, meanings)


def _import_confirm(request, scope: Scope, units):
    path, name = stashed(request, IMPORT_SESSION_KEY, request.POST["token"])
    issuing = get_object_or_404(units, pk=request.POST.get("issuing_unit") or 0)
    meanings = _meanings_from(request.POST)
    if runs_in_background(path):  # a large appendix: saved by the worker, progress on the job's page
        path, name = hand_over(request, IMPORT_SESSION_KEY, request.POST["token"])
        params = {"issuing_unit": issuing.pk, "meanings": encode_meanings(meanings)}
        job = jobs.start(request, JobKind.PLAN_APPENDIX, path=path, source_name=name, params=params)
        return redirect("jobs:job_detail", pk=job.pk)
    redo_on_fault(request, _("Tệp vẫn được giữ: quay lại trang xem trước và bấm “Lưu kế hoạch” lần nữa."))
    try:
        analysis = analyse_file(path, issuing, meanings)
        plan, changes = save_plan(analysis, source_name=name)
    except PlanAlreadyImported as exc:
        messages.error(request, str(exc))
        return render(request, "plans/plan_import.html", {"form": ImportForm(units=units)}, status=409)
    except (AppendixError, PlanImportError) as exc:
        messages.error(request, str(exc))
        return redirect("plans:plan_import")
    forget(request, IMPORT_SESSION_KEY, request.POST["token"])
    level, message, details = import_outcome(plan, changes)
    messages.add_message(request, messages.SUCCESS if level == "success" else messages.INFO, message)
    for line in details:
        messages.info(request, line)
    return redirect("plans:plan_detail", pk=plan.pk)
