"""Jobs and schedules through the real services, with tasks run where they are queued."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kotopolku.audit.models import AuditEvent
from kotopolku.jobs import registry, services
from kotopolku.jobs.models import Job, ScheduleRun, TaskFailure
from kotopolku.jobs.schedules import SCHEDULES
from kotopolku.notifications.models import Kind, Notification


@pytest.fixture
def kinds():
    """Two job kinds for the tests: one that counts to 100, one that refuses, one that breaks."""

    def counting(job, progress):
        for percent in (20, 40, 60):
            progress(percent, "counting")
        return registry.JobFile(b"1,2,3\n", "count.csv", "text/csv")

    def refusing(job, progress):
        raise registry.JobRefused("Row 3: not a date.")

    def breaking(job, progress):
        raise RuntimeError("bug")

    for name, runner in (("t_count", counting), ("t_refuse", refusing), ("t_break", breaking)):
        registry.job_runner(name, label=name)(runner)
    yield
    for name in ("t_count", "t_refuse", "t_break"):
        registry.KINDS.pop(name)


def _start(user, kind_name, **params):
    return services.job_start(
        actor=user,
        kind_name=kind_name,
        params=params,
        title="Test",
        audit_as=services.AuditAs(object_type="TestExport", object_id=7, reason="test"),
    )


def test_a_job_runs_to_a_file_that_only_its_owner_sees(
    user_for, client_for, kinds, django_capture_on_commit_callbacks
):
    owner = user_for("coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        job = _start(owner, "t_count", n=3)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.progress == 100
    assert job.task_id
    assert job.expires_at > timezone.now()
    # The owner is told in the inbox; no e-mail by default.
    assert Notification.objects.get(recipient=owner, kind=Kind.JOB_FINISHED).params["status"] == (
        "succeeded"
    )
    page = client_for("coordinator").get(reverse("jobs:detail", args=[job.pk]))
    assert page.status_code == 200
    assert "hx-trigger" not in page.content.decode()
    download = client_for("coordinator").get(reverse("jobs:download", args=[job.pk]))
    assert download.content == b"1,2,3\n"
    assert AuditEvent.objects.filter(
        action="export", object_type="TestExport", object_id="7", actor=owner
    ).exists()
    for role in ("caseworker", "viewer", "admin"):
        assert client_for(role).get(reverse("jobs:download", args=[job.pk])).status_code == 404
        assert client_for(role).get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    # Expired: the file goes, the page says so.
    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now())
    assert services.jobs_expire() == 1
    gone = client_for("coordinator").get(reverse("jobs:download", args=[job.pk]))
    assert gone.status_code == 410


def test_a_waiting_job_polls_and_a_second_request_reuses_it(user_for, client_for, kinds):
    owner = user_for("coordinator")
    job = _start(owner, "t_count", n=1)  # not committed in the test: stays queued
    assert _start(owner, "t_count", n=1).pk == job.pk
    assert _start(owner, "t_count", n=2).pk != job.pk
    page = client_for("coordinator").get(reverse("jobs:detail", args=[job.pk]))
    body = page.content.decode()
    assert 'hx-trigger="every 1s"' in body
    assert '<progress class="job-progress" max="100" value="0"' in body
    status = client_for("coordinator").get(
        reverse("jobs:status", args=[job.pk]), HTTP_ACCEPT="application/json"
    )
    assert status.json()["status"] == "queued"


def test_refused_input_fails_with_its_message_and_a_fault_with_a_general_one(
    user_for, kinds, django_capture_on_commit_callbacks
):
    owner = user_for("caseworker")
    with django_capture_on_commit_callbacks(execute=True):
        refused = _start(owner, "t_refuse")
    refused.refresh_from_db()
    assert refused.status == Job.Status.FAILED
    assert refused.error == "Row 3: not a date."
    assert services.job_execute(job_id=str(refused.pk)) == "failed"  # never run twice
    broken = _start(owner, "t_break")
    with pytest.raises(RuntimeError):
        services.job_execute(job_id=str(broken.pk))
    broken.refresh_from_db()
    assert broken.status == Job.Status.FAILED
    assert "Ylläpitäjät näkevät tiedot" in broken.error  # the requester's language (fi)
    assert "bug" not in broken.error


def test_the_worker_signal_records_failures_and_schedule_outcomes(db):
    from django_tasks.signals import task_finished

    from kotopolku.notifications.tasks import send_mail_task

    ScheduleRun.objects.create(schedule="retention", planned_for=timezone.now(), task_id="t-1")

    class Error:
        exception_class_path = "smtplib.SMTPServerDisconnected"
        traceback = "Traceback ...\nsmtplib.SMTPServerDisconnected: down"

    class Result:
        id = "t-1"
        status = "FAILED"
        errors = [Error()]
        task = send_mail_task
        backend = "default"
        kwargs = {"attempt": 2}

    task_finished.send(sender=object, task_result=Result())
    failure = TaskFailure.objects.get()
    assert failure.task_name.endswith("send_mail_task")
    assert failure.attempt == 2
    assert failure.will_retry
    assert failure.message == "smtplib.SMTPServerDisconnected: down"
    assert ScheduleRun.objects.get().outcome == ScheduleRun.Outcome.FAILED


def test_schedules_fire_once_and_show_to_administrators(
    client_for, django_capture_on_commit_callbacks
):
    now = timezone.now()
    run = services.schedule_fire(name="expire_job_results", planned_for=now)
    assert run is not None
    assert run.task_id
    assert services.schedule_fire(name="expire_job_results", planned_for=now) is None
    run.refresh_from_db()
    assert run.outcome == ScheduleRun.Outcome.SUCCEEDED  # run at once in tests
    page = client_for("admin").get(reverse("jobs:schedules")).content.decode()
    for schedule in SCHEDULES:
        assert schedule.cron in page
    assert {s.name for s in SCHEDULES} >= {
        "deadline_digest",
        "monitoring",
        "retention",
        "security_checks",
        "publish_programme",
    }
    assert client_for("coordinator").get(reverse("jobs:schedules")).status_code == 403


def test_a_job_whose_task_was_lost_is_queued_again_and_one_that_will_not_finish_fails(
    user_for, kinds, settings
):
    """A worker killed while holding a task loses it; the recovery schedule runs it again."""
    settings.JOB_REQUEUE_MAX = 2
    owner = user_for("coordinator")
    lost = _start(owner, "t_count", n=1)  # not committed in the test: its task never ran
    assert lost.status == Job.Status.QUEUED
    now = timezone.now()
    # Still within the wait: left alone.
    assert services.jobs_recover(now=now) == (0, 0)
    later = now + timedelta(minutes=settings.JOB_REQUEUE_MINUTES + 1)
    assert services.jobs_recover(now=later) == (1, 0)
    lost.refresh_from_db()
    assert lost.status == Job.Status.SUCCEEDED  # queued again, and this time it ran
    assert lost.requeues == 1
    assert lost.task_id

    # A job no worker ever takes is tried JOB_REQUEUE_MAX times, then fails with a message.
    never = _start(owner, "t_count", n=2)
    Job.objects.filter(pk=never.pk).update(requeues=settings.JOB_REQUEUE_MAX)
    assert services.jobs_recover(now=later) == (0, 1)
    never.refresh_from_db()
    assert never.status == Job.Status.FAILED
    assert "Käynnistä" in never.error  # the requester's language

    # A job running past its limit was interrupted; one running for a short while is left.
    running = _start(owner, "t_count", n=3)
    Job.objects.filter(pk=running.pk).update(status=Job.Status.RUNNING, started_at=now)
    assert services.job_execute(job_id=str(running.pk)) == "running"  # a second task: skipped
    assert services.jobs_recover(now=now + timedelta(minutes=5)) == (0, 0)
    too_long = now + timedelta(minutes=settings.JOB_RUNNING_MAX_MINUTES + 1)
    assert services.jobs_recover(now=too_long) == (0, 1)
    running.refresh_from_db()
    assert running.status == Job.Status.FAILED
    assert running.finished_at is not None
