"""Writes of the jobs app: start a job, run it (called by the task), download, expire."""

import contextlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record, redact
from kotopolku.jobs.models import Job
from kotopolku.jobs.registry import JobFile, JobRefused, kind

logger = logging.getLogger(__name__)

job_finished = Signal()
"""Sent after a job succeeded or failed, with `job`; the notifications app listens."""


@dataclass(frozen=True)
class AuditAs:
    """How the download of the result is audited: the same row the direct download writes."""

    object_type: str
    object_id: str | int = ""
    reason: str = ""


def _result_ttl() -> timedelta:
    return timedelta(hours=settings.JOB_RESULT_HOURS)


@transaction.atomic
def job_start(
    *,
    actor: Any,
    kind_name: str,
    params: dict[str, Any],
    title: str,
    audit_as: AuditAs,
    input_name: str = "",
    input_content: bytes | None = None,
) -> Job:
    """Record the job and queue its task once the row is committed (the worker must see it).

    The same request from the same user while an earlier one still waits or runs (a double
    click, a reload of the download link) gets that job rather than a second one.
    """
    kind(kind_name)  # an unknown kind is a programming error: fail here, not in the worker
    waiting = (
        Job.objects.filter(
            owner=actor,
            kind=kind_name,
            status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
            created_at__gte=timezone.now() - timedelta(minutes=30),
        )
        .order_by("-created_at")
        .only("pk", "params")
    )
    for earlier in waiting if input_content is None else ():
        if earlier.params == params:
            return Job.objects.get(pk=earlier.pk)
    job = Job.objects.create(
        owner=actor,
        kind=kind_name,
        params=params,
        title=title[:200],
        language=translation.get_language() or settings.LANGUAGE_CODE,
        audit_object_type=audit_as.object_type[:60],
        audit_object_id=str(audit_as.object_id)[:64],
        audit_reason=redact(audit_as.reason)[:300],
    )
    if input_content is not None:
        job.input_file.save(f"{job.pk}-{input_name or 'input'}", ContentFile(input_content))
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: Any) -> None:
    from kotopolku.jobs.tasks import run_job

    queued_at = timezone.now()
    Job.objects.filter(pk=job_id).update(enqueued_at=queued_at)
    result = run_job.enqueue(str(job_id))
    Job.objects.filter(pk=job_id, enqueued_at=queued_at).update(task_id=result.id)


class _ProgressWriter:
    """Moves the bar; writes at most once per percent so a tight loop costs few queries."""

    def __init__(self, job: Job):
        self.job_id = job.pk
        self.last = -1

    def __call__(self, percent: int, step: Any = "") -> None:
        percent = max(0, min(99, int(percent)))
        if percent == self.last and not step:
            return
        self.last = percent
        changes: dict[str, Any] = {"progress": percent}
        if step:
            changes["step"] = str(step)[:200]
        Job.objects.filter(pk=self.job_id).update(**changes)


def job_execute(*, job_id: str) -> str:
    """Run one job; the task calls this. Returns the final status.

    Idempotent: a job that already finished (a task delivered twice, a retry after the work was
    done) is left alone. Runs in the requester's language, so the document reads as they asked.
    """
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return job.status if job else "missing"
        if job.status == Job.Status.RUNNING and not _running_too_long(job, timezone.now()):
            return job.status  # a second task of a job queued again: the first one runs it
        job.status = Job.Status.RUNNING
        job.started_at = job.started_at or timezone.now()
        job.attempts += 1
        job.progress = 1
        job.save(update_fields=["status", "started_at", "attempts", "progress"])
    runner = kind(job.kind).runner
    try:
        with translation.override(job.language):
            outcome = runner(job, _ProgressWriter(job))
    except JobRefused as exc:
        _finish(job, status=Job.Status.FAILED, error=str(exc))
        return job.status
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        with translation.override(job.language):
            message = _(
                "The work stopped because of an error in Kotopolku. The administrators can see "
                "the details; try again later."
            )
        _finish(job, status=Job.Status.FAILED, error=message)
        raise
    if isinstance(outcome, JobFile):
        job.result_file.save(
            f"{job.pk}-{outcome.filename}", ContentFile(outcome.content), save=False
        )
        job.result_name = outcome.filename
        job.result_type = outcome.content_type
    else:
        job.summary = outcome
    _finish(job, status=Job.Status.SUCCEEDED)
    return job.status


def job_input(job: Job) -> bytes:
    """The uploaded file a job reads."""
    with job.input_file.open("rb") as handle:
        return handle.read()


def _finish(job: Job, *, status: str, error: str = "") -> None:
    now = timezone.now()
    if job.input_file:
        # The upload may hold personal data (identity codes): it is kept only while needed.
        job.input_file.delete(save=False)
    job.status = status
    job.error = error
    job.finished_at = now
    if status == Job.Status.SUCCEEDED:
        job.progress = 100
        job.step = ""
        job.expires_at = now + _result_ttl()
    job.save()
    job_finished.send_robust(sender=Job, job=job)


def job_download(*, actor: Any, job: Job, path: str = "") -> bytes:
    """The result's bytes, with the same audit row as the direct download of that document."""
    if job.status != Job.Status.SUCCEEDED or not job.result_file:
        raise JobRefused(_("This job has no file to download."))
    with job.result_file.open("rb") as handle:
        content = handle.read()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        object_type=job.audit_object_type or "Job",
        object_id=job.audit_object_id or str(job.pk),
        reason=job.audit_reason or job.kind,
        path=path,
    )
    return content


def jobs_expire(*, now: Any = None) -> int:
    """Delete result files past their expiry (the rows stay, without the file). Count."""
    now = now or timezone.now()
    expired = 0
    for job in Job.objects.filter(expires_at__lte=now).exclude(result_file=""):
        job.result_file.delete(save=False)
        job.result_file = ""
        job.save(update_fields=["result_file"])
        expired += 1
    return expired


def _running_too_long(job: Job, now: Any) -> bool:
    limit = timedelta(minutes=settings.JOB_RUNNING_MAX_MINUTES)
    return job.started_at is not None and job.started_at < now - limit


def jobs_recover(*, now: Any = None) -> tuple[int, int]:
    """Jobs no worker will finish: (queued again, marked failed).

    A job whose task was lost (a worker killed while it held the task) would wait for ever. One
    still waiting JOB_REQUEUE_MINUTES after its task was queued is queued again; the task that
    comes second finds the job running or done and leaves it (`job_execute`). After
    JOB_REQUEUE_MAX tries, and for a job running longer than JOB_RUNNING_MAX_MINUTES (its worker
    died mid-way), the job fails with a message that tells the requester to start it again.
    """
    now = now or timezone.now()
    waited = now - timedelta(minutes=settings.JOB_REQUEUE_MINUTES)
    stuck = Job.objects.filter(status=Job.Status.QUEUED).filter(
        Q(enqueued_at__lt=waited) | Q(enqueued_at__isnull=True, created_at__lt=waited)
    )
    requeued = failed = 0
    for job in stuck:
        if job.requeues >= settings.JOB_REQUEUE_MAX:
            with translation.override(job.language):
                error = _("No worker took this work. Start it again, or ask the administrators.")
            if _fail_unfinished(job, error):
                failed += 1
            continue
        if Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
            requeues=F("requeues") + 1
        ):
            _enqueue(job.pk)
            requeued += 1
    for job in Job.objects.filter(status=Job.Status.RUNNING):
        if _running_too_long(job, now):
            with translation.override(job.language):
                error = _("The work was interrupted before it finished. Start it again.")
            if _fail_unfinished(job, error):
                failed += 1
    return requeued, failed


def _fail_unfinished(job: Job, error: str) -> bool:
    with transaction.atomic():
        current = Job.objects.select_for_update().filter(pk=job.pk).first()
        if current is None or current.is_finished or current.status != job.status:
            return False
        _finish(current, status=Job.Status.FAILED, error=error)
    return True


def schedule_fire(*, name: str, planned_for: Any) -> Any:
    """Enqueue one firing of a schedule, once: a second scheduler's firing is refused by the
    unique (schedule, planned_for) row. Returns the ScheduleRun, or None when already fired."""
    from django.db import IntegrityError

    from kotopolku.jobs.models import ScheduleRun
    from kotopolku.jobs.schedules import by_name

    schedule = by_name(name)
    planned_for = planned_for.replace(second=0, microsecond=0)
    try:
        with transaction.atomic():
            run = ScheduleRun.objects.create(schedule=name, planned_for=planned_for)
    except IntegrityError:
        return None
    with transaction.atomic():  # the database backend's worker sees the task with its run
        result = schedule.enqueue()
        run.task_id = str(result.id)[:64]
        run.save(update_fields=["task_id"])
    _outcome_if_already_finished(run, result)
    return run


def _outcome_if_already_finished(run: Any, result: Any) -> None:
    """A task may finish before its id is stored (run at once, or a fast Redis worker): then
    the worker's signal found no run to update, so read the outcome here."""
    from django_tasks.base import TaskResultStatus

    from kotopolku.jobs.models import ScheduleRun

    with contextlib.suppress(Exception):  # a backend without results: the signal decides
        result.refresh()
    if result.status == TaskResultStatus.SUCCESSFUL:
        outcome = ScheduleRun.Outcome.SUCCEEDED
    elif result.status == TaskResultStatus.FAILED:
        outcome = ScheduleRun.Outcome.FAILED
    else:
        return
    message = ""
    if outcome == ScheduleRun.Outcome.SUCCEEDED:
        try:
            message = str(result.return_value or "")[:2000]
        except ValueError:
            message = ""
    ScheduleRun.objects.filter(pk=run.pk, finished_at__isnull=True).update(
        outcome=outcome, finished_at=timezone.now(), message=message
    )
