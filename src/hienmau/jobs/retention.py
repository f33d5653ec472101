"""What background jobs keep only for a while: finished jobs (their result or error lines) and the
worker's finished task rows (django-tasks-db), after HIENMAU_RETAIN_JOB_DAYS. Jobs still queued or
running are never purged."""

from __future__ import annotations

import datetime

from django.conf import settings
from django_tasks_db.models import DBTaskResult

from hienmau.core.retention import register_purger
from hienmau.jobs.models import Job, JobState


def purge_jobs(now: datetime.datetime) -> int:
    cutoff = now - datetime.timedelta(days=settings.HIENMAU_RETAIN_JOB_DAYS)
    count, _by_model = Job.objects.filter(state__in=(JobState.DONE, JobState.FAILED), finished_at__lt=cutoff).delete()
    tasks, _by_model = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return count + tasks


def register() -> None:
    register_purger("jobs.finished", "việc chạy nền đã xong", purge_jobs)
