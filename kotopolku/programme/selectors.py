"""Reads of the programme: lists, the content snapshot that approval freezes, comparison.

The content of a version is one JSON-able dict (`programme_content`). A draft or submitted
version shows the live data; an approved or superseded version shows what was frozen when it
was approved. The document and the comparison read only this dict, so an approved document
never changes when the catalogue or the plan changes afterwards.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from kotopolku.catalogue.models import Service, ServiceCategory, ServiceChannel
from kotopolku.programme.models import (
    ContextSeries,
    ContextValue,
    Decision,
    Goal,
    Indicator,
    Measure,
    MonitoringEntry,
    PolicyLine,
    Programme,
    ProgrammeVersion,
)

LANGS = ("fi", "sv", "en")
CONTENT_FORMAT = 1


def tr(obj: Any, name: str) -> dict[str, str]:
    return {code: getattr(obj, f"{name}_{code}", None) or "" for code in LANGS}


def _org(org) -> dict[str, Any] | None:
    if org is None:
        return None
    return {"id": org.pk, "kind": org.kind, "code": org.municipality_code, "name": tr(org, "name")}


def _num(value) -> str | None:
    return None if value is None else str(value)


# ---------------------------------------------------------------- lists and details


def programme_list(*, search: str = "") -> QuerySet[Programme]:
    rows = Programme.objects.filter(archived=False).select_related("region")
    if search:
        rows = rows.filter(Q(name_fi__icontains=search) | Q(name_sv__icontains=search))
    return rows.prefetch_related(
        Prefetch("versions", queryset=ProgrammeVersion.objects.order_by("-number"))
    ).order_by("-period_start", "name_fi")


def programme_detail(*, pk: int) -> Programme:
    return (
        Programme.objects.filter(archived=False)
        .select_related("region")
        .prefetch_related("municipalities", "parties")
        .get(pk=pk)
    )


def version_list(*, programme: Programme) -> QuerySet[ProgrammeVersion]:
    return programme.versions.prefetch_related("decisions").order_by("-number")


def version_detail(*, programme: Programme, number: int) -> ProgrammeVersion:
    return ProgrammeVersion.objects.select_related("programme__region").get(
        programme=programme, number=number
    )


def open_version(*, programme: Programme) -> ProgrammeVersion | None:
    return programme.versions.filter(
        status__in=[ProgrammeVersion.Status.DRAFT, ProgrammeVersion.Status.SUBMITTED]
    ).first()


def latest_approved(*, programme: Programme) -> ProgrammeVersion | None:
    return (
        programme.versions.filter(status=ProgrammeVersion.Status.APPROVED)
        .order_by("-number")
        .first()
    )


def document_version(*, programme: Programme, number: int | None = None) -> ProgrammeVersion:
    """The version a document is made of: the given number, else the latest approved one,
    else the open draft (docs/data-formats.md "Document commands")."""
    if number is not None:
        return version_detail(programme=programme, number=number)
    version = latest_approved(programme=programme) or open_version(programme=programme)
    if version is None:
        raise ProgrammeVersion.DoesNotExist("the programme has no version")
    return version


def policy_lines(*, programme: Programme) -> QuerySet[PolicyLine]:
    return (
        PolicyLine.objects.filter(programme=programme, archived=False)
        .select_related("municipality")
        .order_by("municipality__name_fi", "number")
    )


def goals(*, programme: Programme) -> QuerySet[Goal]:
    return (
        Goal.objects.filter(programme=programme, archived=False)
        .prefetch_related(
            "policy_lines",
            "services",
            Prefetch(
                "measures",
                queryset=Measure.objects.filter(archived=False)
                .select_related("responsible_organisation")
                .prefetch_related("services")
                .order_by("starts", "id"),
            ),
            Prefetch(
                "indicators",
                queryset=Indicator.objects.filter(archived=False)
                .prefetch_related(
                    Prefetch("entries", queryset=MonitoringEntry.objects.order_by("period")),
                    Prefetch(
                        "context_series",
                        queryset=ContextSeries.objects.prefetch_related(
                            Prefetch("values", queryset=ContextValue.objects.order_by("period"))
                        ),
                    ),
                )
                .order_by("id"),
            ),
        )
        .order_by("number")
    )


def goal_detail(*, programme: Programme, pk: int) -> Goal:
    return goals(programme=programme).get(pk=pk)


def measure_detail(*, programme: Programme, pk: int) -> Measure:
    return Measure.objects.select_related("goal").get(
        pk=pk, goal__programme=programme, archived=False
    )


def indicator_detail(*, programme: Programme, pk: int) -> Indicator:
    return (
        Indicator.objects.select_related("goal")
        .prefetch_related(Prefetch("entries", queryset=MonitoringEntry.objects.order_by("period")))
        .get(pk=pk, goal__programme=programme, archived=False)
    )


def decisions(*, programme: Programme) -> QuerySet[Decision]:
    return (
        Decision.objects.filter(programme=programme, archived=False)
        .select_related("version", "organisation")
        .order_by("date", "id")
    )


# ---------------------------------------------------------------- content snapshot


def _services(day: date) -> list[dict[str, Any]]:
    # Services in force on the day or starting later: a programme describes its whole period.
    rows = (
        Service.objects.filter(archived=False)
        .filter(Q(active_to__isnull=True) | Q(active_to__gte=day))
        .select_related("category", "responsible_organisation")
        .prefetch_related(
            "languages",
            "municipalities",
            "cooperating_organisations",
            Prefetch("channels", queryset=ServiceChannel.objects.order_by("kind", "id")),
        )
        .order_by("category__order", "name_fi", "id")
    )
    return [
        {
            "id": s.pk,
            "name": tr(s, "name"),
            "description": tr(s, "description"),
            "category": s.category_id,
            "responsible": _org(s.responsible_organisation),
            "cooperating": [_org(o) for o in s.cooperating_organisations.all()],
            "municipalities": [_org(o) for o in s.municipalities.all()],
            "target_groups": list(s.target_groups),
            "languages": [row.code for row in s.languages.all()],
            "channels": [
                {"kind": c.kind, "value": c.value, "details": tr(c, "details")}
                for c in s.channels.all()
            ],
            "capacity": s.capacity,
            "active_from": s.active_from.isoformat(),
            "active_to": s.active_to.isoformat() if s.active_to else None,
            "ptv_id": s.ptv_id,
        }
        for s in rows
    ]


# Extra parts of the content from apps that depend on the programme (governance's working
# groups): key -> provider(programme, day) returning JSON-able data. See document.register_section.
CONTENT_PROVIDERS: dict[str, Callable[[Programme, date], Any]] = {}


def register_content(key: str, provider: Callable[[Programme, date], Any]) -> None:
    CONTENT_PROVIDERS[key] = provider


def programme_content(*, programme: Programme, day: date) -> dict[str, Any]:
    """The live content of the programme, as approval would freeze it on `day`."""
    programme = programme_detail(pk=programme.pk)
    extra = {key: provider(programme, day) for key, provider in CONTENT_PROVIDERS.items()}
    return extra | {
        "format": CONTENT_FORMAT,
        "as_of": day.isoformat(),
        "programme": {
            "name": tr(programme, "name"),
            "description": tr(programme, "description"),
            "period_start": programme.period_start,
            "period_end": programme.period_end,
            "region": tr(programme.region, "name"),
            "municipalities": [_org(o) for o in programme.municipalities.order_by("name_fi")],
            "parties": [_org(o) for o in programme.parties.order_by("kind", "name_fi")],
        },
        "categories": [
            {
                "code": c.code,
                "name": tr(c, "name"),
                "statutory": c.statutory,
                "statutory_item": c.statutory_item,
            }
            for c in ServiceCategory.objects.order_by("order", "code")
        ],
        "services": _services(day),
        "policy_lines": [
            {
                "id": line.pk,
                "municipality": _org(line.municipality),
                "number": line.number,
                "title": tr(line, "title"),
                "text": tr(line, "text"),
            }
            for line in policy_lines(programme=programme)
        ],
        "goals": [
            {
                "id": g.pk,
                "number": g.number,
                "title": tr(g, "title"),
                "description": tr(g, "description"),
                "welfare_plan": g.welfare_plan,
                "policy_lines": sorted(p.pk for p in g.policy_lines.all()),
                "services": sorted(s.pk for s in g.services.all()),
                "measures": [
                    {
                        "id": m.pk,
                        "title": tr(m, "title"),
                        "description": tr(m, "description"),
                        "responsible_unit": tr(m, "responsible_unit"),
                        "responsible": _org(m.responsible_organisation),
                        "starts": m.starts.isoformat(),
                        "ends": m.ends.isoformat() if m.ends else None,
                        "status": m.status,
                        "operating_plan": m.operating_plan,
                        "operating_plan_url": m.operating_plan_url,
                        "services": sorted(s.pk for s in m.services.all()),
                    }
                    for m in g.measures.all()
                ],
                "indicators": [
                    {
                        "id": i.pk,
                        "name": tr(i, "name"),
                        "definition": tr(i, "definition"),
                        "unit": tr(i, "unit"),
                        "baseline": _num(i.baseline),
                        "baseline_year": i.baseline_year,
                        "target": _num(i.target),
                        "target_year": i.target_year,
                        "direction": i.direction,
                        "source": i.source,
                        "source_reference": i.source_reference,
                        "welfare_plan": i.welfare_plan,
                        "entries": [
                            {"period": e.period, "value": str(e.value), "comment": e.comment}
                            for e in i.entries.all()
                        ],
                        "context": [context_series_content(c) for c in i.context_series.all()],
                    }
                    for i in g.indicators.all()
                ],
            }
            for g in goals(programme=programme)
        ],
    }


def context_series_content(series: ContextSeries) -> dict[str, Any]:
    """A national series beside an indicator, as the programme content and documents carry it."""
    return {
        "source": series.source,
        "source_reference": series.source_reference,
        "title": series.title,
        "area_code": series.area_code,
        "area_name": series.area_name,
        "gender": series.gender,
        "variant": series.variant,
        "unit": series.unit,
        "url": series.url,
        "retrieved_on": series.retrieved_on.isoformat(),
        "values": [{"period": v.period, "value": str(v.value)} for v in series.values.all()],
    }


def comparison_rows(indicator: dict[str, Any]) -> list[dict[str, Any]]:
    """The indicator's own figures and its national series side by side, one row per period:
    `{"period": "2023", "own": "12.00" | None, "context": ["10.8000" | None, ...]}`."""
    own = {e["period"]: e["value"] for e in indicator.get("entries", [])}
    series = [{v["period"]: v["value"] for v in c["values"]} for c in indicator.get("context", [])]
    periods = sorted(set(own).union(*series)) if series else sorted(own)
    return [
        {"period": p, "own": own.get(p), "context": [s.get(p) for s in series]} for p in periods
    ]


def version_content(*, version: ProgrammeVersion, day: date) -> dict[str, Any]:
    """Frozen content for an approved or superseded version, live content otherwise."""
    if version.content is not None:
        return version.content
    return programme_content(programme=version.programme, day=day)


def approval_history(*, version: ProgrammeVersion) -> list[dict[str, Any]]:
    """Versions up to this one, each with its decisions, oldest first."""
    rows = (
        ProgrammeVersion.objects.filter(programme=version.programme, number__lte=version.number)
        .prefetch_related(
            Prefetch("decisions", queryset=Decision.objects.filter(archived=False).order_by("date"))
        )
        .order_by("number")
    )
    return [
        {
            "number": v.number,
            "status": v.status,
            "approved_at": v.approved_at,
            "decisions": [
                {
                    "body": tr(d, "body"),
                    "date": d.date,
                    "section": d.section,
                    "text": tr(d, "text"),
                    "appointments": tr(d, "appointments"),
                }
                for d in v.decisions.all()
            ],
        }
        for v in rows
    ]


# ---------------------------------------------------------------- comparison


@dataclass
class Change:
    kind: str  # service, goal, measure, indicator, policy_line
    change: str  # added, removed, changed
    name: dict[str, str]
    fields: list[str] = field(default_factory=list)


def _index(content: dict[str, Any]) -> dict[tuple[str, int], dict[str, Any]]:
    rows: dict[tuple[str, int], dict[str, Any]] = {}
    for s in content.get("services", []):
        rows[("service", s["id"])] = s
    for p in content.get("policy_lines", []):
        rows[("policy_line", p["id"])] = p
    for g in content.get("goals", []):
        rows[("goal", g["id"])] = {
            k: v for k, v in g.items() if k not in ("measures", "indicators")
        }
        for m in g.get("measures", []):
            rows[("measure", m["id"])] = m
        for i in g.get("indicators", []):
            rows[("indicator", i["id"])] = {
                k: v for k, v in i.items() if k not in ("entries", "context")
            }
    return rows


def _name(row: dict[str, Any]) -> dict[str, str]:
    for key in ("name", "title"):
        if key in row:
            return row[key]
    return {code: "" for code in LANGS}


KIND_ORDER = ("service", "policy_line", "goal", "measure", "indicator")


def compare_contents(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """What changed between two contents, by service, policy line, goal, measure, indicator."""
    before, after = _index(old), _index(new)
    changes: list[Change] = []
    for key in sorted(before.keys() | after.keys(), key=lambda k: (KIND_ORDER.index(k[0]), k[1])):
        kind = key[0]
        if key not in before:
            changes.append(Change(kind, "added", _name(after[key])))
        elif key not in after:
            changes.append(Change(kind, "removed", _name(before[key])))
        else:
            differing = sorted(
                name
                for name in before[key].keys() | after[key].keys()
                if before[key].get(name) != after[key].get(name)
            )
            if differing:
                changes.append(Change(kind, "changed", _name(after[key]), differing))
    return changes


def indicators_with_context() -> QuerySet[Indicator]:
    """Indicators that have national series beside them, for the statistics dashboard."""
    return (
        Indicator.objects.filter(archived=False, context_series__isnull=False)
        .distinct()
        .select_related("goal", "goal__programme")
        .prefetch_related(
            Prefetch("entries", queryset=MonitoringEntry.objects.order_by("period")),
            Prefetch(
                "context_series",
                queryset=ContextSeries.objects.prefetch_related(
                    Prefetch("values", queryset=ContextValue.objects.order_by("period"))
                ),
            ),
        )
        .order_by("goal__programme_id", "goal__number", "id")
    )
