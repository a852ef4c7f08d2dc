"""Background jobs a user started (a document, an upload, an export) and the scheduled runs.

A `Job` is the user-facing record of one piece of long work: who asked, what, how far it has
come, and the result file or summary. The task framework (django-tasks) only runs it; the job row
is what the pages poll, so the same page works whichever task backend is configured.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("done")
        FAILED = "failed", _("failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="jobs",
        verbose_name=_("requested by"),
    )
    kind = models.CharField(_("kind"), max_length=60)
    params = models.JSONField(_("parameters"), default=dict)
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(_("language"), max_length=10, default="fi")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    # An uploaded file the job reads (a spreadsheet); deleted when the job has finished.
    input_file = models.FileField(_("input"), upload_to="job-inputs/%Y/%m/", blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When its task was last queued, and how often it was queued again because no worker took
    # it (a task lost with a worker that died): `jobs_recover`.
    enqueued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    requeues = models.PositiveSmallIntegerField(_("queued again"), default=0)
    result_file = models.FileField(_("result"), upload_to="jobs/%Y/%m/", blank=True)
    result_name = models.CharField(_("file name"), max_length=200, blank=True)
    result_type = models.CharField(_("content type"), max_length=120, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    audit_object_type = models.CharField(max_length=60, blank=True)
    audit_object_id = models.CharField(max_length=64, blank=True)
    audit_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="job_owner_recent")]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="job_progress_percent"),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running"], finished_at__isnull=True)
                | (Q(status__in=["succeeded", "failed"]) & Q(finished_at__isnull=False)),
                name="job_finished_when_done",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


class ScheduleRun(models.Model):
    """One firing of a schedule (jobs/schedules.py): when, which task run, and how it ended.

    (schedule, planned_for) is unique, so a second scheduler process cannot enqueue the same
    firing twice.
    """

    class Outcome(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("done")
        FAILED = "failed", _("failed")

    schedule = models.CharField(_("schedule"), max_length=60)
    planned_for = models.DateTimeField(_("planned for"))
    enqueued_at = models.DateTimeField(_("enqueued"), auto_now_add=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True, db_index=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.QUEUED
    )
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        ordering = ["-planned_for"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "planned_for"], name="schedule_run_once_per_firing"
            )
        ]

    def __str__(self) -> str:
        return f"{self.schedule} {self.planned_for:%Y-%m-%d %H:%M}"


class TaskFailure(models.Model):
    """A task run that raised, whatever the backend: what administrators see under failures."""

    task_name = models.CharField(_("task"), max_length=200)
    task_id = models.CharField(_("task id"), max_length=64)
    backend = models.CharField(_("backend"), max_length=60)
    exception = models.CharField(_("error"), max_length=200)
    message = models.TextField(_("message"), blank=True)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    will_retry = models.BooleanField(_("will be retried"), default=False)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("failed task")
        verbose_name_plural = _("failed tasks")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.task_name} {self.exception}"
