"""Scheduled task of the statistics app (listed in jobs/schedules.py): keeping the summary table
of the indicators current (`statistics.summaries`, docs/adr/0010-statistics-summary-table.md)."""

from django_tasks import task

from kotopolku.statistics import summaries


@task()
def refresh_summaries(full: bool = False) -> str:
    """Every few minutes the stale stored tables; nightly (`full`) also every standard view
    and the pruning of tables nobody has read for a month."""
    return summaries.refresh_summaries(full=full).text()
