"""Synthetic integration work for benchmarks (never for a production database).

    python manage.py generate_synthetic --clients N [--seed S] [--end YYYY-MM-DD] [--years 3]

Needs the demo region (`seed_demo --clients 0`); the same seed gives the same data.
"""

import sys
import time
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kotopolku.statistics.synthetic import generate


class Command(BaseCommand):
    help = "Add N synthetic clients with three years of integration work (benchmarks only)."

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, required=True)
        parser.add_argument("--seed", type=int, default=681)
        parser.add_argument("--end", default="2025-12-31", help="the last day of the data")
        parser.add_argument("--years", type=int, default=3)
        parser.add_argument(
            "--force", action="store_true", help="allow it with DEBUG off (never in production)"
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("refusing synthetic data with DEBUG off; give --force if meant")
        if options["clients"] < 1:
            raise CommandError("--clients must be at least 1")
        try:
            end = date.fromisoformat(options["end"])
        except ValueError as exc:
            raise CommandError(f"--end: not a date: {options['end']}") from exc
        started = time.perf_counter()

        def progress(done: int) -> None:
            if sys.stderr.isatty():
                sys.stderr.write(f"\r{done}/{options['clients']} clients")
                sys.stderr.flush()

        try:
            result = generate(
                clients=options["clients"],
                seed=options["seed"],
                end=end,
                years=options["years"],
                progress=progress,
            )
        except (LookupError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        _analyse()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"{result['clients']} clients, {result['related_rows']} related rows in {elapsed:.1f} s"
        )


def _analyse() -> None:
    """After a bulk load, PostgreSQL's planner statistics and visibility map describe the tables
    as they were before it until autovacuum looks (or never, where it is off): the worklist and
    the statistics were then planned as for empty tables (bench/README.md, the worklist)."""
    from django.db import connection

    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
