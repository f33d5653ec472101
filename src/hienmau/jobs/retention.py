"""What background jobs keep only for a while: finished jobs (their result or error lines) and the
worker's finished task rows (django-tasks-db), after HIENMAU_RETAIN_JOB_DAYS; and the files exports made
(jobs/exports.py: they may hold personal data) after HIENMAU_RETAIN_EXPORT_DAYS — the job stays, its page
says the file has gone. Jobs still queued or running are never purged."""

from __future__ import annotations

import datetime

from django.conf import settings
from django_tasks_db.models import DBTaskResult

from hienmau.core.retention import register_purger
from hienmau.jobs.exports import remove_file
from hienmau.jobs.models import Job, JobState

FINISHED = (JobState.DONE, JobState.FAILED)


def purge_jobs(now: datetime.datetime) -> int:
    cutoff = now - datetime.timedelta(days=settings.HIENMAU_RETAIN_JOB_DAYS)
    old = Job.objects.filter(state__in=FINISHED, finished_at__lt=cutoff)
    for job in old.exclude(output_path="").only("pk", "output_path"):
        remove_file(job)
    count, _by_model = old.delete()
    tasks, _by_model = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return count + tasks


def purge_export_files(now: datetime.datetime) -> int:
    cutoff = now - datetime.timedelta(days=settings.HIENMAU_RETAIN_EXPORT_DAYS)
    count = 0
    for job in Job.objects.filter(state__in=FINISHED, finished_at__lt=cutoff).exclude(output_path=""):
        remove_file(job)
        Job.objects.filter(pk=job.pk).update(output_path="")
        count += 1
    return count


def register() -> None:
    register_purger("jobs.finished", "việc chạy nền đã xong", purge_jobs)
    register_purger("jobs.exports", "tệp xuất do việc chạy nền tạo", purge_export_files)
