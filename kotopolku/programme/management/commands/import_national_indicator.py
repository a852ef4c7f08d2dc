"""`import_national_indicator --indicator ID (--sotkanet|--pxweb) (--file PATH|--url URL) ...`

Brings national figures in as context series beside a programme indicator's own figures.

- Sotkanet: `--file` is a JSON object {"data": [...], "regions": [...], "indicator": {...}}
  (the answers of /json, /regions and /indicators/N), or just the /json array. `--url` reads
  them from the API (base `--url`, default SOTKANET_API_URL) for `--sotkanet-indicator N` and
  `--years 2019-2024`.
- PxWeb: `--file` is a JSON-stat 2.0 dataset; `--url` is the table's address, with the query
  JSON of `--query` POSTed (PxWeb's "save query"), answered in json-stat2. `--table` names the
  table (default: the file or URL).
- `--area CODE` (repeatable) keeps only those areas (municipality codes; PxWeb's KU186 is 186).
- `--gender total|male|female` (Sotkanet, repeatable).
- `--retrieved YYYY-MM-DD`: the retrieval day (default today; a file keeps the day it was saved).

All or nothing. Exit 0 when stored (or listed with --dry-run), 1 when the data is refused,
2 on bad arguments.
"""

import json
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kotopolku.programme import national
from kotopolku.programme.models import Indicator
from kotopolku.programme.services import context_series_import


def _years(text: str) -> list[int]:
    try:
        if "-" in text:
            first, last = (int(p) for p in text.split("-", 1))
            if not (1900 <= first <= last <= 2100):
                raise ValueError
            return list(range(first, last + 1))
        return [int(y) for y in text.split(",")]
    except ValueError as exc:
        raise CommandError(
            f"--years: {text!r} is not 2019-2024 or 2022,2023", returncode=2
        ) from exc


class Command(BaseCommand):
    help = "Import Sotkanet or Statistics Finland figures as context for a programme indicator."
    # Tests replace this with a fake; nothing else reaches the network.
    fetch = staticmethod(national.http_fetch)

    def add_arguments(self, parser):
        parser.add_argument("--indicator", type=int, required=True, help="programme indicator id")
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--sotkanet", action="store_true")
        source.add_argument("--pxweb", action="store_true")
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--file")
        where.add_argument("--url", nargs="?", const="", help="API base or table address")
        parser.add_argument("--sotkanet-indicator", type=int)
        parser.add_argument("--years", default="")
        parser.add_argument("--gender", action="append", choices=["total", "male", "female"])
        parser.add_argument("--query", help="PxWeb query JSON to POST")
        parser.add_argument("--table", default="")
        parser.add_argument("--area", action="append")
        parser.add_argument("--retrieved")
        parser.add_argument("--dry-run", action="store_true")

    def _read_json(self, path: str):
        try:
            return json.loads(Path(path).read_text("utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise CommandError(f"{path}: {exc}", returncode=1) from exc

    def _data(self, options) -> national.NationalData:
        areas = options["area"]
        if options["sotkanet"]:
            if options["file"]:
                bundle = self._read_json(options["file"])
                if isinstance(bundle, list):
                    bundle = {"data": bundle}
            else:
                if not options["sotkanet_indicator"] or not options["years"]:
                    raise CommandError("--url needs --sotkanet-indicator and --years", returncode=2)
                bundle = national.fetch_sotkanet(
                    self.fetch,
                    base_url=options["url"] or settings.SOTKANET_API_URL,
                    indicator=options["sotkanet_indicator"],
                    years=_years(options["years"]),
                    genders=options["gender"] or ["total"],
                )
            return national.read_sotkanet(bundle, areas=areas, genders=options["gender"])
        if options["file"]:
            dataset, url = self._read_json(options["file"]), ""
            table = options["table"] or Path(options["file"]).stem
        else:
            if not options["url"]:
                raise CommandError("--pxweb --url needs the table's address", returncode=2)
            query = self._read_json(options["query"]) if options["query"] else None
            dataset = national.fetch_pxweb(self.fetch, url=options["url"], query=query)
            url = options["url"]
            table = options["table"] or url.rstrip("/").rsplit("/", 1)[-1]
        return national.read_jsonstat(dataset, table=table, url=url, areas=areas)

    def handle(self, *args, **options):
        indicator = Indicator.objects.filter(pk=options["indicator"], archived=False).first()
        if indicator is None:
            raise CommandError(f"no indicator {options['indicator']}", returncode=2)
        retrieved = timezone.localdate()
        if options["retrieved"]:
            try:
                retrieved = date.fromisoformat(options["retrieved"])
            except ValueError as exc:
                raise CommandError("--retrieved: not YYYY-MM-DD", returncode=2) from exc
        try:
            data = self._data(options)
            result = context_series_import(
                actor=None,
                indicator=indicator,
                data=data,
                retrieved_on=retrieved,
                dry_run=options["dry_run"],
            )
        except national.NationalDataError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages), returncode=1) from exc
        verb = "would store" if options["dry_run"] else "stored"
        for series in result.series:
            label = series.title.get("fi", "")
            extra = " ".join(p for p in (series.gender, series.variant) if p)
            self.stdout.write(f"{series.area_code:<6} {label} {extra}".rstrip())
        self.stdout.write(f"{verb} {len(result.series)} series, {result.values} values")
