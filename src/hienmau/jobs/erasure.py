"""A job's result and error lines may quote a row of the file: they are scrubbed with the person. The
files large exports made (a list of names, a club's phone list) cannot be searched for the person: every
kept export file is removed on an erasure (the export can be made again, without them)."""

from __future__ import annotations

from hienmau.core.erasure import Identity, register_eraser
from hienmau.jobs.exports import remove_file
from hienmau.jobs.models import Job


def erase_jobs(identity: Identity) -> None:
    for job in Job.objects.only("pk", "message", "details", "source_name"):
        lines = [str(line) for line in job.details]
        if identity.mentioned_in("\n".join([job.message, job.source_name, *lines])):
            job.message = identity.scrub(job.message)
            job.source_name = identity.scrub(job.source_name)[:255]
            job.details = [identity.scrub(line) for line in lines]
            job.save(update_fields=["message", "source_name", "details"])
    for job in Job.objects.exclude(output_path="").only("pk", "output_path"):
        remove_file(job)
        job.output_path = ""
        job.save(update_fields=["output_path"])


def register() -> None:
    register_eraser(erase_jobs, holds=["jobs.Job"])
