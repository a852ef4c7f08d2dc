"""`python manage.py run_scheduler [--list]`: enqueue the schedules of jobs/schedules.py.

Run exactly one scheduler per deployment (ops/README.md); a second one would find each firing
already recorded and enqueue nothing. Workers (`db_worker`, or `rqworker` with Redis) run the
tasks.
"""

import logging
import signal

from apscheduler.schedulers.blocking import BlockingScheduler
from django.core.management.base import BaseCommand
from django.utils import timezone

from kotopolku.jobs.schedules import SCHEDULES
from kotopolku.jobs.services import schedule_fire

logger = logging.getLogger(__name__)


def _fire(name: str) -> None:
    run = schedule_fire(name=name, planned_for=timezone.now())
    if run is None:
        logger.info("schedule %s: already fired this minute", name)
    else:
        logger.info("schedule %s: task %s queued", name, run.task_id)


class Command(BaseCommand):
    help = "Run the built-in schedules (digest, monitoring, retention, security, publication)."

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="list schedules and next runs")

    def handle(self, *args, **options):
        now = timezone.now()
        for schedule in SCHEDULES:
            next_run = schedule.next_run(now)
            self.stdout.write(
                f"{schedule.name:22} {schedule.cron:14} next {next_run:%Y-%m-%d %H:%M %Z}"
            )
        if options["list"]:
            return
        scheduler = BlockingScheduler(timezone=timezone.get_default_timezone())
        for schedule in SCHEDULES:
            scheduler.add_job(
                _fire,
                trigger=schedule.trigger(),
                args=(schedule.name,),
                id=schedule.name,
                name=schedule.name,
                misfire_grace_time=300,
                coalesce=True,
            )

        def stop(signum, frame):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        self.stdout.write("Scheduler running; Ctrl+C stops it.")
        self.stdout.flush()
        try:
            scheduler.start()
        except KeyboardInterrupt:
            scheduler.shutdown(wait=False)
