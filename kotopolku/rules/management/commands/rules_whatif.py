"""`rules_whatif --draft PATH --municipality CODE --year YYYY [--on YYYY-MM-DD]
[--format json|csv|xlsx] [--output PATH]` (docs/data-formats.md).

Previews a draft of rule rows against the live rule table and changes nothing: the draft is
applied to an in-memory copy of the book (`RuleBook.with_draft`). Bad arguments or a bad draft
(unknown key, bad value, bad date) exit with status 2 and a one-line message.

A command is an entry point, like a URL conf: it wires the rule layer's comparison to the
domain functions `compensation.selectors.forecast` and `casework.selectors.deadlines`.
"""

import re
import sys
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kotopolku.audit.labels import audit_summary
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.compensation.selectors import municipality_by_code
from kotopolku.rules import whatif
from kotopolku.rules.book import DraftError, RuleBook, parse_draft
from kotopolku.rules.previews import whatif_compute

BAD_ARGUMENTS = 2


class _OneLineParser(CommandParser):
    def error(self, message):
        if getattr(self, "called_from_command_line", False):
            sys.stderr.write(f"rules_whatif: {message}\n")
            sys.exit(BAD_ARGUMENTS)
        raise CommandError(message, returncode=BAD_ARGUMENTS)


def _bad(message: str) -> CommandError:
    return CommandError(" ".join(message.split()), returncode=BAD_ARGUMENTS)


class Command(BaseCommand):
    help = "Preview a draft change of the rule table: forecast and deadlines, now and under it."

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = _OneLineParser  # same state, a one-line error()
        return parser

    def add_arguments(self, parser):
        parser.add_argument("--draft", required=True, help="JSON file {title, rows: [...]}")
        parser.add_argument("--municipality", required=True, help="three-digit municipality code")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--on", help="YYYY-MM-DD for the deadlines; today if not given")
        parser.add_argument("--format", choices=whatif.FORMATS, default="json")
        parser.add_argument("--output", help="file to write; standard output if not given")

    def handle(self, *args, **options):
        code, year, fmt = options["municipality"], options["year"], options["format"]
        if municipality_by_code(code) is None:
            raise _bad(f"unknown municipality code {code!r}")
        if not 1900 <= year <= 2200:
            raise _bad(f"year {year} is out of range")
        on = timezone.localdate()
        if options["on"]:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", options["on"]):
                raise _bad(f"--on: not a date YYYY-MM-DD: {options['on']}")
            try:
                on = date.fromisoformat(options["on"])
            except ValueError as exc:
                raise _bad(f"--on: not a date YYYY-MM-DD: {options['on']}") from exc
        if fmt == "xlsx" and not options["output"]:
            raise _bad("--format xlsx needs --output PATH")
        output = Path(options["output"]) if options["output"] else None
        if output is not None and not output.parent.is_dir():
            raise _bad(f"no such directory: {output.parent}")

        live = RuleBook.load()
        try:
            text = Path(options["draft"]).read_bytes()
        except OSError as exc:
            raise _bad(f"--draft: cannot read {options['draft']}: {exc.strerror}") from exc
        try:
            title, rows = parse_draft(whatif.load_draft_json(text), live)
            draft = live.with_draft(rows, source=title or "draft")
        except (DraftError, ValueError) as exc:
            raise _bad(f"draft: {exc}") from exc

        result = whatif_compute(
            municipality_codes=[code], year=year, on=on, title=title, live=live, draft=draft
        )
        audit_record(
            actor=None,
            actor_label="manage.py rules_whatif",
            action=AuditEvent.Action.EXPORT,
            object_type="RulesWhatIf",
            object_id=f"{code}:{year}",
            details=audit_summary(
                "counts", persons=result.persons_counted, clients=result.clients_compared
            ),
        )
        content = whatif.render(result.preview, fmt)
        if output is None:
            self.stdout.ending = ""
            self.stdout.write(content.decode("utf-8"))
        else:
            output.write_bytes(content)
