"""`ptv_export --service ID [--output PATH]`: one catalogue service in PTV's version 11 IN model.

Exit status 0 with valid JSON; 1 when the service lacks what PTV requires (the problems are
listed and nothing is written); 2 on bad arguments.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kotopolku.catalogue.models import Service
from kotopolku.catalogue.ptv.export import service_document, service_problems


class Command(BaseCommand):
    help = "Write a catalogue service as PTV version 11 JSON."

    def add_arguments(self, parser):
        parser.add_argument("--service", type=int, required=True)
        parser.add_argument("--output")

    def handle(self, *args, **options):
        service = Service.objects.filter(pk=options["service"]).first()
        if service is None:
            raise CommandError(f"no service {options['service']}", returncode=2)
        document = service_document(service)
        problems = service_problems(document)
        if problems:
            raise CommandError("; ".join(problems), returncode=1)
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
