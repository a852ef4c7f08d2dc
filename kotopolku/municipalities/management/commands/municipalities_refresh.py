"""`python manage.py municipalities_refresh [PATH] [--valid-from YYYY-MM-DD] [--partial]`.

Without PATH, loads the classification shipped with Kotopolku. With a yearly classification file
of Statistics Finland, give the day it is valid from (1 January of its year): codes missing from
it are marked as ended the day before.
"""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kotopolku.municipalities.classification import (
    SHIPPED,
    ClassificationError,
    read_classification,
)
from kotopolku.municipalities.services import classification_refresh


class Command(BaseCommand):
    help = "Load or refresh Statistics Finland's municipality classification."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, nargs="?", default=None)
        parser.add_argument("--valid-from", dest="valid_from", default=None)
        parser.add_argument(
            "--partial",
            action="store_true",
            help="Only add and update; do not end codes missing from the file.",
        )

    def handle(self, *args, path, valid_from, partial, **options):
        path = path or SHIPPED
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        day = None
        if valid_from:
            try:
                day = date.fromisoformat(valid_from)
            except ValueError as exc:
                raise CommandError(f"--valid-from: not a date: {valid_from}") from exc
        try:
            rows = read_classification(path)
        except ClassificationError as exc:
            raise CommandError(f"{path.name}: {exc}") from exc
        counts = classification_refresh(actor=None, rows=rows, valid_on=day, complete=not partial)
        self.stdout.write(
            f"{counts['added']} added, {counts['updated']} updated, {counts['ended']} ended."
        )
