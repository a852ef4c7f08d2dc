"""Reads of casework data. Query shaping (select_related/prefetch_related) lives here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import CharField, DateField, F, IntegerField, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Cast

from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.casework.deadlines import (
    AssessmentSnapshot,
    CaseSnapshot,
    Deadlines,
    ExtensionSnapshot,
    PlanSnapshot,
    RuleBook,
    ServiceSnapshot,
    compute_deadlines,
    first_plan_last_day,
    referral_due,
)
from kotopolku.casework.models import (
    Assessment,
    GuidanceContact,
    IntegrationPlan,
    PlanExtension,
    PlanReview,
    PlanService,
    Referral,
)
from kotopolku.clients.models import Client
from kotopolku.privacy.selectors import without_restricted
from kotopolku.rules.selectors import RuleMissing

CASE_PREFETCH = (
    Prefetch("assessments", queryset=Assessment.objects.order_by("started", "id")),
    Prefetch(
        "plans",
        queryset=IntegrationPlan.objects.order_by("start", "id").prefetch_related(
            "services", "reviews", "extensions"
        ),
    ),
)


def plan_snapshot(plan: IntegrationPlan) -> PlanSnapshot:
    return PlanSnapshot(
        start=plan.start,
        end=plan.end,
        closed_on=plan.closed_on,
        services=tuple(ServiceSnapshot(s.referred, s.started) for s in plan.services.all()),
        reviews=tuple(r.day for r in plan.reviews.all()),
        extensions=tuple(
            ExtensionSnapshot(e.months, e.reason, e.note) for e in plan.extensions.all()
        ),
    )


def case_snapshot(client: Client, *, plans: list[PlanSnapshot] | None = None) -> CaseSnapshot:
    """The plain-data view of a client's case; uses prefetched relations when present."""
    return CaseSnapshot(
        permit_basis=client.permit_basis,
        first_permit_date=client.first_permit_date,
        client_start=client.client_since,
        assessments=tuple(
            AssessmentSnapshot(a.started, a.completed, a.plan_needed)
            for a in client.assessments.all()
        ),
        plans=tuple(plans if plans is not None else (plan_snapshot(p) for p in client.plans.all())),
    )


def client_with_case(*, pk: int) -> Client:
    return (
        Client.objects.select_related("responsible_organisation")
        .prefetch_related(*CASE_PREFETCH)
        .get(pk=pk)
    )


def client_deadlines(
    client: Client, *, on: date, rules: RuleBook | None = None
) -> Deadlines | None:
    """The deadlines of one client, or None when the rule table has no row for the dates."""
    try:
        return compute_deadlines(case_snapshot(client), on=on, rules=rules)
    except RuleMissing:
        return None


@dataclass(frozen=True)
class PlanFormDates:
    """The rule dates the plan form shows next to its fields, before the plan exists."""

    plan_window_end: date | None = None  # P1
    max_plan_end: date | None = None  # P3
    first_plan_end: date | None = None  # P2, only when the new plan would be the first
    referral_due: date | None = None  # P4


def plan_form_dates(client: Client, *, start: date | None, on: date) -> PlanFormDates:
    """P1–P4 for a plan the case worker is drafting for `client`, starting on `start`.

    The new plan is the client's first when no existing plan starts before it: the same
    ordering `compute_deadlines` uses to pick the first plan.
    """
    deadlines = client_deadlines(client, on=on)
    window_end = deadlines.plan_window_end if deadlines is not None else None
    max_end = deadlines.max_plan_end if deadlines is not None else None
    if start is None:
        return PlanFormDates(plan_window_end=window_end, max_plan_end=max_end)
    try:
        book = RuleBook.load()
        is_first = not client.plans.filter(start__lt=start).exists()
        return PlanFormDates(
            plan_window_end=window_end,
            max_plan_end=max_end,
            first_plan_end=first_plan_last_day(start, rules=book) if is_first else None,
            referral_due=referral_due(start, rules=book),
        )
    except RuleMissing:
        return PlanFormDates(plan_window_end=window_end, max_plan_end=max_end)


@dataclass(frozen=True)
class WorklistClient:
    pk: int
    external_id: str
    first_names: str
    last_name: str
    permit_basis: str
    first_permit_date: date | None
    client_since: date | None


@dataclass
class WorklistRow:
    client: WorklistClient
    deadlines: Deadlines | None

    @property
    def next_due(self) -> date | None:
        return self.deadlines.next_due if self.deadlines else None


def caseworker_clients(*, user: Any) -> QuerySet[Client]:
    """The open clients a case worker works on: those of the organisations they work in, plus
    those reached through an accepted, open referral. Clients whose processing is restricted
    (privacy, GDPR art. 18) are left out, as in every list."""
    from kotopolku.access.policy import Role, organisation_ids_with_role

    orgs = organisation_ids_with_role(user, Role.CASEWORKER, Role.COORDINATOR)
    return without_restricted(
        Client.objects.filter(closed_at__isnull=True, archived=False).filter(
            Q(responsible_organisation_id__in=orgs)
            | Q(
                pk__in=Referral.objects.filter(
                    to_organisation_id__in=orgs, status=Referral.Status.ACCEPTED
                ).values("client_id")
            )
        )
    )


_SERVICE, _REVIEW, _EXTENSION = 1, 2, 3


def _plan_rows(plan_ids: list[int]):
    """The services, reviews and extensions of the plans in one query (UNION ALL), as rows of
    (kind, plan id, day 1, day 2, months, reason, note): one round trip instead of three."""
    # Typed NULLs: PostgreSQL would type an untyped NULL of the first two parts as text.
    no_day = Cast(Value(None), DateField())
    no_months = Cast(Value(None), IntegerField())
    no_text = Value("", output_field=CharField())
    fields = ("kind", "plan_id", "day_1", "day_2", "n_months", "why", "text")
    service_rows = (
        PlanService.objects.filter(plan_id__in_ids=plan_ids)
        .order_by()
        .annotate(
            kind=Value(_SERVICE),
            day_1=F("referred"),
            day_2=F("started"),
            n_months=no_months,
            why=no_text,
            text=no_text,
        )
        .values_list(*fields)
    )
    review_rows = (
        PlanReview.objects.filter(plan_id__in_ids=plan_ids)
        .order_by()
        .annotate(
            kind=Value(_REVIEW),
            day_1=F("day"),
            day_2=no_day,
            n_months=no_months,
            why=no_text,
            text=no_text,
        )
        .values_list(*fields)
    )
    extension_rows = (
        PlanExtension.objects.filter(plan_id__in_ids=plan_ids)
        .order_by()
        .annotate(
            kind=Value(_EXTENSION),
            day_1=no_day,
            day_2=no_day,
            n_months=F("months"),
            why=F("reason"),
            text=F("note"),
        )
        .values_list(*fields)
    )
    return service_rows.union(review_rows, extension_rows, all=True)


def worklist(*, user: Any, on: date, search: str = "") -> list[WorklistRow]:
    """The user's clients sorted by the nearest deadline; restricted clients left out.

    Five queries whatever the number of clients (the clients, their assessments, their plans,
    the plans' services, reviews and extensions in one, the rule rows), plus the audit row: the
    case data is read as plain values (no
    model instances, no per-object prefetch machinery), because the worklist must stay fast for
    hundreds of clients; the snapshots are the same ones `case_snapshot` builds.
    """
    from kotopolku.access.policy import Role, organisation_ids_with_role

    orgs = organisation_ids_with_role(user, Role.CASEWORKER, Role.COORDINATOR)
    # A restricted client (privacy, GDPR art. 18) is left out of every list; a NOT EXISTS on
    # the restriction table's client index in both halves, so no extra query.
    open_clients = without_restricted(Client.objects.filter(closed_at__isnull=True, archived=False))
    if search:
        open_clients = open_clients.filter(
            Q(last_name__icontains=search)
            | Q(first_names__icontains=search)
            | Q(external_id__iexact=search)
        )
    fields = (
        "pk",
        "external_id",
        "first_names",
        "last_name",
        "permit_basis",
        "first_permit_date",
        "client_since",
    )
    # Two index-friendly halves joined by UNION rather than one OR, which PostgreSQL can only
    # answer by scanning every client.
    own = open_clients.filter(responsible_organisation_id__in=orgs).order_by().values(*fields)
    referred = (
        open_clients.filter(
            pk__in=Referral.objects.filter(
                to_organisation_id__in=orgs, status=Referral.Status.ACCEPTED
            ).values("client_id")
        )
        .order_by()
        .values(*fields)
    )
    heads = list(own.union(referred))
    # A list of ids, not a subquery: both databases then use the foreign-key indexes. It is
    # sent as one parameter (`in_ids`): binding hundreds of ids one by one cost more than the query.
    ids = [h["pk"] for h in heads]
    assessments: dict[int, list[AssessmentSnapshot]] = {}
    for client_id, started, completed, plan_needed in (
        Assessment.objects.filter(client_id__in_ids=ids)
        .order_by("started", "id")
        .values_list("client_id", "started", "completed", "plan_needed")
    ):
        assessments.setdefault(client_id, []).append(
            AssessmentSnapshot(started, completed, plan_needed)
        )
    plan_rows = list(
        IntegrationPlan.objects.filter(client_id__in_ids=ids)
        .order_by("start", "id")
        .values_list("id", "client_id", "start", "end", "closed_on")
    )
    plan_ids = [row[0] for row in plan_rows]
    services: dict[int, list[ServiceSnapshot]] = {}
    reviews: dict[int, list[date]] = {}
    extensions: dict[int, list[ExtensionSnapshot]] = {}
    for kind, plan_id, day_1, day_2, months, reason, note in _plan_rows(plan_ids):
        if kind == _SERVICE:
            services.setdefault(plan_id, []).append(ServiceSnapshot(day_1, day_2))
        elif kind == _REVIEW:
            reviews.setdefault(plan_id, []).append(day_1)
        else:
            extensions.setdefault(plan_id, []).append(ExtensionSnapshot(months, reason, note))
    plans: dict[int, list[PlanSnapshot]] = {}
    for plan_id, client_id, start, end, closed_on in plan_rows:
        plans.setdefault(client_id, []).append(
            PlanSnapshot(
                start=start,
                end=end,
                closed_on=closed_on,
                services=tuple(services.get(plan_id, ())),
                reviews=tuple(reviews.get(plan_id, ())),
                extensions=tuple(extensions.get(plan_id, ())),
            )
        )
    rules = RuleBook.load()
    rows = []
    for head in heads:
        case = CaseSnapshot(
            permit_basis=head["permit_basis"],
            first_permit_date=head["first_permit_date"],
            client_start=head["client_since"],
            assessments=tuple(assessments.get(head["pk"], ())),
            plans=tuple(plans.get(head["pk"], ())),
        )
        try:
            deadlines = compute_deadlines(case, on=on, rules=rules)
        except RuleMissing:
            deadlines = None
        rows.append(WorklistRow(WorklistClient(**head), deadlines))
    rows.sort(
        key=lambda r: (
            r.next_due is None,
            r.next_due or date.max,
            r.client.last_name,
            r.client.pk,
        )
    )
    audit_record(
        actor=user,
        action=AuditEvent.Action.VIEW,
        object_type="Worklist",
        reason=f"{len(rows)} clients",
    )
    return rows


def contact_list(*, organisation_ids: frozenset[int], search: str = "") -> QuerySet:
    rows = GuidanceContact.objects.filter(organisation_id__in=organisation_ids).select_related(
        "client", "organisation", "service"
    )
    if search:
        rows = rows.filter(
            Q(client__last_name__icontains=search)
            | Q(client__external_id__iexact=search)
            | Q(language__iexact=search)
            | Q(note__icontains=search)
        )
    return rows.order_by("-day", "-id")


def client_contacts(*, client: Client) -> QuerySet:
    return GuidanceContact.objects.filter(client=client).select_related("organisation")


def assessment_detail(*, pk: int) -> Assessment:
    return (
        Assessment.objects.select_related("client", "organisation")
        .prefetch_related("partner_organisations", "service_needs")
        .get(pk=pk)
    )


def plan_detail(*, pk: int) -> IntegrationPlan:
    return (
        IntegrationPlan.objects.select_related("client", "organisation")
        .prefetch_related(
            Prefetch(
                "services",
                queryset=PlanService.objects.select_related("category", "service").order_by("id"),
            ),
            "reviews",
            "extensions",
        )
        .get(pk=pk)
    )


def referral_list(
    *, organisation_ids: frozenset[int], search: str = "", status: str = ""
) -> QuerySet[Referral]:
    rows = Referral.objects.filter(
        Q(from_organisation_id__in=organisation_ids) | Q(to_organisation_id__in=organisation_ids)
    ).select_related("client", "from_organisation", "to_organisation", "service")
    if status:
        rows = rows.filter(status=status)
    if search:
        rows = rows.filter(
            Q(client__last_name__icontains=search)
            | Q(client__first_names__icontains=search)
            | Q(client__external_id__iexact=search)
        )
    return rows.order_by("-sent_on", "-id")


def referral_detail(*, pk: int) -> Referral:
    return Referral.objects.select_related(
        "client", "from_organisation", "to_organisation", "service", "consent"
    ).get(pk=pk)


def client_referrals(*, client: Client) -> QuerySet[Referral]:
    return Referral.objects.filter(client=client).select_related(
        "from_organisation", "to_organisation", "service"
    )


def open_referral_client_ids(*, organisation_ids: frozenset[int]) -> QuerySet:
    """Clients an organisation reaches through an accepted, open referral."""
    return Referral.objects.filter(
        to_organisation_id__in=organisation_ids, status=Referral.Status.ACCEPTED
    ).values("client_id")
