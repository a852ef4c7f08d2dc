"""Writing case files (docs/data-formats.md `export_cases`): the canonical form of a client.

Canonical form, so that import → export → import → export gives the same bytes:
- one JSON object per line, UTF-8 (not \\u-escaped, except U+0085, U+2028 and U+2029, which
  some readers take for line breaks), `json.dumps` default separators, "\\n";
- clients sorted by external id (by code point, the same on every database);
- every field of `importing.TOP_KEYS` in that order, on every line; a missing optional value is
  `null` (names the import had to invent are `null` again);
- periods by start; languages mother tongue first, then by code; assessments by start; plans by
  start and end; reviews by day; services and extensions in the order they were recorded;
- nested objects always carry all their keys, with `null` for a missing value.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date
from typing import IO, Any

from django.db.models import Prefetch, Q

from kotopolku.audit.models import AuditEvent
from kotopolku.casework.importing import UNKNOWN_NAME
from kotopolku.casework.models import IntegrationPlan
from kotopolku.clients import identity
from kotopolku.clients.models import Client, HomeMunicipalityPeriod
from kotopolku.common.middleware import current_request_id

CHUNK = 500


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def case_record(client: Client) -> dict[str, Any]:
    """The case-file record of a client whose periods, languages, assessments and plans (with
    services, reviews and extensions) are prefetched."""
    hetu = identity.decrypt(client.hetu_encrypted) if client.hetu_encrypted else None
    periods = sorted(client.home_periods.all(), key=lambda p: (p.start, p.pk))
    languages = sorted(client.languages.all(), key=lambda lang: (not lang.mother_tongue, lang.code))
    assessments = sorted(client.assessments.all(), key=lambda a: (a.started, a.pk))
    plans = sorted(client.plans.all(), key=lambda p: (p.start, p.end, p.pk))
    record = {
        "external_id": client.external_id,
        "first_names": None if client.first_names == UNKNOWN_NAME else client.first_names,
        "last_name": None if client.last_name == UNKNOWN_NAME else client.last_name,
        "hetu": hetu,
        "date_of_birth": _day(client.date_of_birth),
        "permit_basis": client.permit_basis,
        "first_permit_date": _day(client.first_permit_date),
        "arrival_date": _day(client.arrival_date),
        "citizenship_date": _day(client.citizenship_date),
        "client_since": _day(client.client_since),
        "home_municipality_periods": [
            {"municipality": p.municipality_code, "start": _day(p.start), "end": _day(p.end)}
            for p in periods
        ],
        "jobseeker": client.jobseeker,
        "languages": [
            {"code": lang.code, "level": lang.level or None, "mother_tongue": lang.mother_tongue}
            for lang in languages
        ],
        "assessments": [
            {
                "started": _day(a.started),
                "completed": _day(a.completed),
                "multi_agency": a.multi_agency,
                "plan_needed": a.plan_needed,
            }
            for a in assessments
        ],
        "plans": [
            {
                "start": _day(p.start),
                "end": _day(p.end),
                "services": [
                    {
                        "category": s.category_id,
                        "referred": _day(s.referred),
                        "started": _day(s.started),
                    }
                    for s in sorted(p.services.all(), key=lambda s: s.pk)
                ],
                "reviews": sorted(_day(r.day) for r in p.reviews.all()),
                "extensions": [
                    {"months": e.months, "reason": e.reason or None, "note": e.note or None}
                    for e in sorted(p.extensions.all(), key=lambda e: e.pk)
                ],
            }
            for p in plans
        ],
    }
    return record


# Characters that some line readers (str.splitlines) take for line breaks: escaped, so that a
# case file always has exactly one record per "\n"-separated line.
_LINE_BREAKS = str.maketrans({"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def case_line(client: Client) -> str:
    return json.dumps(case_record(client), ensure_ascii=False).translate(_LINE_BREAKS) + "\n"


def export_selection(
    *, municipality: str | None = None, external_ids: Iterable[str] | None = None
) -> list[str]:
    """External ids to export, sorted by code point. A municipality selects the clients who
    live or lived there (any home-municipality period) and those it is responsible for."""
    rows = Client.objects.filter(archived=False)
    if municipality:
        rows = rows.filter(
            Q(
                pk__in=HomeMunicipalityPeriod.objects.filter(municipality_code=municipality).values(
                    "client_id"
                )
            )
            | Q(responsible_organisation__municipality_code=municipality)
        )
    if external_ids is not None:
        rows = rows.filter(external_id__in=list(external_ids))
    return sorted(rows.values_list("external_id", flat=True))


def _clients(external_ids: list[str]) -> Iterator[Client]:
    plans = IntegrationPlan.objects.prefetch_related("services", "reviews", "extensions")
    for start in range(0, len(external_ids), CHUNK):
        chunk = external_ids[start : start + CHUNK]
        rows = Client.objects.filter(external_id__in=chunk).prefetch_related(
            "home_periods", "languages", "assessments", Prefetch("plans", queryset=plans)
        )
        by_id = {c.external_id: c for c in rows}
        for external_id in chunk:
            yield by_id[external_id]


def export_cases(
    *, actor: Any, stream: IO[str], external_ids: list[str], reason: str = "export_cases"
) -> int:
    """Write the case file of `external_ids` (already sorted) to `stream`; one audit row of
    action `export` per client. Returns the number of clients written."""
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    written = 0
    audit: list[AuditEvent] = []
    for client in _clients(external_ids):
        stream.write(case_line(client))
        written += 1
        audit.append(
            AuditEvent(
                actor=user,
                actor_label=user.get_username() if user else "",
                action=AuditEvent.Action.EXPORT,
                object_type="Client",
                object_id=str(client.pk),
                client_id=client.pk,
                reason=reason,
                request_id=current_request_id(),
            )
        )
        if len(audit) >= CHUNK:
            AuditEvent.objects.bulk_create(audit)
            audit = []
    AuditEvent.objects.bulk_create(audit)
    return written
