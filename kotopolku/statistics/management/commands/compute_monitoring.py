"""Monthly: write the monitoring entries of the programme's computed indicators.

    python manage.py compute_monitoring [--period 2025|2025-Q3 ...] [--on YYYY-MM-DD]

Without --period it writes the year and the quarter of the day before --on (default today), so
a run on the first day of each month keeps the year-to-date and quarter figures current.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from kotopolku.statistics.filters import Period
from kotopolku.statistics.services import monitoring_entries_compute, monthly_periods


class Command(BaseCommand):
    help = "Write the monitoring entries of computed programme indicators."

    def add_arguments(self, parser):
        parser.add_argument("--period", action="append", default=[], help="2025 or 2025-Q3")
        parser.add_argument("--on", help="the day of the run, YYYY-MM-DD (default today)")

    def handle(self, *args, **options):
        on = None
        if options["on"]:
            try:
                on = date.fromisoformat(options["on"])
            except ValueError as exc:
                raise CommandError(f"--on: not a date: {options['on']}") from exc
        for text in options["period"]:
            try:
                Period.parse(text)
            except ValueError as exc:
                raise CommandError(f"--period: give 2025 or 2025-Q3, not {text!r}") from exc
        from django.utils import timezone

        on = on or timezone.localdate()
        periods = options["period"] or monthly_periods(on)
        result = monitoring_entries_compute(actor=None, periods=periods, on=on)
        for indicator, period, value in result.written:
            self.stdout.write(f"{period} {indicator.source_reference}: {value} ({indicator.pk})")
        for indicator, period in result.hidden:
            self.stdout.write(
                f"{period} {indicator.source_reference}: not written, too few persons "
                f"({indicator.pk})"
            )
        for indicator in result.unbound:
            self.stderr.write(
                f"indicator {indicator.pk} is computed but bound to no statistics key "
                f"(source reference {indicator.source_reference!r})"
            )
