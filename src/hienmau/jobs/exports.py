"""Exports: one way for every exported file, immediate when small, in the worker when large.

An app registers, for a job kind (`register_export`), four functions: `check` takes the scope, the user
and the parameters of the request and returns the record to export, or raises Http404 /
PermissionDenied; `rows` counts the record's rows, `name` names its file, and `make` turns it into the
file. The view calls `respond`: it checks, and an export of fewer rows than HIENMAU_BACKGROUND_EXPORT_ROWS
is made within the request and sent; a larger one becomes a job, the browser goes to its progress page,
and the worker (`run_export`, the runner of every export kind) calls the SAME check and make as the
starting user, in their scope checked again, and writes the file under var/jobs/exports (mode 0600). `download` sends it to the job's owner only, after checking
their scope and the export's check again.

Where a file carries personal data the app's export logs it in the access log (`ExportFile.access`,
written by the app's `log` function): within the request as before, and for a job at each download — the
moment the data leaves the system."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from hienmau.jobs.models import Job, JobKind, JobState
from hienmau.jobs.services import JobFailed, Outcome, Progress, register_runner, scope_of, start
from hienmau.orgs.scoping import Scope


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    name: str
    content_type: str
    # What the access log records when the file leaves (the app's `log` reads it): e.g. the donors whose
    # phone numbers the file holds. Empty for a file without personal data.
    access: dict = field(default_factory=dict)


Check = Callable[[Any, Any, dict], Any]  # (Scope, or None for a user acting without a role, user, params)
Rows = Callable[[Any], int]  # (record)
Name = Callable[[Any, dict], str]  # (record, params)
Make = Callable[[Any, dict], ExportFile]  # (record, params)
AccessLogger = Callable[[Any, dict], None]


@dataclass(frozen=True)
class Export:
    check: Check
    rows: Rows
    name: Name
    make: Make
    log: AccessLogger | None = None

    def build(self, record, params: dict, progress: Progress) -> ExportFile:
        """The file; progress is told the record's rows before and after (an export is one step)."""
        rows = self.rows(record)
        progress(0, rows)
        file = self.make(record, params)
        progress(rows, rows)
        return file


_exports: dict[str, Export] = {}


def register_export(
    kind: str, *, check: Check, rows: Rows, name: Name, make: Make, log: AccessLogger | None = None
) -> None:
    _exports[kind] = Export(check, rows, name, make, log)
    register_runner(kind, run_export)


def background_rows() -> int:
    """Exports of at least this many rows are made by the worker (measured in docs/scaling.md)."""
    return int(getattr(settings, "HIENMAU_BACKGROUND_EXPORT_ROWS", 20))


def exports_folder() -> Path:
    folder = Path(settings.VAR_DIR) / "jobs" / "exports"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _ignore_progress(done: int, total: int) -> None:
    return None


def attachment(file: ExportFile) -> HttpResponse:
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.name}"'
    return response


def _log(kind: str, user, access: dict) -> None:
    export = _exports[kind]
    if export.log is not None and access:
        export.log(user, access)


def respond(request, kind: JobKind, params: dict) -> HttpResponse:
    """The export view's answer, after the export's `check` (Http404 / PermissionDenied): the file now when
    it is small, else a job and its progress page (the worker checks again). Someone acting without a role
    (a club's chair) gets the file within the request: the worker re-checks a role's scope."""
    export = _exports[kind]
    scope = request.scope or None
    record = export.check(scope, request.user, params)
    if export.rows(record) >= background_rows() and scope is not None:
        job = start(request, kind, path=None, source_name=export.name(record, params), params=params)
        return redirect("jobs:job_detail", pk=job.pk)
    file = export.build(record, params, _ignore_progress)
    _log(kind, request.user, file.access)
    return attachment(file)


def _write_private(content: bytes, job_id: int) -> Path:
    path = exports_folder() / f"{job_id}-{secrets.token_hex(8)}"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    return path


def run_export(job: Job, scope: Scope, progress: Progress) -> Outcome:
    """The worker's side of every export kind: the same builder as the request, then the file kept."""
    export = _exports[job.kind]
    file = export.build(export.check(scope, job.user, job.params), job.params, progress)
    path = _write_private(file.content, job.pk)
    params = {**job.params, "access": file.access} if file.access else job.params
    Job.objects.filter(pk=job.pk).update(
        output_path=str(path), output_name=file.name[:255], output_type=file.content_type[:100], params=params
    )
    job.output_path, job.params = str(path), params
    days = settings.HIENMAU_RETAIN_EXPORT_DAYS
    return Outcome(message=_("Đã tạo xong tệp; chỉ bạn tải được, trong %(days)s ngày.") % {"days": days})


def available(job: Job) -> bool:
    return job.state == JobState.DONE and bool(job.output_path) and Path(job.output_path).is_file()


def download(request, pk: int) -> FileResponse:
    """The kept file of a finished export, for the user who started it, in a scope that still reaches it."""
    job = Job.objects.filter(user=request.user, state=JobState.DONE, kind__in=list(_exports)).filter(pk=pk).first()
    if job is None or not available(job):
        raise Http404
    try:
        scope = scope_of(job)
    except JobFailed as exc:
        raise Http404 from exc
    _exports[job.kind].check(scope, job.user, job.params)
    _log(job.kind, request.user, job.params.get("access", {}))
    return FileResponse(
        Path(job.output_path).open("rb"), as_attachment=True, filename=job.output_name, content_type=job.output_type
    )


def remove_file(job: Job) -> None:
    if job.output_path:
        Path(job.output_path).unlink(missing_ok=True)
