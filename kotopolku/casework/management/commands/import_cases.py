"""`python manage.py import_cases PATH [--dry-run]`: all or nothing (docs/data-formats.md).

The file is read as a stream and stored in batches inside one transaction: memory holds one
batch, the external ids and identity codes seen so far (to name duplicates) and the errors. The
first error stops the writing but not the checking, so that every error of the file is reported;
then the transaction is rolled back and nothing is stored.
"""

import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction

from kotopolku.audit.services import redact
from kotopolku.casework.importing import FileError, References, check_record, read_case_file
from kotopolku.casework.services import IMPORT_BATCH, case_import_batch, case_input
from kotopolku.catalogue.models import ServiceCategory

MAX_SHOWN_ERRORS = 1000


class Progress:
    """A one-line progress bar on a terminal; silent when the output is not a terminal.

    `update(done, records)` moves it to `done` of `total` (bytes read, for the import);
    calling it counts one more item (apply_retention uses it so).
    """

    WIDTH = 30

    def __init__(self, stream, total: int, label: str):
        self.stream, self.total, self.label = stream, max(total, 1), label
        self.enabled = hasattr(stream, "isatty") and stream.isatty()
        self.shown = -1
        self.done = 0

    def __call__(self) -> None:
        self.done += 1
        self.update(self.done, self.done)

    def update(self, done: int, records: int) -> None:
        self.done = done
        if not self.enabled:
            return
        percent = min(100, 100 * done // self.total)
        if percent == self.shown:
            return
        self.shown = percent
        filled = self.WIDTH * percent // 100
        self.stream.write(
            f"\r{self.label} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {percent:3d} % "
            f"{records} record(s)"
        )
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled and self.shown >= 0:
            self.stream.write("\n")
            self.stream.flush()


class Rollback(Exception):
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
            reader = read_case_file(path)
        except FileError as exc:
            raise CommandError(str(exc)) from exc
        refs = References()
        categories = {c.code: c for c in ServiceCategory.objects.all()}
        errors: list[str] = []
        error_count = 0
        counts = {"records": 0, "created": 0, "updated": 0}
        batch: list = []
        progress = Progress(sys.stderr, reader.size, "import")

        def error(message: str) -> None:
            nonlocal error_count
            error_count += 1
            if len(errors) < MAX_SHOWN_ERRORS:
                errors.append(message)

        def flush() -> None:
            if error_count:  # nothing will be stored: only check the rest
                batch.clear()
                return
            cases = [case_input(record) for record in batch]
            try:
                with transaction.atomic():
                    result = case_import_batch(
                        actor=None,
                        cases=cases,
                        classification=refs.classification,
                        categories=categories,
                    )
            except (ValidationError, DatabaseError) as exc:
                # A rule the checks did not foresee: still all or nothing, and still a line.
                message = "; ".join(getattr(exc, "messages", None) or [str(exc)])
                where = "" if len(batch) == 1 else f" (in the batch up to line {batch[-1].line})"
                error(f"line {batch[0].line}: record: {message}{where}")
                batch.clear()
                return
            for index, name, message in result.problems:
                error(f"line {batch[index].line}: {name}: {message}")
            counts["created"] += result.created
            counts["updated"] += result.updated
            batch.clear()

        try:
            with transaction.atomic():
                try:
                    for line, raw in reader:
                        counts["records"] += 1
                        result = check_record(line, raw, refs)
                        if isinstance(result, list):
                            for message in result:
                                error(message)
                        else:
                            batch.append(result)
                            if len(batch) >= IMPORT_BATCH:
                                flush()
                        progress.update(reader.position, counts["records"])
                    flush()
                except FileError as exc:
                    error(str(exc))
                progress.finish()
                if error_count or dry_run:
                    raise Rollback
        except Rollback:
            pass
        if error_count:
            for message in errors:
                self.stderr.write(redact(message))  # a misplaced identity code stays out
            if error_count > len(errors):
                self.stderr.write(f"… and {error_count - len(errors)} more.")
            self.stderr.write(f"{error_count} error(s); nothing was imported.")
            sys.exit(1)
        stored = counts["created"] + counts["updated"]
        if dry_run:
            self.stdout.write(f"{stored} record(s) are valid; dry run, nothing stored.")
            return
        self.stdout.write(
            f"Imported {stored} record(s): {counts['created']} new, {counts['updated']} updated."
        )
