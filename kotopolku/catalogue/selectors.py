"""Reads of the service catalogue. The catalogue holds no personal data."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from kotopolku.catalogue.models import (
    PtvOrganisation,
    PtvSyncRun,
    Service,
    ServiceCategory,
    ServiceChannel,
)
from kotopolku.organisations.models import Organisation


def _shaped(rows: QuerySet[Service]) -> QuerySet[Service]:
    return rows.select_related("category", "responsible_organisation").prefetch_related(
        "languages",
        "municipalities",
        "cooperating_organisations",
        Prefetch("channels", queryset=ServiceChannel.objects.order_by("kind", "id")),
    )


def category_list() -> QuerySet[ServiceCategory]:
    return ServiceCategory.objects.order_by("order", "code")


def municipality_choices() -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        archived=False, kind=Organisation.Kind.MUNICIPALITY
    ).order_by("name_fi")


def organisation_choices() -> QuerySet[Organisation]:
    return Organisation.objects.filter(archived=False).order_by("kind", "name_fi")


def service_list(
    *,
    search: str = "",
    category: str = "",
    municipality: str = "",
    language: str = "",
    state: str = "active",
    day: date,
) -> QuerySet[Service]:
    """Staff list. `state` is active, archived, all (not archived, any period) or ended."""
    rows = Service.objects.all()
    if state == "archived":
        rows = rows.filter(archived=True)
    elif state == "all":
        rows = rows.filter(archived=False)
    elif state == "ended":
        rows = rows.filter(archived=False, active_to__lt=day)
    else:
        rows = rows.active_on(day)
    if category:
        rows = rows.filter(category_id=category)
    if municipality:
        rows = rows.filter(municipalities__municipality_code=municipality)
    if language:
        rows = rows.filter(languages__code=language)
    if search:
        rows = rows.filter(
            Q(name_fi__icontains=search)
            | Q(name_sv__icontains=search)
            | Q(name_en__icontains=search)
            | Q(responsible_organisation__name_fi__icontains=search)
            | Q(ptv_id__iexact=search)
        )
    return _shaped(rows.distinct()).order_by("category__order", "name_fi", "id")


def service_scope() -> QuerySet[Service]:
    """Every service, shaped and in list order, for the filter sets to narrow (the catalogue
    holds no personal data, so every staff role sees all of it)."""
    return _shaped(Service.objects.all()).order_by("category__order", "name_fi", "id")


def service_queryset() -> QuerySet[Service]:
    """Every service, archived ones too, shaped for the API's detail view."""
    return _shaped(Service.objects.all())


def service_detail(*, pk: int) -> Service:
    return _shaped(Service.objects.all()).get(pk=pk)


def public_services(
    *, day: date, category: str = "", municipality: str = "", language: str = ""
) -> list[tuple[ServiceCategory, list[Service]]]:
    """Active services grouped by category, for the public page."""
    services = list(
        service_list(category=category, municipality=municipality, language=language, day=day)
    )
    groups: dict[str, list[Service]] = {}
    for service in services:
        groups.setdefault(service.category_id, []).append(service)
    return [(c, groups[c.code]) for c in category_list() if c.code in groups]


def public_groups(rows) -> list[tuple[ServiceCategory, list[Service]]]:
    """Filtered services grouped by category, for the public page."""
    groups: dict[str, list[Service]] = {}
    for service in rows:
        groups.setdefault(service.category_id, []).append(service)
    return [(c, groups[c.code]) for c in category_list() if c.code in groups]


def service_languages(*, day: date) -> list[str]:
    """Every language some active service is given in, for the language filter."""
    return sorted(
        set(
            Service.objects.active_on(day)
            .values_list("languages__code", flat=True)
            .exclude(languages__code__isnull=True)
        )
    )


@dataclass
class CompletenessWarning:
    category: ServiceCategory
    code: str
    message: str
    services: list[Service] = field(default_factory=list)


def completeness_warnings(*, day: date) -> list[CompletenessWarning]:
    """Statutory elements (docs/domain.md §2) with no active service, no responsible organisation,
    or no service in a language other than Finnish. These are warnings, not errors."""
    active = list(_shaped(Service.objects.active_on(day)))
    warnings: list[CompletenessWarning] = []
    for category in category_list().filter(statutory=True):
        services = [s for s in active if s.category_id == category.code]
        if not services:
            warnings.append(
                CompletenessWarning(
                    category, "no_active_service", _("No active service in this category.")
                )
            )
            continue
        orphans = [s for s in services if s.responsible_organisation_id is None]
        if orphans:
            warnings.append(
                CompletenessWarning(
                    category,
                    "no_responsible_organisation",
                    _("A service has no responsible organisation."),
                    orphans,
                )
            )
        if not any(code != "fi" for s in services for code in s.language_codes):
            warnings.append(
                CompletenessWarning(
                    category,
                    "no_other_language",
                    _("No service is given in a language other than Finnish."),
                    services,
                )
            )
    return warnings


def ptv_runs() -> QuerySet[PtvSyncRun]:
    return PtvSyncRun.objects.select_related("created_by").defer("payload")


def ptv_run(*, pk: int) -> PtvSyncRun | None:
    return PtvSyncRun.objects.filter(pk=pk).defer("payload").first()


def ptv_organisations() -> QuerySet[PtvOrganisation]:
    return PtvOrganisation.objects.select_related("organisation").order_by("ptv_id")


def services_by_ptv_id(ptv_ids: set[str]) -> dict[str, Service]:
    return {s.ptv_id: s for s in Service.objects.filter(ptv_id__in=ptv_ids).order_by("archived")}
