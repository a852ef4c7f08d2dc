"""Reads of casework data. Query shaping (select_related/prefetch_related) lives here."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone

from kotopolku.access.privacy import without_restricted
from kotopolku.audit.labels import audit_summary
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_client_reads
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
    SavedWorklistFilter,
)
from kotopolku.clients.models import Client, HomeMunicipalityPeriod
from kotopolku.common.lookups import in_ids_param, in_ids_sql
from kotopolku.common.prepared import prepared_cursor
from kotopolku.rules.periods import living_in
from kotopolku.rules.selectors import RuleMissing

if TYPE_CHECKING:
    from kotopolku.access.clients import ScopeKey

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
        Client.objects.select_related("responsible_organisation", "responsible_worker")
        .prefetch_related(*CASE_PREFETCH)
        .get(pk=pk)
    )


def deadlines(client: Client, *, on: date, book: RuleBook | None = None) -> Deadlines:
    """docs/domain.md P1–P6 of one client on day `on`, under `book` (the live rule table by
    default, or a draft: `RuleBook.load().with_draft(rows)`). A rule missing on its reference
    date is the problem `no_rule_in_force`, never an error."""
    return compute_deadlines(case_snapshot(client), on=on, rules=book)


def client_deadlines(
    client: Client, *, on: date, rules: RuleBook | None = None
) -> Deadlines | None:
    """The deadlines of one client (kept for its callers; never None any more)."""
    return deadlines(client, on=on, book=rules)


def clients_of_municipality(*, municipality_code: str, on: date) -> QuerySet[Client]:
    """The clients whose responsible organisation is the municipality, or whose home
    municipality on `on` is it, with their case prefetched (rules_whatif, docs/data-formats.md).
    The home municipality on the day is chosen by `rules.periods` (of overlapping periods, the
    one that started last)."""
    living = living_in(
        HomeMunicipalityPeriod.objects.all(),
        client_ref="pk",
        day=on,
        municipality_id=municipality_code,
        field="municipality_code",
    )
    return (
        Client.objects.filter(archived=False)
        .filter(Q(responsible_organisation__municipality_code=municipality_code) | living)
        .prefetch_related(*CASE_PREFETCH)
        .order_by("external_id")
    )


@dataclass(frozen=True)
class DeadlinesMet:
    """The day an action deadline of the client page was met, or None while it is open."""

    assessment_started: date | None = None  # P6: the first assessment started
    service_arranged: date | None = None  # P4: a service of the latest plan referred or started


def deadlines_met(client: Client) -> DeadlinesMet:
    """When P6 and P4 were met, for the client page (the dates the deadlines are shown
    against); uses prefetched assessments and plans when present."""
    started = [a.started for a in client.assessments.all() if a.started]
    plans = sorted(client.plans.all(), key=lambda p: p.start)
    arranged: list[date] = []
    if plans:
        for s in plans[-1].services.all():
            arranged.extend(d for d in (s.referred, s.started) if d)
    return DeadlinesMet(
        assessment_started=min(started) if started else None,
        service_arranged=min(arranged) if arranged else None,
    )


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


def caseload(*, user: Any, on: date | None = None) -> QuerySet[Client]:
    """The open clients a user works on: the caseload parts of the one client scope (own
    organisation, accepted and running referrals), without restricted clients (GDPR art. 18)."""
    from kotopolku.access.clients import CASELOAD, scope_condition

    condition = scope_condition(user, on, reasons=CASELOAD)
    return without_restricted(
        Client.objects.filter(condition, closed_at__isnull=True, archived=False)
    )


# The kinds of row of `_case_rows_sql`.
_ASSESSMENT, _SERVICE, _REVIEW, _EXTENSION, _PLAN = 0, 1, 2, 3, 4
_CASE_ROWS: dict[str, str] = {}


def _case_rows_sql(vendor: str) -> str:
    """One statement for the case data of a list of clients, their ids given as one parameter
    (five times): the assessments, the plans and the plans' services, reviews and extensions,
    as rows of (kind, client id, plan id, row id, day 1, day 2, day 3, flag, months, reason,
    note); the assessments and the plans in the order `compute_deadlines` reads them (by their
    day, then id). Built once per database vendor from the models' tables and columns, so a
    request pays neither the ORM's building nor its compiling (bench/README.md, worklist)."""
    sql = _CASE_ROWS.get(vendor)
    if sql is not None:
        return sql
    from django.db import connection

    qn = connection.ops.quote_name

    def column(model: Any, alias: str, field: str) -> str:
        return f"{alias}.{qn(model._meta.get_field(field).column)}"

    def table(model: Any, alias: str) -> str:
        return f"{qn(model._meta.db_table)} {alias}"

    client = column(IntegrationPlan, "p", "client")
    plans = table(IntegrationPlan, "p")
    # PostgreSQL types a UNION's columns by its first part: its NULLs are cast.
    parts = [
        f"SELECT {_ASSESSMENT} AS kind, {column(Assessment, 'a', 'client')} AS client_id, "  # noqa: S608
        f"CAST(NULL AS bigint) AS plan_id, {column(Assessment, 'a', 'id')} AS row_id, "
        f"{column(Assessment, 'a', 'started')} AS day_1, "
        f"{column(Assessment, 'a', 'completed')} AS day_2, CAST(NULL AS date) AS day_3, "
        f"{column(Assessment, 'a', 'plan_needed')} AS flag, CAST(NULL AS integer) AS months, "
        f"CAST(NULL AS text) AS reason, CAST(NULL AS text) AS note "
        f"FROM {table(Assessment, 'a')} "
        f"WHERE {in_ids_sql(column(Assessment, 'a', 'client'), vendor)}",
        f"SELECT {_PLAN}, {client}, {column(IntegrationPlan, 'p', 'id')}, "  # noqa: S608
        f"{column(IntegrationPlan, 'p', 'id')}, {column(IntegrationPlan, 'p', 'start')}, "
        f"{column(IntegrationPlan, 'p', 'end')}, {column(IntegrationPlan, 'p', 'closed_on')}, "
        f"NULL, NULL, NULL, NULL FROM {plans} WHERE {in_ids_sql(client, vendor)}",
    ]
    for kind, model, alias, days, texts in (
        (_SERVICE, PlanService, "s", ("referred", "started"), ()),
        (_REVIEW, PlanReview, "r", ("day",), ()),
        (_EXTENSION, PlanExtension, "e", (), ("months", "reason", "note")),
    ):
        values = [column(model, alias, name) for name in days] + ["NULL"] * (3 - len(days))
        values.append("NULL")
        values += [column(model, alias, name) for name in texts] or ["NULL"] * 3
        plan = column(model, alias, "plan")
        parts.append(
            f"SELECT {kind}, {client}, {plan}, {column(model, alias, 'id')}, {', '.join(values)} "  # noqa: S608
            f"FROM {table(model, alias)} JOIN {plans} ON {column(IntegrationPlan, 'p', 'id')} = "
            f"{plan} WHERE {in_ids_sql(client, vendor)}"
        )
    # SQLite orders a compound SELECT by its columns only: the expression goes outside.
    sql = (
        f"SELECT * FROM ({' UNION ALL '.join(parts)}) case_rows "  # noqa: S608
        f"ORDER BY kind, CASE WHEN kind IN ({_ASSESSMENT}, {_PLAN}) THEN day_1 END, row_id"
    )
    _CASE_ROWS[vendor] = sql
    return sql


def _case_rows(client_ids: list[int]) -> list[tuple]:
    """The rows of `_case_rows_sql` for the clients, with days as dates and the flag a bool
    (SQLite gives days as text and booleans as 0/1)."""
    from django.db import connection

    vendor = connection.vendor
    param = in_ids_param(client_ids, vendor)
    with prepared_cursor() as cursor:
        cursor.execute(_case_rows_sql(vendor), [param] * 5)
        rows = cursor.fetchall()
    if vendor != "sqlite":
        return rows

    def day(value: Any) -> date | None:
        return date.fromisoformat(value) if isinstance(value, str) else value

    return [
        (
            kind,
            client_id,
            plan_id,
            row_id,
            day(day_1),
            day(day_2),
            day(day_3),
            None if flag is None else bool(flag),
            months,
            reason,
            note,
        )
        for kind, client_id, plan_id, row_id, day_1, day_2, day_3, flag, months, reason, note in rows
    ]


WORKLIST_FIELDS = (
    "id",
    "external_id",
    "first_names",
    "last_name",
    "permit_basis",
    "first_permit_date",
    "client_since",
)


@dataclass(frozen=True)
class WorklistOptions:
    """What the worklist shows: a search, the filters and the order (all applied in SQL)."""

    search: str = ""
    action: str = ""  # one of next_due.ACTION_COLUMNS: clients with an action of that kind
    overdue: bool = False  # only clients whose next deadline has passed
    organisation: int | None = None  # the responsible organisation (within the caseload)
    worker: str = ""  # the responsible worker: "mine", "none" or a user id (filters.py checks it)
    due_by: date | None = None  # only clients with a deadline on or before this day
    sort: str = "due"  # "due", "-due", "name" or "-name"


SORTS = {
    "due": ("next_due_key", "last_name", "id"),
    "-due": ("-next_due_key", "last_name", "id"),
    "name": ("last_name", "first_names", "id"),
    "-name": ("-last_name", "-first_names", "-id"),
}


def _caseload_parts(
    scope: ScopeKey | None,
    options: WorklistOptions,
    mine: int | None,
    *,
    restricted: bool = False,
) -> list[QuerySet[Client]]:
    """The caseload's parts (own organisation, referrals) of the scope `scope`
    (`access.clients.client_scope_key`) with the search and the filters on the client's
    organisation and worker (`mine`: the user's id for the "mine" filter), before any filter on
    deadlines. Built from its arguments alone, so equal arguments give the same query.
    `restricted=True` keeps the restricted clients in (to store their order keys, never to
    show them)."""
    from kotopolku.access.clients import CASELOAD, scope_parts

    # A restricted client (privacy, GDPR art. 18) is left out of every list; a NOT EXISTS
    # on the restriction table's client index in every part, so no extra query.
    open_clients = Client.objects.filter(closed_at__isnull=True, archived=False)
    if not restricted:
        open_clients = without_restricted(open_clients)
    if options.search:
        open_clients = open_clients.filter(
            Q(last_name__icontains=options.search)
            | Q(first_names__icontains=options.search)
            | Q(external_id__iexact=options.search)
        )
    if options.organisation is not None:
        open_clients = open_clients.filter(responsible_organisation_id=options.organisation)
    if options.worker == "none":
        open_clients = open_clients.filter(responsible_worker__isnull=True)
    elif options.worker == "mine":
        open_clients = open_clients.filter(responsible_worker_id=mine)
    elif options.worker.isdigit():
        open_clients = open_clients.filter(responsible_worker_id=int(options.worker))
    # The worklist is the caseload ∩ the scope: the scope's own-organisation and referral
    # parts, joined by UNION rather than one OR, which PostgreSQL can only answer by
    # scanning every client. Each part leaves out the clients of the parts before it, so
    # the parts are disjoint and UNION ALL needs no duplicate removal over the caseload
    # (A ∪ B = A + (B − A): the same clients).
    parts, earlier = [], Q(pk__in=[])
    for part in scope_parts(scope):
        if part.reason in CASELOAD:
            parts.append(open_clients.filter(part.condition).exclude(earlier).order_by())
            earlier |= part.condition
    return parts


def _deadline_limits(
    parts: list[QuerySet[Client]], options: WorklistOptions, on: date, key: Any
) -> list[QuerySet[Client]]:
    """`parts` narrowed to the clients whose next deadline (`key`) is overdue on `on` or on or
    before `options.due_by`, as the options ask."""
    if not (options.overdue or options.due_by is not None):
        return parts
    limits = Q()
    if options.overdue:
        limits &= Q(next_due_key__lt=on)
    if options.due_by is not None:
        limits &= Q(next_due_key__lte=options.due_by)
    return [p.alias(next_due_key=key).filter(limits) for p in parts]


def _union(parts: list[QuerySet]) -> QuerySet:
    return parts[0] if len(parts) == 1 else parts[0].union(*parts[1:], all=True)


def _count_statement(
    vendor: str, scope: ScopeKey | None, options: WorklistOptions, mine: int | None
) -> tuple[str, tuple[Any, ...]] | None:
    """The SQL and parameters of `Worklist.key`'s pass over the caseload (`_caseload_parts`,
    before any filter on deadlines): its size and its clients without a stored key. None for
    an empty caseload. A function of its arguments alone (`_kept_count_statement`)."""
    from kotopolku.casework.next_due import STALE_FORMS

    parts = _caseload_parts(scope, options, mine)
    if not parts or scope is None:
        return None
    rows = _union([p.annotate(stored=F("due__client_id")).values("id", "stored") for p in parts])
    sql, params = rows.query.sql_with_params()
    statement = (
        f"SELECT COUNT(*), COUNT(*) - COUNT(stored), CASE WHEN {STALE_FORMS} THEN 1 ELSE 0 END "  # noqa: S608
        f"FROM ({sql}) caseload"
    )
    return statement, (*_days(vendor, scope.on, 2), *params)


def _days(vendor: str, on: date, n: int) -> tuple[Any, ...]:
    """`on` as a query parameter (the backend's own date adaptation), `n` times."""
    from django.db import connection  # the worklist's (its `vendor` is this connection's)

    return (connection.ops.adapt_datefield_value(on),) * n


def _in_order(options: WorklistOptions) -> bool:
    """Whether the list can be read in its order from the stored keys' index (`_ordered_heads_
    statement`): ordered by the next deadline, with no search and no filter by kind of action
    or by worker (the other filters are ranges or parts of that index)."""
    return (
        not options.search
        and not options.action
        and not options.worker
        and options.sort in ("due", "-due")
    )


def _index_organisations(scope: ScopeKey, options: WorklistOptions) -> tuple[int, ...]:
    """The organisations whose stored keys the own-organisation part reads by the index: the
    scope's own, narrowed by the organisation filter."""
    own = scope.own
    if options.organisation is not None:
        own = own & {options.organisation}
    return tuple(sorted(own))


def _own_and_shared(
    scope: ScopeKey, options: WorklistOptions, *, restricted: bool = False
) -> tuple[QuerySet[Client] | None, list[QuerySet[Client]]]:
    """The caseload's own-organisation part (None when the user has none) and the other parts."""
    from kotopolku.access.clients import CASELOAD, Reason, scope_parts

    reasons = [part.reason for part in scope_parts(scope) if part.reason in CASELOAD]
    parts = _caseload_parts(scope, options, None, restricted=restricted)
    if reasons and reasons[0] == Reason.OWN_ORGANISATION:
        # The organisation filter may name an organisation that is not the user's own (one
        # of their referred clients'): the own part is then empty.
        return (parts[0] if _index_organisations(scope, options) else None), parts[1:]
    return None, parts


def _ordered_count_statement(
    vendor: str, scope: ScopeKey | None, options: WorklistOptions
) -> tuple[str, tuple[Any, ...]] | None:
    """`Worklist.key`'s pass over the caseload when it can be read in order (`_in_order`),
    without reading every client: the open clients of the own organisations (restricted ones
    too) and those restricted, counted from the clients' index, and the stored keys of those
    organisations from the keys' index (a stored row is deleted when its client closes, is
    archived or moves, so the difference is the clients lacking one); the other parts (referrals)
    counted as in `_count_statement`; and whether any stored row is in another day's form. None
    for an empty caseload. A function of its arguments alone (`_kept_ordered_count_statement`)."""
    from kotopolku.access.privacy import active_restriction_q
    from kotopolku.casework.models import ClientDue
    from kotopolku.casework.next_due import STALE_FORMS

    if scope is None:
        return None
    own, shared = _own_and_shared(scope, options, restricted=True)
    if own is None and not shared:
        return None
    columns: list[str] = []
    params: list[Any] = []

    def count(qs: QuerySet, expression: str = "COUNT(*)") -> None:
        sql, values = qs.query.sql_with_params()
        columns.append(f"(SELECT {expression} FROM ({sql}) part)")  # noqa: S608 (ORM-built)
        params.extend(values)

    if own is not None:
        count(own.order_by().values("id"))
        count(own.filter(active_restriction_q()).order_by().values("id"))
        count(
            ClientDue.objects.filter(organisation_id__in=_index_organisations(scope, options))
            .order_by()
            .values("client_id")
        )
    else:
        columns += ["0", "0", "0"]
    if shared:
        rows = _union(
            [
                without_restricted(p).annotate(stored=F("due__client_id")).values("id", "stored")
                for p in shared
            ]
        )
        count(rows)
        count(rows, "COUNT(*) - COUNT(stored)")
    else:
        columns += ["0", "0"]
    columns.append(f"CASE WHEN {STALE_FORMS} THEN 1 ELSE 0 END")
    params.extend(_days(vendor, scope.on, 2))
    return f"SELECT {', '.join(columns)}", tuple(params)


def _ordered_parts(
    vendor: str,
    scope: ScopeKey,
    options: WorklistOptions,
    fields: tuple[str, ...],
    *,
    ordered: bool = True,
) -> list[tuple[str, tuple[Any, ...]]]:
    """The SQL of each caseload part with its stored key (`ClientDue.next_due`, in the form of
    the day), narrowed by the deadline filters, in the list's order. The own-organisation part
    is read through the keys' index on (organisation, next deadline): besides the scope's own
    condition on the client, its stored row's organisation is one of the scope's (the same
    organisation while the row exists), and on SQLite the join starts from the stored rows
    (CROSS JOIN fixes SQLite's join order), so the first rows of a caseload of thousands are
    read without reading the rest."""
    own, shared = _own_and_shared(scope, options)
    key = F("due__next_due")
    order = SORTS[options.sort]
    out = []
    if own is not None:
        own = own.filter(due__organisation_id__in=_index_organisations(scope, options))
    for i, part in enumerate([p for p in (own, *shared) if p is not None]):
        (narrowed,) = _deadline_limits([part], options, scope.on, key)
        rows = narrowed.annotate(next_due_key=key).values(*fields)
        rows = rows.order_by(*order) if ordered else rows.order_by()
        sql, params = rows.query.sql_with_params()
        if i == 0 and own is not None and vendor == "sqlite":
            inner = 'FROM "clients_client" INNER JOIN "casework_clientdue" ON '
            if inner not in sql:
                raise RuntimeError("The worklist's ordered read lost its join: " + sql[:200])
            sql = sql.replace(inner, 'FROM "casework_clientdue" CROSS JOIN "clients_client" ON ', 1)
        out.append((sql, tuple(params)))
    return out


def _ordered_heads_statement(
    vendor: str, scope: ScopeKey | None, options: WorklistOptions
) -> tuple[str, tuple[Any, ...]] | None:
    """The SQL of `Worklist.heads` read in order (`_in_order`): each part's first rows (its
    LIMIT the page's end), merged in the list's order; LIMIT and OFFSET of the page are the last
    two parameters, and each part's LIMIT is a parameter before them, given by the caller (see
    `Worklist._ordered_heads`). None for an empty caseload."""
    if scope is None:
        return None
    names = (*WORKLIST_FIELDS, "next_due_key")
    parts = _ordered_parts(vendor, scope, options, names)
    if not parts:
        return None
    positions = []
    for name in SORTS[options.sort]:
        column = name.lstrip("-")
        direction = "DESC" if name.startswith("-") else "ASC"
        positions.append(f"{names.index(column) + 1} {direction}")
    selects = [
        f"SELECT * FROM ({sql} LIMIT %s) part{i}"  # noqa: S608 (ORM-built SQL, no input)
        for i, (sql, _) in enumerate(parts)
    ]
    statement = f"{' UNION ALL '.join(selects)} ORDER BY {', '.join(positions)} LIMIT %s OFFSET %s"
    return statement, tuple(values for _, values in parts)


def _ordered_count_filtered_statement(
    vendor: str, scope: ScopeKey | None, options: WorklistOptions
) -> tuple[str, tuple[Any, ...]] | None:
    """The size of a list read in order and narrowed by a deadline filter: the parts' rows
    within the filter's range of the keys' index, counted."""
    if scope is None:
        return None
    parts = _ordered_parts(vendor, scope, options, ("id",), ordered=False)
    if not parts:
        return None
    union = " UNION ALL ".join(
        f"SELECT * FROM ({sql}) part{i}"  # noqa: S608 (ORM-built SQL, no input)
        for i, (sql, _) in enumerate(parts)
    )
    params = tuple(v for _, values in parts for v in values)
    return f"SELECT COUNT(*) FROM ({union}) caseload", params  # noqa: S608


def _heads_statement(
    vendor: str, scope: ScopeKey | None, options: WorklistOptions, mine: int | None
) -> tuple[str, tuple[Any, ...]] | None:
    """The SQL and parameters of `Worklist.heads` when every key is stored and no kind of
    action is asked for: the caseload's parts narrowed by the deadline filters, with their
    stored keys, in the list's order; its LIMIT and OFFSET are the last two parameters, given
    by the caller. None for an empty caseload. A function of its arguments alone
    (`_kept_heads_statement`)."""
    from kotopolku.casework.next_due import stored_key

    parts = _caseload_parts(scope, options, mine)
    if not parts or scope is None:
        return None
    key = stored_key(on=scope.on)
    rows = _union(
        [
            p.annotate(next_due_key=key).values(*WORKLIST_FIELDS, "next_due_key")
            for p in _deadline_limits(parts, options, scope.on, key)
        ]
    ).order_by(*SORTS.get(options.sort, SORTS["due"]))
    sql, params = rows.query.sql_with_params()
    return f"{sql} LIMIT %s OFFSET %s", tuple(params)


# The worklist's statements of the recent scopes and options, kept per process (a search is
# never kept: names stay out of the process's memory). Building and compiling the caseload's
# query through the ORM cost more than running it at 300 clients (bench/README.md, worklist);
# its text and parameters depend only on the arguments, so each is built once per key. The key
# holds everything the query is built from: the database, the scope (`client_scope_key`: the
# user's organisations by role and the day), the options and the user's id for the "mine"
# filter. Which clients the query returns is decided by the database on every read.
_kept_count_statement = lru_cache(maxsize=512)(_count_statement)
_kept_heads_statement = lru_cache(maxsize=512)(_heads_statement)
_kept_ordered_count_statement = lru_cache(maxsize=512)(_ordered_count_statement)
_kept_ordered_heads_statement = lru_cache(maxsize=512)(_ordered_heads_statement)
_kept_ordered_count_filtered_statement = lru_cache(maxsize=512)(_ordered_count_filtered_statement)


class Worklist:
    """The user's caseload ordered and paged in SQL by the next deadline (`next_due.py`), the
    detailed deadlines computed in Python only for the rows asked for.

    It behaves like a sequence for `Paginator` and DRF's pagination: `count()` is one COUNT
    over the caseload, a slice is one query for the page's clients plus one for the case data
    of those clients only (`_case_rows_sql`). Both statements are built once per scope and
    options (`_kept_count_statement`, `_kept_heads_statement`). The rule book is the
    request's (`RuleBook.load()`).
    """

    def __init__(self, *, user: Any, on: date, options: WorklistOptions, rules: RuleBook):
        self.user = user
        self.on = on
        self.options = options
        self.rules = rules
        self._count: int | None = None
        self._key: Any = None
        self._stored = False  # every key of the caseload is stored (`key`)
        self._in_order = False  # and the list is read through the keys' index (`_in_order`)
        self._scope_key: ScopeKey | None = None
        self._scoped_parts: list[QuerySet[Client]] | None = None

    def key(self) -> Any:
        """The order key expression, after storing the keys the caseload lacks.

        One query counts the caseload, finds whether clients lack a stored key (after a write
        to their case rows, or when new) and whether stored rows are in another day's form;
        only then are the forms turned (`next_due.refresh_forms`) and the keys computed for up
        to `STORE_BATCH` clients (one INSERT … SELECT); when more were missing, the rest is
        computed in the page's query. So the steady state reads stored keys, and the large
        expression of the rules is built only when a key is missing. A list that can be read
        in order (`_in_order`) is counted from the indexes (`_ordered_count_statement`) and
        paged through the keys' index (`_ordered_heads_statement`).
        """
        if self._key is None:
            from django.db import connection

            from kotopolku.casework.next_due import (
                STORE_BATCH,
                next_due_key,
                refresh_forms,
                store_missing,
                stored_key,
            )

            options = self.options
            vendor = connection.vendor
            scope = self._scope()
            total = lacking = stale = 0
            in_order = _in_order(options) and vendor in ("sqlite", "postgresql")
            if in_order:
                compiled = _kept_ordered_count_statement(
                    vendor, scope, replace(options, overdue=False, due_by=None)
                )
                if compiled is not None:
                    with prepared_cursor() as cursor:
                        cursor.execute(*compiled)
                        own, restricted, stored, shared, shared_lacking, stale = cursor.fetchone()
                    total = own - restricted + shared
                    lacking = own - stored + shared_lacking
                    # More stored rows than clients: a write between the counts; read it as
                    # the clients are, this time.
                    in_order = own >= stored
            if not in_order:
                # One pass over the caseload counts it and the clients without a stored key;
                # the count is the list's when no deadline filter narrows it.
                build = _count_statement if options.search else _kept_count_statement
                caseload = replace(options, action="", overdue=False, due_by=None, sort="due")
                compiled = build(vendor, scope, caseload, self._mine())
                if compiled is not None:
                    with prepared_cursor() as cursor:
                        cursor.execute(*compiled)
                        total, lacking, stale = cursor.fetchone()
            if not (options.action or options.overdue or options.due_by is not None):
                self._count = total
            if stale:
                refresh_forms(self.on)
            missing: list[int] = []
            if lacking:
                parts = _caseload_parts(scope, options, self._mine(), restricted=True)
                ids = _union([p.filter(due__isnull=True).values("id") for p in parts])
                missing = [r["id"] for r in ids[: STORE_BATCH + 1]]
            if missing:
                store_missing(
                    Client.objects.filter(pk__in_ids=missing[:STORE_BATCH]),
                    rules=self.rules,
                    on=self.on,
                )
            if len(missing) > STORE_BATCH:
                self._key = next_due_key(on=self.on, rules=self.rules)
            else:
                self._key = stored_key(on=self.on)
                self._stored = True
                self._in_order = in_order
        return self._key

    def _scope(self) -> ScopeKey | None:
        from kotopolku.access.clients import client_scope_key

        if self._scope_key is None:
            self._scope_key = client_scope_key(self.user, self.on)
        return self._scope_key

    def _scoped(self) -> list[QuerySet[Client]]:
        """The caseload's parts (own organisation, referrals) with the search and the
        organisation filter, before any filter on deadlines (built once per worklist)."""
        if self._scoped_parts is None:
            self._scoped_parts = _caseload_parts(self._scope(), self.options, self._mine())
        return self._scoped_parts

    def _mine(self) -> int | None:
        """The user's id when the list is narrowed to their own clients (the "mine" filter)."""
        return self.user.pk if self.options.worker == "mine" else None

    def _parts(self) -> list[QuerySet[Client]]:
        """The caseload's parts narrowed by the deadline filters."""
        from kotopolku.casework.next_due import ACTION_COLUMNS, next_due_annotations

        options = self.options
        parts = self._scoped()
        if options.action in ACTION_COLUMNS:
            # A kind of action is not stored: computed from the case rows of the caseload.
            column = ACTION_COLUMNS[options.action]
            day = next_due_annotations(on=self.on, rules=self.rules)[column]
            parts = [p.alias(**{column: day}).filter(**{f"{column}__isnull": False}) for p in parts]
        return _deadline_limits(parts, options, self.on, self.key())

    def count(self) -> int:
        self.key()  # counts the caseload on the way when no deadline filter narrows it
        if self._count is None and self._in_order:
            from django.db import connection

            compiled = _kept_ordered_count_filtered_statement(
                connection.vendor, self._scope(), self.options
            )
            self._count = 0
            if compiled is not None:
                with prepared_cursor() as cursor:
                    cursor.execute(*compiled)
                    (self._count,) = cursor.fetchone()
        if self._count is None:
            parts = [p.values("id") for p in self._parts()]
            self._count = _union(parts).count() if parts else 0
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        return iter(self[0 : self.count()])

    def __getitem__(self, index: slice | int) -> Any:
        if isinstance(index, int):
            return self[index : index + 1][0]
        return self.rows(index.start or 0, index.stop)

    def heads(self, start: int, stop: int | None) -> list[dict[str, Any]]:
        """The page's clients in order, with `next_due_key`: one query (after `key()`)."""
        if stop is not None and stop <= start:
            return []
        day = self.key()
        options = self.options
        if stop is not None and self._in_order:
            return self._ordered_heads(start, stop)
        if stop is not None and self._stored and not options.action:
            return self._kept_heads(start, stop)
        parts = [
            p.annotate(next_due_key=day).values(*WORKLIST_FIELDS, "next_due_key")
            for p in self._parts()
        ]
        if not parts:
            return []
        rows = _union(parts).order_by(*SORTS.get(options.sort, SORTS["due"]))
        return list(rows[start:stop])

    def _ordered_heads(self, start: int, stop: int) -> list[dict[str, Any]]:
        """`heads` through the keys' index (`_ordered_heads_statement`): each part's first
        `stop` rows, merged."""
        from django.db import connection

        compiled = _kept_ordered_heads_statement(connection.vendor, self._scope(), self.options)
        if compiled is None:
            return []
        sql, parts = compiled
        params = [value for values in parts for value in (*values, stop)]
        return self._fetch_heads(sql, [*params, stop - start, start])

    def _kept_heads(self, start: int, stop: int) -> list[dict[str, Any]]:
        """`heads` by the kept statement (`_kept_heads_statement`), as the ORM would give them."""
        from django.db import connection

        build = _heads_statement if self.options.search else _kept_heads_statement
        compiled = build(connection.vendor, self._scope(), self.options, self._mine())
        if compiled is None:
            return []
        sql, params = compiled
        return self._fetch_heads(sql, [*params, stop - start, start])

    def _fetch_heads(self, sql: str, params: list[Any]) -> list[dict[str, Any]]:
        from django.db import connection

        # Planned for its values each time: a plan kept for the text (`prepared_cursor`) reads
        # a small caseload as it would a large one (5.4 ms against 1 ms at 300 own clients).
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        names = (*WORKLIST_FIELDS, "next_due_key")
        heads = [dict(zip(names, row, strict=True)) for row in fetched]
        if connection.vendor == "sqlite":  # SQLite gives days as text
            for head in heads:
                for name in ("first_permit_date", "client_since", "next_due_key"):
                    if isinstance(head[name], str):
                        head[name] = date.fromisoformat(head[name])
        return heads

    def rows(self, start: int, stop: int | None) -> list[WorklistRow]:
        heads = self.heads(start, stop)
        for head in heads:
            head["pk"] = head.pop("id")
            head.pop("next_due_key")
        return worklist_rows(heads, on=self.on, rules=self.rules)


def worklist(
    *, user: Any, on: date, search: str = "", options: WorklistOptions | None = None
) -> Worklist:
    """The user's open clients (caseload ∩ scope; restricted clients left out) sorted by the
    nearest deadline, as a lazy sequence of `WorklistRow`: order, filters and paging in SQL,
    the detailed deadlines only for the rows read. The caller audits the rows it shows
    (`worklist_audit`)."""
    if options is None:
        options = WorklistOptions(search=search)
    return Worklist(user=user, on=on, options=options, rules=RuleBook.load())


@dataclass(frozen=True)
class WorklistCounts:
    clients: int
    overdue: int
    due_soon: int


def worklist_counts(*, user: Any, on: date, soon: date) -> WorklistCounts:
    """How many clients of the worklist there are, how many have an overdue deadline and how
    many one from `on` to `soon` (the home page): three COUNTs, no deadline computed in Python."""
    rules = RuleBook.load()
    every = Worklist(user=user, on=on, options=WorklistOptions(), rules=rules)
    key = every.key()

    def count(**options: Any) -> int:
        worklist = Worklist(user=user, on=on, options=WorklistOptions(**options), rules=rules)
        # The keys were stored (or not) once for all three.
        worklist._key, worklist._stored = key, every._stored
        worklist._in_order = every._in_order and _in_order(worklist.options)
        return worklist.count()

    overdue = count(overdue=True)
    return WorklistCounts(
        clients=every.count(), overdue=overdue, due_soon=count(due_by=soon) - overdue
    )


def worklist_rows(heads: list[dict[str, Any]], *, on: date, rules: RuleBook) -> list[WorklistRow]:
    """The detailed deadlines of the given clients (dicts of `WorklistClient`'s fields), in
    their order. One query whatever the number of clients (assessments, plans, the plans'
    services, reviews and extensions: `_case_rows_sql`); the case data is read as plain values
    (no model instances, no per-object prefetch machinery), into the snapshots `case_snapshot`
    builds."""
    if not heads:
        return []
    # A list of ids, not a subquery: both databases then use the foreign-key indexes. It is
    # sent as one parameter (`in_ids`): binding hundreds of ids one by one cost more than the query.
    assessments: dict[int, list[AssessmentSnapshot]] = {}
    plan_rows: list[tuple] = []
    services: dict[int, list[ServiceSnapshot]] = {}
    reviews: dict[int, list[date]] = {}
    extensions: dict[int, list[ExtensionSnapshot]] = {}
    for (
        kind,
        client_id,
        plan_id,
        _row,
        day_1,
        day_2,
        day_3,
        flag,
        months,
        reason,
        note,
    ) in _case_rows([h["pk"] for h in heads]):
        if kind == _ASSESSMENT:
            assessments.setdefault(client_id, []).append(AssessmentSnapshot(day_1, day_2, flag))
        elif kind == _PLAN:
            plan_rows.append((plan_id, client_id, day_1, day_2, day_3))
        elif kind == _SERVICE:
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
    return rows


def saved_worklist_filters(*, user: Any) -> list[SavedWorklistFilter]:
    return list(SavedWorklistFilter.objects.filter(user_id=user.pk).order_by("name", "id"))


def saved_worklist_filter(*, user: Any, pk: int) -> SavedWorklistFilter | None:
    """One of the user's own saved filters (None for another user's)."""
    return SavedWorklistFilter.objects.filter(user_id=user.pk, pk=pk).first()


def worklist_audit(*, user: Any, rows: list[WorklistRow], path: str = "") -> None:
    """One `view` row per client shown on the worklist page (batched)."""
    audit_client_reads(
        actor=user,
        action=AuditEvent.Action.VIEW,
        object_type="Worklist",
        client_ids=[row.client.pk for row in rows],
        details=audit_summary("worklist"),
        path=path,
    )


def digest_audit(*, user: Any, client_ids: list[int], channel: str) -> None:
    """One `view` row per client a deadline digest names to its reader (`channel`: "inbox" or
    "email"), so the client's log report lists it; the bulk-read alert leaves these out."""
    audit_client_reads(
        actor=user,
        action=AuditEvent.Action.VIEW,
        object_type="DeadlineDigest",
        client_ids=client_ids,
        details=audit_summary(f"digest_{channel}"),
    )


def contact_list(*, user: Any, search: str = "") -> QuerySet:
    """The guidance contacts of the user's organisations; a contact with a known client only
    while that client is in the user's scope (after a transfer the client's contacts go too)."""
    from kotopolku.access.casework import casework_organisation_ids
    from kotopolku.access.clients import visible_client_ids

    rows = (
        GuidanceContact.objects.filter(organisation_id__in=casework_organisation_ids(user))
        .filter(Q(client__isnull=True) | Q(client_id__in=visible_client_ids(user)))
        .select_related("client", "organisation", "service")
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


def response_overdue(on: date | None = None) -> ExpressionWrapper:
    """A referral still waiting for its answer (sent) after its response due day, per row."""
    on = on or timezone.localdate()
    return ExpressionWrapper(
        Q(status=Referral.Status.SENT, response_due__lt=on), output_field=BooleanField()
    )


def referral_list(*, user: Any, search: str = "", status: str = "") -> QuerySet[Referral]:
    """The referrals `user` may see (access/casework.py `referral_scope`): for the responsible
    organisation every referral of its clients, onward ones included; `response_overdue` marks
    those whose answer is overdue."""
    from kotopolku.access.casework import referral_scope

    rows = (
        Referral.objects.filter(referral_scope(user))
        .annotate(response_overdue=response_overdue())
        .select_related("client", "from_organisation", "to_organisation", "service", "parent")
    )
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
        "client", "from_organisation", "to_organisation", "service", "consent", "parent"
    ).get(pk=pk)


def referral_chain(*, referral: Referral, user: Any) -> list[Referral]:
    """The referrals of the same chain as `referral` (its ancestors and onward referrals) that
    `user` may see, oldest first: the responsible organisation sees them all."""
    from kotopolku.access.casework import referral_scope

    root = referral
    ancestors = {root.pk}
    while root.parent_id is not None and root.parent_id not in ancestors:
        root = Referral.objects.get(pk=root.parent_id)
        ancestors.add(root.pk)
    seen = {root.pk}
    chain, level = [], [root.pk]
    visible = Referral.objects.filter(referral_scope(user))
    while level:
        rows = list(
            visible.filter(pk__in=level).select_related("from_organisation", "to_organisation")
        )
        chain += rows
        level = list(
            Referral.objects.filter(parent_id__in=level)
            .exclude(pk__in=seen)
            .values_list("pk", flat=True)
        )
        seen.update(level)
    return sorted(chain, key=lambda r: (r.sent_on, r.pk))


def client_referrals(*, client: Client, user: Any) -> QuerySet[Referral]:
    """The client's referrals that `user` may see (the whole chain for the responsible side)."""
    from kotopolku.access.casework import referral_scope

    return (
        Referral.objects.filter(referral_scope(user), client=client)
        .annotate(response_overdue=response_overdue())
        .select_related("from_organisation", "to_organisation", "service", "parent")
        .order_by("-sent_on", "-id")
    )
