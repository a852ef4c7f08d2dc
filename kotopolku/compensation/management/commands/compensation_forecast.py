"""`compensation_forecast --municipality CODE --year YYYY [--format json|csv|xlsx] [--output PATH]`

docs/data-formats.md: JSON to standard output unless --output is given; bad arguments exit with
status 2 and a one-line message. A person whose rule has no row on its reference date is listed
under `unresolved` and the run still ends with status 0 (docs/domain.md §5, law over time).
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kotopolku.audit.models import AuditEvent
from kotopolku.compensation import forecast as formats
from kotopolku.compensation.selectors import compensation_forecast, municipality_by_code

BAD_ARGUMENTS = 2


class _OneLineParser(CommandParser):
    def error(self, message):
        if getattr(self, "called_from_command_line", False):
            sys.stderr.write(f"compensation_forecast: {message}\n")
            sys.exit(BAD_ARGUMENTS)
        raise CommandError(message, returncode=BAD_ARGUMENTS)


class Command(BaseCommand):
    help = "Computational compensation forecast of one municipality and year (C1–C6)."

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = _OneLineParser  # same state, a one-line error()
        return parser

    def add_arguments(self, parser):
        parser.add_argument("--municipality", required=True, help="three-digit municipality code")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--format", choices=formats.FORMATS, default="json")
        parser.add_argument("--output", help="file to write; standard output if not given")

    def handle(self, *args, **options):
        code = options["municipality"]
        year = options["year"]
        fmt = options["format"]
        if municipality_by_code(code) is None:
            raise CommandError(f"unknown municipality code {code!r}", returncode=BAD_ARGUMENTS)
        if not 1900 <= year <= 2200:
            raise CommandError(f"year {year} is out of range", returncode=BAD_ARGUMENTS)
        if fmt == "xlsx" and not options["output"]:
            raise CommandError("--format xlsx needs --output PATH", returncode=BAD_ARGUMENTS)
        output = Path(options["output"]) if options["output"] else None
        if output is not None and not output.parent.is_dir():
            raise CommandError(f"no such directory: {output.parent}", returncode=BAD_ARGUMENTS)
        forecast = compensation_forecast(
            actor=None,
            municipality_code=code,
            year=year,
            action=AuditEvent.Action.EXPORT,
            actor_label="manage.py compensation_forecast",
        )
        content = formats.render(forecast, fmt)
        if output is None:
            self.stdout.ending = ""
            self.stdout.write(content.decode("utf-8"))
        else:
            output.write_bytes(content)
