"""`python manage.py export_cases [--municipality CODE] [--external-id ID ...] --output PATH`.

Writes the case file (docs/data-formats.md), one client per line sorted by external id, in the
canonical form of `casework.exporting`, so that a round trip through `import_cases` gives the
same bytes. Each exported client gets an audit row. `--output -` writes to standard output.
"""

import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kotopolku.casework.exporting import export_cases, export_selection
from kotopolku.municipalities.selectors import Classification


class Command(BaseCommand):
    help = "Export clients and their case history as a case file (JSON Lines)."

    def add_arguments(self, parser):
        parser.add_argument("--municipality", default=None, help="Three-digit municipality code.")
        parser.add_argument(
            "--external-id",
            dest="external_ids",
            nargs="+",
            action="extend",
            default=None,
            help="Only these clients (repeatable).",
        )
        parser.add_argument("--output", required=True, help="File to write, or - for stdout.")

    def handle(self, *args, municipality, external_ids, output, **options):
        if municipality is not None and municipality not in Classification.load():
            raise CommandError(f"--municipality: unknown municipality code {municipality!r}")
        selected = export_selection(municipality=municipality, external_ids=external_ids)
        if external_ids:
            missing = sorted(set(external_ids) - set(selected))
            if missing and municipality is None:
                raise CommandError(f"--external-id: no such client: {', '.join(missing)}")
        if output == "-":
            with transaction.atomic():
                export_cases(actor=None, stream=sys.stdout, external_ids=selected)
            return
        target = Path(output)
        if not target.parent.is_dir():
            raise CommandError(f"--output: no such folder: {target.parent}")
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".export-", suffix=".tmp")
        try:
            with (
                transaction.atomic(),
                os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream,
            ):
                count = export_cases(actor=None, stream=stream, external_ids=selected)
            os.replace(temporary, target)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        self.stderr.write(f"Exported {count} client(s) to {target}.")
