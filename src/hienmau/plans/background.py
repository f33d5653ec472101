"""A large appendix confirmed on the web is saved by the background worker (hienmau.jobs): the same
`analyse_file` and `save_plan` as the request path, as the user who confirmed it, scope checked again."""

from __future__ import annotations

from pathlib import Path

from django.urls import reverse
from django.utils.translation import gettext as _

from hienmau.jobs.models import Job, JobKind
from hienmau.jobs.services import JobFailed, Outcome, Progress, register_runner
from hienmau.orgs.scoping import Scope, may_make_plans, require_edit, scoped_units
from hienmau.plans.importer import PlanChanges, PlanImportError, analyse_file, save_plan
from hienmau.plans.lib.appendix import AppendixError
from hienmau.plans.models import Plan


def import_outcome(plan: Plan, changes: PlanChanges) -> tuple[str, str, list[str]]:
    """(level, message, detail lines) after an appendix is saved: what the page or the job reports."""
    reference = plan.reference or plan.title
    if changes.status == "created":
        return "success", _("Đã nhập phụ lục vào kế hoạch %(ref)s.") % {"ref": reference}, []
    if changes:
        summary = _("Đã cập nhật kế hoạch %(ref)s: %(summary)s") % {"ref": reference, "summary": changes.summary()}
        return "success", summary, changes.details()
    return "info", _("Kế hoạch %(ref)s đã có đúng nội dung này; không thay đổi gì.") % {"ref": reference}, []


def encode_meanings(meanings: dict[int, dict[int, str]]) -> dict[str, dict[str, str]]:
    return {str(t): {str(i): code for i, code in columns.items()} for t, columns in meanings.items()}


def decode_meanings(stored: dict) -> dict[int, dict[int, str]]:
    return {int(t): {int(i): code for i, code in columns.items()} for t, columns in stored.items()}


def run_appendix_import(job: Job, scope: Scope, progress: Progress) -> Outcome:
    require_edit(scope)
    if not may_make_plans(scope):
        raise JobFailed(_("Nhân viên cơ sở tiếp nhận máu không lập kế hoạch."))
    units = scoped_units(scope).exclude(kind="organisation")
    issuing = units.filter(pk=job.params.get("issuing_unit") or 0).first()
    if issuing is None:
        raise JobFailed(_("Đơn vị ban hành không thuộc phạm vi của bạn; không lưu gì."))
    try:
        analysis = analyse_file(Path(job.path), issuing, decode_meanings(job.params.get("meanings", {})))
        plan, changes = save_plan(analysis, source_name=job.source_name, progress=progress)
    except (AppendixError, PlanImportError) as exc:
        raise JobFailed(str(exc)) from exc
    _level, message, details = import_outcome(plan, changes)
    return Outcome(message, details, reverse("plans:plan_detail", args=[plan.pk]))


def register() -> None:
    register_runner(JobKind.PLAN_APPENDIX, run_appendix_import)
