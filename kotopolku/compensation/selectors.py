"""Reads for compensation. Every read of personal data writes an audit row here."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.db.models import Min, Q, QuerySet, Sum

from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_client_reads, audit_record
from kotopolku.clients.models import Client, HomeMunicipalityPeriod
from kotopolku.common.collector import collector_paused
from kotopolku.compensation.computation import Candidates, HomePeriod, RuleReader, candidates
from kotopolku.compensation.forecast import Forecast, PersonInput, build_forecast
from kotopolku.compensation.models import (
    ActualCostClaim,
    PaymentList,
    PaymentListMapping,
)
from kotopolku.organisations.models import Organisation
from kotopolku.rules.book import RuleBook


def municipality_by_code(code: str) -> Organisation | None:
    return Organisation.objects.filter(
        kind=Organisation.Kind.MUNICIPALITY, municipality_code=code, archived=False
    ).first()


def _merged(
    ranges: tuple[tuple[date | None, date | None], ...],
) -> list[tuple[date | None, date | None]]:
    """Inclusive day ranges (None: open) merged where they overlap or touch: every start rule
    has its own gaps, mostly the same days (before the first act)."""
    low = date.min
    merged: list[tuple[date, date | None]] = []
    for since, until in sorted(ranges, key=lambda r: r[0] or low):
        first = since or low
        if merged and (merged[-1][1] is None or first <= merged[-1][1] + timedelta(days=1)):
            last = merged[-1][1]
            merged[-1] = (
                merged[-1][0],
                None if last is None or until is None else max(last, until),
            )
        else:
            merged.append((first, until))
    return [(None if since == low else since, until) for since, until in merged]


def _candidates_q(candidates: Candidates, *, with_citizenship: bool) -> Q:
    """`computation.Candidates` as a filter on clients: the permit basis, the first
    home-municipality period's start (C2, any municipality) and the citizenship date.

    The first start is filtered in grouped subqueries of the periods (`client IN (SELECT client
    … GROUP BY client HAVING MIN(start) …)`), each computed once, not a correlated subquery per
    client repeated for every range (on PostgreSQL that cost also set off JIT compilation)."""
    gaps = _merged(candidates.uncovered)
    if (None, None) in gaps:  # a start rule with no row at all: anyone may be unresolved
        return Q(permit_basis__in=sorted(candidates.bases)) if candidates.bases is not None else Q()
    in_gap: Q | None = None  # the first start on a day no start rule covers
    for since, until in gaps:
        gap = Q()
        if since is not None:
            gap &= Q(first_start__gte=since)
        if until is not None:
            gap &= Q(first_start__lte=until)
        in_gap = gap if in_gap is None else in_gap | gap
    firsts = (
        HomeMunicipalityPeriod.objects.order_by()
        .values("client_id")
        .annotate(first_start=Min("start"))
    )

    def first_start(q: Q) -> Q:
        return Q(pk__in=firsts.filter(q).values("client_id"))

    q = Q()
    if candidates.bases is not None:
        q &= Q(permit_basis__in=sorted(candidates.bases))
    if candidates.earliest_start is not None:
        recent = Q(first_start__gte=candidates.earliest_start)
        q &= first_start(recent if in_gap is None else recent | in_gap)
    if (
        with_citizenship
        and candidates.naturalised_by is not None
        and candidates.kept_bases is not None
    ):
        kept = (
            Q(citizenship_date__isnull=True)
            | Q(citizenship_date__gt=candidates.naturalised_by)
            | Q(permit_basis__in=sorted(candidates.kept_bases))
        )
        q &= kept if in_gap is None else (kept | first_start(in_gap))
    return q


def people_for(
    *,
    municipality_code: str,
    first_day: date,
    last_day: date,
    client_ids: Any = None,
    candidates: Candidates | None = None,
) -> list[PersonInput]:
    """Clients who had a home-municipality period in the municipality on some day of the range,
    with all their periods (C2 needs the first one, wherever it was). Two queries.

    With `candidates` (`computation.candidates`), only the clients that meet its necessary
    conditions are read: the forecast then computes no one who cannot count or be unresolved.
    The rows read are small acyclic objects: the cyclic collector is paused while they are
    built (`common.collector`)."""
    with collector_paused():
        return _people_for(
            municipality_code=municipality_code,
            first_day=first_day,
            last_day=last_day,
            client_ids=client_ids,
            candidates=candidates,
        )


def _people_for(
    *,
    municipality_code: str,
    first_day: date,
    last_day: date,
    client_ids: Any,
    candidates: Candidates | None,
) -> list[PersonInput]:
    clients = Client.objects.filter(archived=False)
    # `citizenship_date` (C1, naturalisation) is a field of the client registry's; read it
    # when the registry has it.
    with_citizenship = any(f.name == "citizenship_date" for f in Client._meta.get_fields())
    if candidates is not None:
        clients = clients.filter(_candidates_q(candidates, with_citizenship=with_citizenship))
    if client_ids is not None:
        clients = clients.filter(pk__in_ids=list(client_ids))
    else:
        touching = HomeMunicipalityPeriod.objects.filter(
            Q(end__isnull=True) | Q(end__gte=first_day),
            municipality_code=municipality_code,
            start__lte=last_day,
        ).values("client_id")
        clients = clients.filter(pk__in=touching)
    fields = ["pk", "external_id", "first_names", "last_name", "date_of_birth", "permit_basis"]
    rows = [
        (*row, None) if not with_citizenship else row
        for row in clients.values_list(*fields, *(["citizenship_date"] * with_citizenship))
    ]
    periods: dict[int, list[HomePeriod]] = defaultdict(list)
    # No order in SQL (the model's order joins the client): sorted by start below.
    for client_id, code, start, end in (
        HomeMunicipalityPeriod.objects.filter(client_id__in_ids=[r[0] for r in rows])
        .order_by()
        .values_list("client_id", "municipality_code", "start", "end")
    ):
        periods[client_id].append(HomePeriod(code or "", start, end))
    return [
        PersonInput(
            client_id=pk,
            external_id=external_id,
            first_names=first,
            last_name=last,
            date_of_birth=dob,
            permit_basis=basis,
            home_periods=tuple(sorted(periods[pk], key=lambda p: p.start)),
            citizenship_date=citizenship,
        )
        for pk, external_id, first, last, dob, basis, citizenship in rows
    ]


def forecast_compute(
    *, municipality_code: str, year: int, rules: RuleReader | None = None
) -> Forecast:
    """The forecast without an audit row; for benchmarks and for callers that audit themselves."""
    # Everyone with a period in the municipality during the calendar year: those counted, and
    # those whose rule cannot be read (unresolved, docs/data-formats.md).
    # Only those who can count a month or be unresolved are read (C1 first, in SQL: a superset
    # from every rule row); `build_forecast` then decides each of them exactly.
    book = rules if rules is not None else RuleBook.load()
    people = people_for(
        municipality_code=municipality_code,
        first_day=date(year, 1, 1),
        last_day=date(year, 12, 31),
        candidates=candidates(year=year, rules=book) if isinstance(book, RuleBook) else None,
    )
    return build_forecast(municipality=municipality_code, year=year, people=people, rules=book)


def forecast(
    municipality: str,
    year: int,
    *,
    book: RuleBook | None = None,
    people: list[PersonInput] | None = None,
) -> Forecast:
    """docs/domain.md C1–C6 for a municipality code and year under `book` (the live rule table by
    default, or a draft: `RuleBook.load().with_draft(rows)`). `people` lets a comparison read
    the registry once for two books. Not audited: the caller audits."""
    if people is None:
        return forecast_compute(municipality_code=municipality, year=year, rules=book)
    return build_forecast(municipality=municipality, year=year, people=people, rules=book)


def compensation_forecast(
    *,
    actor: Any,
    municipality_code: str,
    year: int,
    action: str = AuditEvent.Action.VIEW,
    actor_label: str = "",
    path: str = "",
) -> Forecast:
    """The forecast of a municipality and year (C1–C6); reading it is audited."""
    forecast = forecast_compute(municipality_code=municipality_code, year=year)
    audit_record(
        actor=actor,
        action=action,
        object_type="CompensationForecast",
        object_id=f"{municipality_code}:{year}",
        reason=f"{len(forecast.persons)} persons",
        actor_label=actor_label,
        path=path,
    )
    # The forecast names persons: one row per person shown, for their log report.
    audit_client_reads(
        actor=actor,
        action=action,
        object_type="CompensationForecastPerson",
        client_ids=[p.person.client_id for p in forecast.persons],
        reason=f"{municipality_code}:{year}",
        path=path,
    )
    return forecast


def payment_lists(*, municipality: Organisation) -> QuerySet[PaymentList]:
    return PaymentList.objects.filter(municipality=municipality, archived=False).select_related(
        "created_by"
    )


def payment_list_detail(*, pk: int) -> PaymentList:
    return PaymentList.objects.select_related("municipality", "created_by").get(
        pk=pk, archived=False
    )


def payment_list_mapping(*, municipality: Organisation) -> PaymentListMapping | None:
    return PaymentListMapping.objects.filter(municipality=municipality).first()


def claims(*, municipality: Organisation, search: str = "", status: str = "") -> QuerySet:
    rows = ActualCostClaim.objects.filter(municipality=municipality, archived=False)
    if status:
        rows = rows.filter(status=status)
    if search:
        rows = rows.filter(description__icontains=search)
    return (
        rows.select_related("municipality", "created_by")
        .annotate(claimed=Sum("lines__amount"))
        .order_by("-period_start", "-id")
    )


def claim_detail(*, pk: int) -> ActualCostClaim:
    return ActualCostClaim.objects.select_related("municipality").get(pk=pk, archived=False)


def claim_lines(*, claim: ActualCostClaim) -> QuerySet:
    return claim.lines.select_related("client").order_by("date", "id")


def claim_attachments(*, claim: ActualCostClaim) -> QuerySet:
    return claim.attachments.defer("content").order_by("id")
