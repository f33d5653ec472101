"""A large tally confirmed on the web is saved by the background worker (hienmau.jobs): the same
`importer.analyse` and `importer.save` as the request path, as the user who confirmed it, with the plan,
unit, mapped units and drives checked against their scope again."""

from __future__ import annotations

from pathlib import Path

from django.urls import reverse
from django.utils.translation import gettext as _

from hienmau.drives.models import Drive
from hienmau.jobs.models import Job, JobKind
from hienmau.jobs.services import JobFailed, Outcome, Progress, register_runner
from hienmau.orgs.scoping import Scope, scoped_units
from hienmau.plans.models import Plan
from hienmau.results import importer
from hienmau.results.models import ResultImport


def import_outcome(record: ResultImport, changed: int, name: str) -> list[tuple[str, str]]:
    """(level, message) lines after a tally is saved: what the page or the job reports."""
    lines = [
        ("success", _("Đã lưu kết quả từ tệp %(name)s: %(n)s dòng thay đổi số liệu.") % {"name": name, "n": changed})
        if changed
        else ("info", _("Tệp %(name)s không làm thay đổi số liệu nào.") % {"name": name})
    ]
    if kept := len(record.pending_rows):
        lines.append(("warning", _("%(n)s dòng chưa lưu được, đã giữ lại cùng lần nhập này để sửa sau.") % {"n": kept}))
    return lines


def run_tally_import(job: Job, scope: Scope, progress: Progress) -> Outcome:
    if not scope.can_edit:
        raise JobFailed(_("Bạn chỉ xem được kết quả; chỉ cán bộ phụ trách mới nhập được."))
    units = scoped_units(scope)
    params = job.params
    plan = unit = None
    if params.get("plan"):
        plan = Plan.objects.visible_to(scope).filter(pk=params["plan"]).first()
        if plan is None:
            raise JobFailed(_("Kế hoạch đã chọn không còn trong phạm vi của bạn; không lưu gì."))
    if params.get("unit"):
        unit = units.filter(pk=params["unit"]).first()
        if unit is None:
            raise JobFailed(_("Đơn vị đã chọn không thuộc phạm vi của bạn; không lưu gì."))
    mapping = params.get("mapping", {})
    if units.filter(pk__in=set(mapping.values())).count() != len(set(mapping.values())):
        raise JobFailed(_("Có đơn vị được ghép không thuộc phạm vi của bạn; không lưu gì."))
    try:
        analysis = importer.analyse(
            Path(job.path), plan=plan, unit=unit, source_name=job.source_name, mapping=mapping, units=units
        )
        record, changed = importer.save(
            analysis, user=job.user, drives=Drive.objects.visible_to(scope), progress=progress
        )
    except importer.ResultImportError as exc:
        raise JobFailed(str(exc)) from exc
    (_level, message), *rest = import_outcome(record, changed, job.source_name)
    url = reverse("reports:plan_achievement", args=[analysis.plan.pk]) if analysis.plan else reverse("reports:overview")
    return Outcome(message, [text for _level, text in rest], url)


def register() -> None:
    register_runner(JobKind.RESULT_TALLY, run_tally_import)
