"""Writes of the municipality classification."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import transaction

from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.municipalities.classification import Row
from kotopolku.municipalities.models import Municipality
from kotopolku.municipalities.selectors import forget_names


@transaction.atomic
def classification_refresh(
    *, actor: Any, rows: Iterable[Row], valid_on: date | None = None, complete: bool = True
) -> dict[str, int]:
    """Bring the stored classification up to date with `rows`.

    With `valid_on` (a yearly classification, valid from that day), every code in the file is in
    use on that day: a new code starts then, and a stored code that is no longer in the file ends
    the day before (it was merged away). Validity columns in the rows win over that default.
    `complete=False` only adds and updates (for a partial file, such as a list of mergers).
    """
    rows = list(rows)
    stored = {m.code: m for m in Municipality.objects.all()}
    counts = {"added": 0, "updated": 0, "ended": 0}
    for row in rows:
        municipality = stored.get(row.code)
        if municipality is None:
            municipality = Municipality(code=row.code)
            municipality.valid_from = row.valid_from or (valid_on if stored else None)
            counts["added"] += 1
        else:
            counts["updated"] += 1
            if row.valid_from is not None:
                municipality.valid_from = row.valid_from
        municipality.name_fi = row.name_fi
        municipality.name_sv = row.name_sv
        # Listed without an end: in use (a yearly file lists only the codes in use).
        municipality.valid_until = row.valid_until
        if row.merged_into:
            municipality.merged_into = row.merged_into
        municipality.full_clean()
        municipality.save()
    if complete and valid_on is not None:
        listed = {row.code for row in rows}
        for code, municipality in stored.items():
            if code not in listed and municipality.valid_until is None:
                municipality.valid_until = valid_on - timedelta(days=1)
                municipality.save(update_fields=["valid_until"])
                counts["ended"] += 1
    forget_names()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="MunicipalityClassification",
        reason=f"added {counts['added']}, updated {counts['updated']}, ended {counts['ended']}",
    )
    return counts
