"""Listen to the task framework: record failures and the outcome of scheduled runs.

The task backends (database or RQ) send `task_started` and `task_finished` from the worker, so
what administrators see does not depend on the backend.
"""

import logging

from django.dispatch import receiver
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks.signals import task_finished, task_started

from kotopolku.jobs.models import ScheduleRun, TaskFailure
from kotopolku.jobs.retry import will_retry

logger = logging.getLogger(__name__)


@receiver(task_started, dispatch_uid="kotopolku.jobs.task_started")
def _started(sender, task_result, **kwargs):
    try:
        ScheduleRun.objects.filter(task_id=task_result.id).update(
            outcome=ScheduleRun.Outcome.RUNNING
        )
    except Exception:
        # Book-keeping must never fail the task itself.
        logger.exception("recording the start of task %s", task_result.id)


@receiver(task_finished, dispatch_uid="kotopolku.jobs.task_finished")
def _finished(sender, task_result, **kwargs):
    try:
        _record_finish(task_result)
    except Exception:
        logger.exception("recording the end of task %s", task_result.id)


def _record_finish(task_result) -> None:
    failed = task_result.status == TaskResultStatus.FAILED
    message = ""
    if failed:
        error = task_result.errors[-1] if task_result.errors else None
        exception = error.exception_class_path if error else ""
        lines = (error.traceback if error else "").strip().splitlines()
        message = lines[-1] if lines else ""
        TaskFailure.objects.create(
            task_name=task_result.task.module_path[:200],
            task_id=str(task_result.id)[:64],
            backend=task_result.backend[:60],
            exception=exception[:200],
            message=message[:2000],
            attempt=int(task_result.kwargs.get("attempt", 1) or 1),
            will_retry=will_retry(
                task_result.task.func, exception, int(task_result.kwargs.get("attempt", 1) or 1)
            ),
        )
    if not failed:
        try:
            message = str(task_result.return_value or "")
        except ValueError:  # not finished after all, or a backend that keeps no value
            message = ""
    ScheduleRun.objects.filter(task_id=task_result.id).update(
        outcome=ScheduleRun.Outcome.FAILED if failed else ScheduleRun.Outcome.SUCCEEDED,
        finished_at=timezone.now(),
        message=message[:2000],
    )
