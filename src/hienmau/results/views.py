"""Importing a tally on the web: upload, preview (rows, findings in Vietnamese, unknown units offered for
mapping to units of the scope), confirm. Units, plans and drives come through the scope."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from hienmau.core.labels import FINDING_LABELS
from hienmau.core.lib.text import fold_words
from hienmau.core.uploads import forget, hand_over, stash, stashed
from hienmau.drives.models import Drive
from hienmau.jobs import services as jobs
from hienmau.jobs.models import JobKind
from hienmau.jobs.services import runs_in_background
from hienmau.orgs.scoping import Scope, scoped_units
from hienmau.orgs.views import scope_required
from hienmau.plans.models import Plan
from hienmau.results import importer
from hienmau.results.background import import_outcome
from hienmau.results.forms import ResultImportForm
from hienmau.results.lib.tally import UNKNOWN_UNIT
from hienmau.results.models import ResultImport

SESSION_KEY = "hienmau.result_imports"


def _choices(scope: Scope):
    return Plan.objects.visible_to(scope).select_related("issuing_unit"), scoped_units(scope).order_by("depth", "name")


def _analyse(request, scope: Scope, path, name, plan, unit, mapping=None):
    _plans, units = _choices(scope)
    return importer.analyse(path, plan=plan, unit=unit, source_name=name, mapping=mapping, units=units)


@scope_required
def result_import(request):
    scope = request.scope
    if not scope.can_edit:
        raise PermissionDenied(_("Bạn chỉ xem được kết quả; chỉ cán bộ phụ trách mới nhập được."))
    plans, units = _choices(scope)
    if request.method == "POST" and request.POST.get("token"):
        return _confirm(request, scope, plans, units)
    initial = {"plan": request.GET.get("plan")} if request.GET.get("plan", "").isdecimal() else {}
    form = ResultImportForm(request.POST or None, request.FILES or None, plans=plans, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        token, path, name = stash(request, SESSION_KEY, upload=form.cleaned_data["file"])
        plan, unit = form.cleaned_data.get("plan"), form.cleaned_data.get("unit")
        try:
            analysis = _analyse(request, scope, path, name, plan, unit)
        except importer.ResultImportError as exc:
            forget(request, SESSION_KEY, token)
            form.add_error(None, str(exc))
        else:
            if analysis.plan is not None and not plans.filter(pk=analysis.plan.pk).exists():
                analysis.plan = None
            return _preview(request, analysis, token, units)
    return render(request, "results/import.html", {"form": form})


def _preview(request, analysis, token, units):
    result = analysis.result()
    findings_by_line: dict = {}
    for finding in result["findings"]:
        findings_by_line.setdefault(finding["line"], []).append(
            {"label": FINDING_LABELS.get(finding["code"], ""), "message": finding["message"], "code": finding["code"]}
        )
    matched = units.in_bulk(set(analysis.unit_ids.values()) - {None})
    rows = []
    for row in result["rows"]:
        unit_id = analysis.unit_ids.get(row["line"])
        problems = findings_by_line.get(row["line"], [])
        rows.append(
            {
                **row,
                "matched": matched.get(unit_id),
                "unknown": any(p["code"] == UNKNOWN_UNIT for p in problems),
                "problems": problems,
                "suggestions": analysis.suggestions.get(row["line"], ()),
            }
        )
    return render(
        request,
        "results/import_preview.html",
        {
            "analysis": analysis,
            "result": result,
            "rows": rows,
            "general": findings_by_line.get(None, []),
            "token": token,
            "units": units,
        },
    )


def _confirm(request, scope: Scope, plans, units):
    token = request.POST["token"]
    path, name = stashed(request, SESSION_KEY, token)
    plan = get_object_or_404(plans, pk=request.POST["plan"]) if request.POST.get("plan") else None
    unit = get_object_or_404(units, pk=request.POST["unit"]) if request.POST.get("unit") else None
    mapping = {}
    for key, value in request.POST.items():
        if key.startswith("map:") and value.isdecimal():
            mapping[fold_words(key[4:])] = get_object_or_404(units, pk=int(value)).pk
    if runs_in_background(path):  # a large tally: saved by the worker, progress on the job's page
        path, name = hand_over(request, SESSION_KEY, token)
        params = {"plan": plan.pk if plan else None, "unit": unit.pk if unit else None, "mapping": mapping}
        job = jobs.start(request, JobKind.RESULT_TALLY, path=path, source_name=name, params=params)
        return redirect("jobs:job_detail", pk=job.pk)
    try:
        analysis = _analyse(request, scope, path, name, plan, unit, mapping)
        record, changed = importer.save(analysis, user=request.user, drives=Drive.objects.visible_to(scope))
    except importer.ResultImportError as exc:
        messages.error(request, str(exc))
        return redirect("results:result_import")
    forget(request, SESSION_KEY, token)
    levels = {"success": messages.SUCCESS, "info": messages.INFO, "warning": messages.WARNING}
    for level, text in import_outcome(record, changed, name):
        messages.add_message(request, levels[level], text)
    if analysis.plan is not None:
        return redirect("reports:plan_achievement", pk=analysis.plan.pk)
    return redirect("reports:overview")


@scope_required
def import_list(request):
    imports = ResultImport.objects.visible_to(request.scope).select_related("plan", "unit", "imported_by")[:100]
    return render(request, "results/import_list.html", {"imports": imports})


@scope_required
def import_detail(request, pk):
    record = get_object_or_404(
        ResultImport.objects.visible_to(request.scope).select_related("plan", "unit", "imported_by"), pk=pk
    )
    findings = [
        {**finding, "label": FINDING_LABELS.get(finding["code"], "")}
        for finding in record.findings
        if finding.get("line") is None
    ]
    pending = [
        {**row, "labels": [FINDING_LABELS.get(code, "") for code in row.get("codes", [])]}
        for row in record.pending_rows
    ]
    return render(request, "results/import_detail.html", {"record": record, "pending": pending, "findings": findings})
