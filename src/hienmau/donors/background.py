"""A large donation-history file is imported by the background worker (hienmau.jobs): the same
`import_history` as the request path, as the user who sent it, in their scope checked again."""

from __future__ import annotations

from pathlib import Path

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hienmau.donors.importer import HistoryImportError, import_history
from hienmau.jobs.models import Job, JobKind
from hienmau.jobs.services import JobFailed, Outcome, Progress, register_runner
from hienmau.orgs.scoping import Scope, require_edit, scoped_units


def run_history_import(job: Job, scope: Scope, progress: Progress) -> Outcome:
    require_edit(scope)
    facility = scoped_units(scope).filter(pk=job.params.get("facility") or 0).first()
    if facility is None:
        raise JobFailed(_("Cơ sở tiếp nhận máu không thuộc phạm vi của bạn; không nhập gì."))
    try:
        result = import_history(Path(job.path), facility, scope=scope, user=job.user, progress=progress)
    except HistoryImportError as exc:
        n = len(exc.problems)
        message = ngettext("Không nhập gì: %(n)s lỗi", "Không nhập gì: %(n)s lỗi", n) % {"n": n}
        raise JobFailed(message, [str(p) for p in exc.problems]) from exc
    url = reverse("donors:review_queue") if result.held or result.proposed else reverse("donors:donor_list")
    return Outcome(result.summary(), [], url)


def register() -> None:
    register_runner(JobKind.DONATION_HISTORY, run_history_import)
