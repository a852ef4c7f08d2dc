"""python manage.py programme_document [--version N] --language fi|sv --format html|docx|pdf
--output PATH (docs/data-formats.md, "Document commands")."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kotopolku.documents.render import FORMATS, render
from kotopolku.programme import selectors
from kotopolku.programme.document import DOCUMENT_LANGUAGES, programme_document
from kotopolku.programme.models import Programme, ProgrammeVersion


class Command(BaseCommand):
    help = "Write the programme document of one version as HTML, DOCX or PDF."

    def add_arguments(self, parser):
        # docs/data-formats.md names the version option --version, which Django's own --version
        # (the Django release) would take; the contract wins for this command.
        parser.conflict_handler = "resolve"
        parser.print_usage = lambda file=None: None  # bad arguments give a one-line message
        parser._optionals.conflict_handler = "resolve"
        parser.add_argument("--version", type=int, dest="number", help="version number")
        parser.add_argument("--language", required=True, choices=DOCUMENT_LANGUAGES)
        parser.add_argument("--format", required=True, choices=FORMATS, dest="fmt")
        parser.add_argument("--output", required=True, type=Path)
        parser.add_argument(
            "--region", default="", help="region slug; needed only when several regions exist"
        )

    def handle(self, *args, number, language, fmt, output, region, **options):
        programmes = Programme.objects.filter(archived=False)
        if region:
            programmes = programmes.filter(region__slug=region)
        programme = programmes.order_by("-period_start", "-pk").first()
        if programme is None:
            raise CommandError("no programme found", returncode=2)
        try:
            version = selectors.document_version(programme=programme, number=number)
        except ProgrammeVersion.DoesNotExist:
            raise CommandError(
                f"programme has no version {number}" if number else "programme has no version",
                returncode=2,
            ) from None
        if not output.parent.exists():
            raise CommandError(f"folder {output.parent} does not exist", returncode=2)
        document = programme_document(version=version, language=language, day=timezone.localdate())
        output.write_bytes(render(document, fmt))
        self.stdout.write(f"{output} (version {version.number}, {language}, {fmt})")
