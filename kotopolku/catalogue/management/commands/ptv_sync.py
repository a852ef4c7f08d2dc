"""`ptv_sync --organisation UUID [--dry-run] [--fixtures DIR]`: read an organisation's services
from the national service catalogue (PTV) and list or apply the changes.

`--fixtures DIR` reads recorded answers (a folder with manifest.json) instead of the network.
Exit status 0 when the run succeeded, 1 when PTV could not be read, 2 on bad arguments.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from kotopolku.catalogue.models import PtvSyncRun
from kotopolku.catalogue.ptv.client import FixtureTransport, PtvError
from kotopolku.catalogue.ptv.sync import changing, sync_organisation


class Command(BaseCommand):
    help = "Synchronise one organisation's services from the national service catalogue (PTV)."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="PTV organisation id (UUID)")
        parser.add_argument("--dry-run", action="store_true", help="list the changes only")
        parser.add_argument("--fixtures", help="folder of recorded answers instead of the network")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **options):
        transport = None
        if options["fixtures"]:
            try:
                transport = FixtureTransport(options["fixtures"])
            except PtvError as exc:
                raise CommandError(str(exc), returncode=2) from exc
        run = sync_organisation(options["organisation"], options["dry_run"], transport=transport)
        if run.status == PtvSyncRun.Status.FAILED:
            raise CommandError(f"PTV: {run.error}", returncode=1)
        changes = changing(run.changes)
        if options["format"] == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "organisation": run.organisation_ptv_id,
                        "dry_run": options["dry_run"],
                        "changes": changes,
                        "kept_local": [c for c in run.changes if c["action"] == "keep_local"],
                    },
                    ensure_ascii=False,
                    indent=1,
                )
            )
            return
        for change in run.changes:
            what = f"{change['kind']} {change['ptv_id']} {change['label']}"
            field = f" {change['field']}" if change["field"] else ""
            new = f": {change['new']}" if change["new"] not in ("", None) else ""
            self.stdout.write(f"{change['action']:<10} {what}{field}{new}")
        verb = "would change" if options["dry_run"] else "changed"
        self.stdout.write(f"{len(changes)} {verb}; run {run.pk}")
