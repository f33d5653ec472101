"""Start a long import (or export: jobs/exports.py) in the background worker, report its progress, and
finish it.

One way for every kind: a view hands over the kept upload and the choices the user confirmed (`start`);
the worker (`run`) checks the starting user's scope again, calls the app's runner — which calls the same
import service the synchronous path calls, all-or-nothing — and stores the result or the Vietnamese
error. Apps register their runner for a kind in AppConfig.ready (`register_runner`), so this module
imports no app above it.

Progress inside the import's transaction cannot be written to the database (nobody else would see it
before the commit), so the live figure goes to a small file beside the kept uploads (var/jobs/<id>),
which the polling view reads; the row gets done/total when the import starts and ends."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from hienmau.core.middleware import close_broken_connections
from hienmau.jobs.models import Job, JobKind, JobState
from hienmau.orgs.middleware import acting_membership
from hienmau.orgs.models import Membership
from hienmau.orgs.scoping import Scope, build_scope, superuser_scope

logger = logging.getLogger(__name__)


class JobFailed(Exception):
    """A failure the person who started the job can act on: a Vietnamese message and detail lines."""

    def __init__(self, message: str, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or []


@dataclass
class Outcome:
    message: str
    details: list[str] = field(default_factory=list)
    url: str = ""


Progress = Callable[[int, int], None]
Runner = Callable[[Job, Scope, Progress], Outcome]
_runners: dict[str, Runner] = {}


def register_runner(kind: str, runner: Runner) -> None:
    _runners[kind] = runner


def background_threshold() -> int:
    """Uploads at least this large (bytes) are imported by the worker instead of within the request."""
    return int(getattr(settings, "HIENMAU_BACKGROUND_IMPORT_BYTES", 256 * 1024))


def runs_in_background(path: Path) -> bool:
    return path.stat().st_size >= background_threshold()


def start(request, kind: JobKind, *, path: Path | None, source_name: str, params: dict) -> Job:
    """Queue an import of the kept file `path` (or an export, with no file) as the signed-in user, in the
    scope they act in now."""
    job = Job.objects.create(
        kind=kind,
        user=request.user,
        membership=acting_membership(request),
        source_name=source_name[:255],
        path=str(path) if path else "",
        params=params,
    )
    run_job.enqueue(job.pk)
    job.refresh_from_db()
    return job


def run_as(user, kind: JobKind, *, source_name: str, params: dict, path: Path | None = None) -> Job:
    """Run a job now, in this process, as `user` acting in their first role: what the demo leaves for
    its accounts, through the same runner as the worker. Earlier jobs of that user, kind and name go."""
    for old in Job.objects.filter(user=user, kind=kind, source_name=source_name[:255]):
        if old.output_path:
            Path(old.output_path).unlink(missing_ok=True)
        old.delete()
    job = Job.objects.create(
        kind=kind,
        user=user,
        membership=Membership.objects.for_user(user).order_by("pk").first(),
        source_name=source_name[:255],
        path=str(path) if path else "",
        params=params,
    )
    run(job.pk)
    job.refresh_from_db()
    return job


def scope_of(job: Job) -> Scope:
    """The starting user's scope, checked again now: a membership taken away since stops the job."""
    user = job.user
    if not user.is_active:
        raise JobFailed(
            _("Tài khoản đã bị khoá; không tạo tệp.") if job.is_export else _("Tài khoản đã bị khoá; không nhập gì.")
        )
    if job.membership_id is not None:
        membership = Membership.objects.for_user(user).filter(pk=job.membership_id).first()
        if membership is not None:
            return build_scope(membership)
    elif user.is_superuser and (scope := superuser_scope()) is not None:
        return scope
    if job.is_export:
        raise JobFailed(_("Tài khoản không còn quyền ở đơn vị đã chọn khi bắt đầu; không tạo tệp."))
    raise JobFailed(_("Tài khoản không còn quyền ở đơn vị đã chọn khi bắt đầu; không nhập gì."))


def _progress_file(job_id: int) -> Path:
    folder = Path(settings.VAR_DIR) / "jobs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{job_id}.progress"


class ProgressFile:
    """Writes "done total" for a running job, at most a few times a second (and always the last step)."""

    def __init__(self, job_id: int, interval: float = 0.3):
        self.path = _progress_file(job_id)
        self.interval = interval
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < self.interval:
            return
        self.last = now
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(f"{done} {total}", encoding="ascii")
        os.replace(temporary, self.path)


def live_progress(job: Job) -> tuple[int, int]:
    """done/total of a job: the running import's file when there is one, else the row."""
    if job.state == JobState.RUNNING:
        try:
            done, total = (int(n) for n in _progress_file(job.pk).read_text(encoding="ascii").split())
            return done, total
        except (OSError, ValueError):
            pass
    return job.done, job.total


def run(job_id: int) -> str:
    """The worker's side: run the job once and store how it ended. Returns the final state."""
    job = Job.objects.select_related("user").filter(pk=job_id).first()
    if job is None or job.finished:
        return job.state if job else JobState.FAILED
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, started_at=timezone.now())
    job.state = JobState.RUNNING
    progress = ProgressFile(job.pk)
    try:
        if not job.is_export and not Path(job.path).is_file():
            raise JobFailed(_("Tệp tải lên không còn (đã quá hạn lưu hoặc đã bị xoá); hãy tải lại tệp."))
        scope = scope_of(job)
        outcome = _runners[job.kind](job, scope, progress)
    except JobFailed as exc:
        _finish(job, JobState.FAILED, exc.message, exc.details)
    except PermissionDenied as exc:
        _finish(job, JobState.FAILED, str(exc) or _("Bạn không có quyền thực hiện việc này; không nhập gì."))
    except (OperationalError, InterfaceError) as exc:  # the import's transaction was rolled back whole
        logger.warning("background job %s: database connection lost: %s", job.pk, exc)
        close_broken_connections()
        if job.is_export:
            _finish(
                job, JobState.FAILED, _("Mất kết nối tới cơ sở dữ liệu giữa chừng nên chưa tạo được tệp. Hãy xuất lại.")
            )
        else:
            _finish(
                job,
                JobState.FAILED,
                _(
                    "Mất kết nối tới cơ sở dữ liệu giữa chừng nên không có gì được lưu: không có gì được ghi dở dang. "
                    "Hãy tải tệp lên lại."
                ),
            )
    except Http404:  # an export's record is no longer in the user's scope
        _finish(job, JobState.FAILED, _("Dữ liệu cần xuất không còn trong phạm vi của bạn; không tạo tệp."))
    except Exception:
        logger.exception("background job %s failed", job.pk)
        if job.is_export:
            _finish(job, JobState.FAILED, _("Có lỗi ngoài dự kiến khi tạo tệp. Hãy báo quản trị viên."))
        else:
            _finish(
                job, JobState.FAILED, _("Có lỗi ngoài dự kiến khi nhập; không có gì được lưu. Hãy báo quản trị viên.")
            )
    else:
        _finish(job, JobState.DONE, outcome.message, outcome.details, outcome.url)
    finally:
        if job.path:
            Path(job.path).unlink(missing_ok=True)
        _progress_file(job.pk).unlink(missing_ok=True)
    return job.state


def _finish(job: Job, state: str, message: str, details: list[str] | None = None, url: str = "") -> None:
    done, total = live_progress(job)
    job.state = state
    job.message = message
    job.details = [str(line) for line in (details or [])][:200]
    job.result_url = url
    job.total = total
    job.done = total if state == JobState.DONE else done
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "message", "details", "result_url", "done", "total", "finished_at"])


@task()
def run_job(job_id: int) -> str:
    """The background task (django-tasks): run by `hienmau db_worker` in production, within the request
    by the immediate backend in the tests."""
    return run(job_id)
