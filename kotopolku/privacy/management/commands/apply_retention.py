"""`python manage.py apply_retention [--dry-run] [--on YYYY-MM-DD]`

Lists (dry run) or anonymises the clients whose case closed more than N years before the day,
N being the rule `retention_years_after_close`. Writes one audit summary row either way.
"""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kotopolku.casework.management.commands.import_cases import Progress
from kotopolku.privacy.services import retention_apply
from kotopolku.rules.selectors import RuleMissing


class Command(BaseCommand):
    help = "Anonymise clients whose case closed more than the retention period ago."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List, change nothing.")
        parser.add_argument("--on", help="The day to apply the rule on (YYYY-MM-DD); today.")
        parser.add_argument("--format", choices=("text", "json"), default="text")

    def handle(self, *args, **options):
        on = timezone.localdate()
        if options["on"]:
            try:
                on = date.fromisoformat(options["on"])
            except ValueError as exc:
                raise CommandError("--on must be a date in the form YYYY-MM-DD") from exc
        bar: Progress | None = None

        def progress(done: int, total: int) -> None:
            nonlocal bar
            if bar is None:
                bar = Progress(self.stdout._out, total, "anonymising")
            while bar.done < done:
                bar()

        try:
            summary = retention_apply(
                actor=None, on=on, dry_run=options["dry_run"], progress=progress
            )
        except RuleMissing as exc:
            raise CommandError(str(exc)) from exc
        if bar is not None:
            bar.finish()
        if options["format"] == "json":
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
            return
        verb = "would anonymise" if summary["dry_run"] else "anonymised"
        for row in summary["clients"]:
            self.stdout.write(f"{row['external_id']}\tclosed {row['closed_at']}")
        self.stdout.write(
            f"{summary['due']} clients past retention ({summary['retention_years']} years after "
            f"close) on {summary['on']}; {verb} "
            f"{summary['due'] if summary['dry_run'] else summary['anonymised']}."
        )
