"""python manage.py annual_report --region SLUG --year YYYY --language fi|sv
--format html|docx|pdf --output PATH (docs/data-formats.md, "Document commands").

Writes exactly one file and exits 0; bad arguments exit 2 with a one-line message. When the
region has no report record for the year, the report is generated from the data as a draft.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kotopolku.documents.render import FORMATS, render
from kotopolku.governance import selectors
from kotopolku.governance.documents import DOCUMENT_LANGUAGES, annual_report_document
from kotopolku.organisations.models import Region


class Command(BaseCommand):
    help = "Write the annual programme report of a region and a year as HTML, DOCX or PDF."

    def add_arguments(self, parser):
        parser.print_usage = lambda file=None: None  # bad arguments give a one-line message
        parser.add_argument("--region", required=True, help="region slug, e.g. keski-uusimaa")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--language", required=True, choices=DOCUMENT_LANGUAGES)
        parser.add_argument("--format", required=True, choices=FORMATS, dest="fmt")
        parser.add_argument("--output", required=True, type=Path)

    def handle(self, *args, region, year, language, fmt, output, **options):
        found = Region.objects.filter(slug=region, archived=False).first()
        if found is None:
            raise CommandError(f"no region with the slug {region!r}", returncode=2)
        if not 2000 <= year <= 2100:
            raise CommandError("the year must be between 2000 and 2100", returncode=2)
        if not output.parent.exists():
            raise CommandError(f"folder {output.parent} does not exist", returncode=2)
        if output.is_dir():
            raise CommandError(f"{output} is a folder, not a file", returncode=2)
        report = selectors.report_for(region_slug=region, year=year)
        document = annual_report_document(region=found, year=year, language=language, report=report)
        output.write_bytes(render(document, fmt))
        self.stdout.write(f"{output} ({found.slug} {year}, {language}, {fmt})")
