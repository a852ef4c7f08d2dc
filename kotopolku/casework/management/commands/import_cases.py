"""`python manage.py import_cases PATH [--dry-run]`: all or nothing (DATA-FORMATS.md)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kotopolku.audit.services import redact
from kotopolku.casework.importing import FileError, References, check_record, read_case_file
from kotopolku.casework.services import case_import
from kotopolku.organisations.models import Organisation


class Progress:
    """A one-line progress bar on a terminal; silent when the output is not a terminal."""

    WIDTH = 30

    def __init__(self, stream, total: int, label: str):
        self.stream, self.total, self.label, self.done = stream, max(total, 1), label, 0
        self.enabled = hasattr(stream, "isatty") and stream.isatty()

    def __call__(self) -> None:
        self.done += 1
        if self.enabled and (self.done == self.total or self.done % 25 == 0):
            filled = self.WIDTH * self.done // self.total
            self.stream.write(
                f"\r{self.label} [{'#' * filled}{'.' * (self.WIDTH - filled)}] "
                f"{self.done}/{self.total}"
            )
            self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\n")


class DryRun(Exception):
    pass


class Command(BaseCommand):
    help = "Import clients and their case history from a .jsonl, .csv or .xlsx file."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and store nothing, even if valid."
        )

    def handle(self, *args, path: Path, dry_run: bool, **options):
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            total, rows = read_case_file(path)
        except FileError as exc:
            raise CommandError(str(exc)) from exc
        refs = References(
            municipalities=frozenset(
                Organisation.objects.filter(
                    kind=Organisation.Kind.MUNICIPALITY, archived=False
                ).values_list("municipality_code", flat=True)
            )
        )
        errors: list[str] = []
        records = []
        check = Progress(sys.stderr, total, "check")
        for line, raw in rows:
            result = check_record(line, raw, refs)
            if isinstance(result, list):
                errors.extend(result)
            else:
                records.append(result)
            check()
        check.finish()
        if errors:
            for error in errors:
                self.stderr.write(redact(error))  # a misplaced identity code stays out
            self.stderr.write(f"{len(errors)} error(s); nothing was imported.")
            sys.exit(1)
        store = Progress(sys.stderr, len(records), "import")
        try:
            with transaction.atomic():
                counts = case_import(actor=None, records=records, progress=store)
                if dry_run:
                    raise DryRun
        except DryRun:
            store.finish()
            self.stdout.write(f"{len(records)} record(s) are valid; dry run, nothing stored.")
            return
        except Exception as exc:
            store.finish()
            # A database constraint the checks did not foresee: still all or nothing.
            message = getattr(exc, "message_dict", None) or str(exc)
            self.stderr.write(redact(f"import failed, nothing was imported: {message}"))
            sys.exit(1)
        store.finish()
        self.stdout.write(
            f"Imported {len(records)} record(s): {counts['created']} new, "
            f"{counts['updated']} updated."
        )
