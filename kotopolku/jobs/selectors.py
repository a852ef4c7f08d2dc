"""Reads of the jobs app."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from kotopolku.jobs.models import Job, ScheduleRun, TaskFailure
from kotopolku.jobs.schedules import SCHEDULES


def jobs_of(*, user: Any) -> QuerySet[Job]:
    return Job.objects.filter(owner_id=user.pk).order_by("-created_at")


def job_of(*, user: Any, job_id: Any) -> Job:
    """The user's own job; anyone else's is answered as not found."""
    job = Job.objects.filter(pk=job_id, owner_id=user.pk).first()
    if job is None:
        raise Http404
    return job


def schedule_overview(*, now: Any = None) -> list[dict[str, Any]]:
    """Each schedule with its last run (when, outcome, message) and its next run."""
    now = now or timezone.now()
    last: dict[str, ScheduleRun] = {}
    for run in ScheduleRun.objects.filter(schedule__in=[s.name for s in SCHEDULES]).order_by(
        "schedule", "-planned_for"
    ):
        last.setdefault(run.schedule, run)
    return [{"schedule": s, "last": last.get(s.name), "next": s.next_run(now)} for s in SCHEDULES]


def recent_failures(*, limit: int = 50) -> QuerySet[TaskFailure]:
    return TaskFailure.objects.order_by("-at")[:limit]
