"""The schedules that ship with Kotopolku, in code. `manage.py run_scheduler` runs them.

Times are cron expressions in the deployment's time zone (TIME_ZONE, Europe/Helsinki), with
literal weekdays (APScheduler counts weekdays from Monday, cron from Sunday). A schedule only
enqueues its task; a worker runs it, so a slow run never delays the next firing of another.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Schedule:
    name: str
    label: str | Promise
    cron: str
    task: str
    """Dotted path of a django-tasks Task."""
    args: tuple[Any, ...] = field(default=())

    def trigger(self) -> CronTrigger:
        return CronTrigger.from_crontab(self.cron, timezone=settings.TIME_ZONE)

    def next_run(self, now: datetime) -> datetime | None:
        return self.trigger().get_next_fire_time(None, now)

    def enqueue(self) -> Any:
        return import_string(self.task).enqueue(*self.args)


SCHEDULES: list[Schedule] = [
    Schedule(
        name="deadline_digest",
        label=_("Daily deadline digest to case workers"),
        cron="30 6 * * *",
        task="kotopolku.notifications.tasks.deadline_digest",
    ),
    Schedule(
        name="notification_digest",
        label=_("Daily e-mail digest of notifications"),
        cron="0 7 * * *",
        task="kotopolku.notifications.tasks.send_daily_digests",
    ),
    Schedule(
        name="follow_up_due",
        label=_("Follow-up tasks due: remind their owners"),
        cron="15 6 * * *",
        task="kotopolku.notifications.tasks.follow_up_reminders",
    ),
    Schedule(
        name="monitoring",
        label=_("Monthly monitoring of computed indicators"),
        cron="0 3 1 * *",
        task="kotopolku.jobs.tasks.run_command",
        args=("compute_monitoring",),
    ),
    Schedule(
        name="retention",
        label=_("Nightly retention: anonymise closed cases past their period"),
        cron="0 2 * * *",
        task="kotopolku.jobs.tasks.run_command",
        args=("apply_retention",),
    ),
    Schedule(
        name="security_checks",
        label=_("Hourly security checks"),
        cron="5 * * * *",
        task="kotopolku.notifications.tasks.security_checks",
    ),
    Schedule(
        name="publish_programme",
        label=_("Nightly publication of the approved programme document"),
        cron="30 1 * * *",
        task="kotopolku.jobs.tasks.publish_programme",
    ),
    Schedule(
        name="ptv_sync",
        label=_("Nightly read of the national service catalogue (PTV)"),
        cron="15 3 * * *",
        task="kotopolku.catalogue.tasks.ptv_sync_all",
    ),
    Schedule(
        name="statistics_refresh",
        label=_("Statistics: compute again the figures that records have changed since"),
        cron="*/5 * * * *",
        task="kotopolku.statistics.tasks.refresh_summaries",
    ),
    Schedule(
        name="statistics_nightly",
        label=_("Statistics: nightly computation of the standard figures"),
        cron="10 0 * * *",
        task="kotopolku.statistics.tasks.refresh_summaries",
        args=(True,),
    ),
    Schedule(
        name="recover_jobs",
        label=_("Queue again background work that no worker took"),
        cron="*/5 * * * *",
        task="kotopolku.jobs.tasks.recover_jobs",
    ),
    Schedule(
        name="expire_job_results",
        label=_("Delete expired job results"),
        cron="45 * * * *",
        task="kotopolku.jobs.tasks.expire_job_results",
    ),
]


def by_name(name: str) -> Schedule:
    for schedule in SCHEDULES:
        if schedule.name == name:
            return schedule
    raise KeyError(name)
