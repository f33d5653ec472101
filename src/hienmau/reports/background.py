"""The comparison table and the consolidated report as background exports (hienmau.jobs.exports): the
access check and the file, the same for the request and the worker."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.text import slugify
from django.utils.translation import gettext as _

from hienmau.core.lib.documents import DOCX_MIME, XLSX_MIME
from hienmau.jobs.exports import ExportFile, register_export
from hienmau.jobs.models import JobKind
from hienmau.orgs.scoping import Scope, get_visible_or_404, may_decide_unit_reports
from hienmau.plans.models import Plan
from hienmau.reports import consolidated, exports

COMPARISON_FORMATS = {
    "xlsx": (exports.comparison_xlsx, XLSX_MIME),
    "docx": (exports.comparison_docx, DOCX_MIME),
    "pdf": (exports.comparison_pdf, "application/pdf"),
}


def comparison_plan(scope: Scope, user, params: dict) -> Plan:
    """The plan whose comparison table the scope may download: only the issuing side, which sees every
    unit's row."""
    if params.get("fmt") not in COMPARISON_FORMATS:
        raise Http404
    plan = Plan.objects.visible_to(scope).select_related("issuing_unit").filter(pk=params.get("plan")).first()
    if plan is None:
        raise Http404
    if not (scope.everything or scope.contains(plan.issuing_unit)):
        raise PermissionDenied(_("Bảng so sánh gồm mọi đơn vị của kế hoạch; chỉ cấp ban hành tải được."))
    return plan


def comparison_name(plan: Plan, params: dict) -> str:
    return f"so-sanh-{slugify(plan.reference or plan.title)[:50] or plan.pk}.{params['fmt']}"


def comparison_rows(plan: Plan) -> int:
    return plan.allocations.count()


def comparison_file(plan: Plan, params: dict) -> ExportFile:
    make, content_type = COMPARISON_FORMATS[params["fmt"]]
    return ExportFile(make(plan), comparison_name(plan, params), content_type)


CONSOLIDATED_FORMATS = {
    "docx": (consolidated.as_docx, DOCX_MIME),
    "pdf": (consolidated.as_pdf, "application/pdf"),
}


def consolidated_plan(scope: Scope, user, params: dict) -> Plan:
    """The plan whose consolidated report the scope may download: the issuing unit's side."""
    if params.get("fmt") not in CONSOLIDATED_FORMATS:
        raise Http404
    plan = get_visible_or_404(Plan.objects.visible_to(scope).select_related("issuing_unit"), params["plan"])
    if not may_decide_unit_reports(scope, plan.issuing_unit) and not scope.contains(plan.issuing_unit):
        raise PermissionDenied(_("Báo cáo tổng hợp gồm mọi đơn vị của kế hoạch; chỉ cấp ban hành tải được."))
    return plan


def consolidated_name(plan: Plan, params: dict) -> str:
    return f"bao-cao-tong-hop-{slugify(plan.reference or plan.title)[:50] or plan.pk}.{params['fmt']}"


def consolidated_file(plan: Plan, params: dict) -> ExportFile:
    make, content_type = CONSOLIDATED_FORMATS[params["fmt"]]
    return ExportFile(make(consolidated.build(plan)), consolidated_name(plan, params), content_type)


def register() -> None:
    register_export(
        JobKind.COMPARISON, check=comparison_plan, rows=comparison_rows, name=comparison_name, make=comparison_file
    )
    register_export(
        JobKind.CONSOLIDATED,
        check=consolidated_plan,
        rows=comparison_rows,
        name=consolidated_name,
        make=consolidated_file,
    )
