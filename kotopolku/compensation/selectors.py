"""Reads for compensation. Every read of personal data writes an audit row here."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet, Sum

from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.clients.models import Client, HomeMunicipalityPeriod
from kotopolku.compensation.computation import HomePeriod, RuleReader
from kotopolku.compensation.forecast import Forecast, PersonInput, build_forecast
from kotopolku.compensation.models import (
    ActualCostClaim,
    PaymentList,
    PaymentListMapping,
)
from kotopolku.organisations.models import Organisation


def municipality_by_code(code: str) -> Organisation | None:
    return Organisation.objects.filter(
        kind=Organisation.Kind.MUNICIPALITY, municipality_code=code, archived=False
    ).first()


def people_for(
    *, municipality_code: str, first_day: date, last_day: date, client_ids: Any = None
) -> list[PersonInput]:
    """Clients who had a home-municipality period in the municipality on some month end of the
    range, with all their periods (C2 needs the first one, wherever it was). Two queries."""
    clients = Client.objects.filter(archived=False)
    if client_ids is not None:
        clients = clients.filter(pk__in=client_ids)
    else:
        touching = HomeMunicipalityPeriod.objects.filter(
            Q(end__isnull=True) | Q(end__gte=first_day),
            municipality__municipality_code=municipality_code,
            start__lte=last_day,
        ).values("client_id")
        clients = clients.filter(pk__in=touching)
    rows = list(
        clients.values_list(
            "pk", "external_id", "first_names", "last_name", "date_of_birth", "permit_basis"
        )
    )
    periods: dict[int, list[HomePeriod]] = defaultdict(list)
    for client_id, code, start, end in HomeMunicipalityPeriod.objects.filter(
        client_id__in=[r[0] for r in rows]
    ).values_list("client_id", "municipality__municipality_code", "start", "end"):
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
        )
        for pk, external_id, first, last, dob, basis in rows
    ]


def forecast_compute(
    *, municipality_code: str, year: int, rules: RuleReader | None = None
) -> Forecast:
    """The forecast without an audit row; for benchmarks and for callers that audit themselves."""
    people = people_for(
        municipality_code=municipality_code,
        first_day=date(year, 1, 31),
        last_day=date(year, 12, 31),
    )
    return build_forecast(municipality=municipality_code, year=year, people=people, rules=rules)


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
