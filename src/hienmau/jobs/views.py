"""The page of a background job: a progress bar the page polls (htmx) until the job ends; a reload shows
the stored state; a finished export links to its file. A person sees only the jobs they started."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from hienmau.jobs import exports
from hienmau.jobs.models import Job
from hienmau.jobs.services import live_progress


def _view(job: Job) -> dict:
    done, total = live_progress(job)
    percent = 100 if job.state == "done" else (min(100, round(100 * done / total)) if total else 0)
    ready = exports.available(job)
    return {"job": job, "done": done, "total": total, "percent": percent, "file_ready": ready}


@login_required
def job_detail(request, pk):
    job = get_object_or_404(Job.objects.filter(user=request.user), pk=pk)
    template = "jobs/_job_progress.html" if request.htmx else "jobs/job_detail.html"
    return render(request, template, _view(job))


@login_required
def job_list(request):
    jobs = Job.objects.filter(user=request.user)[:50]
    return render(request, "jobs/job_list.html", {"jobs": jobs})


@login_required
def job_download(request, pk):
    return exports.download(request, pk)
