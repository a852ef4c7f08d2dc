"""Job pages: the progress page (polled with htmx), the download, and the administrators'
schedules and failures."""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kotopolku.access.jobs import JOB_VIEW, TASKS_ADMIN
from kotopolku.access.policy import can
from kotopolku.access.views import requires
from kotopolku.jobs import selectors, services
from kotopolku.jobs.models import Job
from kotopolku.jobs.registry import JobRefused
from kotopolku.jobs.schedules import by_name

POLL_SECONDS = 1


def _status(job: Job) -> dict:
    data = {
        "id": str(job.pk),
        "status": job.status,
        "progress": job.progress,
        "step": job.step,
        "error": job.error,
        "summary": job.summary,
        "download": None,
    }
    if job.status == Job.Status.SUCCEEDED and job.result_file:
        data["download"] = reverse("jobs:download", args=[job.pk])
    return data


@requires(JOB_VIEW)
def job_list(request):
    return render(
        request,
        "jobs/job_list.html",
        {
            "jobs": selectors.jobs_of(user=request.user)[:50],
            "may_admin": can(request.user, TASKS_ADMIN),
        },
    )


@requires(JOB_VIEW)
def job_detail(request, pk):
    job = selectors.job_of(user=request.user, job_id=pk)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(_status(job))
    return render(
        request,
        "jobs/job_detail.html",
        {"job": job, "poll_seconds": POLL_SECONDS, "autostart": request.GET.get("auto") == "1"},
    )


@requires(JOB_VIEW)
def job_status(request, pk):
    """The status block alone: htmx swaps it in every second until the job has finished."""
    job = selectors.job_of(user=request.user, job_id=pk)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(_status(job))
    return render(
        request,
        "jobs/_status.html",
        {"job": job, "poll_seconds": POLL_SECONDS, "autostart": request.GET.get("auto") == "1"},
    )


@requires(JOB_VIEW)
def job_download(request, pk):
    job = selectors.job_of(user=request.user, job_id=pk)
    try:
        content = services.job_download(actor=request.user, job=job, path=request.path)
    except (JobRefused, FileNotFoundError):
        return render(
            request,
            "jobs/job_detail.html",
            {
                "job": job,
                "poll_seconds": POLL_SECONDS,
                "gone": _("The file is no longer kept. Start the work again."),
            },
            status=410,
        )
    response = HttpResponse(content, content_type=job.result_type or "application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{job.result_name}"'
    return response


@requires(TASKS_ADMIN)
def schedules(request):
    return render(
        request,
        "jobs/schedules.html",
        {
            "schedules": selectors.schedule_overview(),
            "failures": selectors.recent_failures(),
        },
    )


@requires(TASKS_ADMIN)
@require_POST
def schedule_run_now(request, name: str):
    from django.contrib import messages
    from django.http import Http404
    from django.utils import timezone

    try:
        by_name(name)
    except KeyError:
        raise Http404 from None
    run = services.schedule_fire(name=name, planned_for=timezone.now())
    if run is None:
        messages.info(request, _("This schedule was already started this minute."))
    else:
        messages.success(request, _("Queued. The outcome appears here when a worker has run it."))
    return redirect("jobs:schedules")
