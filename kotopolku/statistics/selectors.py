"""The computed indicators of the integration work (docs/domain.md §3). One function per indicator.

Each function takes `Filters` and a breakdown (`by`) and returns a `StatTable` whose cells know
the persons they rest on. Each runs a fixed number of aggregate queries (the breakdown and the
total; rule rows and row labels once), whatever the size of the data: nothing loops over
clients in Python.

The statutory rules (P4 referral due day, P5 review due day, P6 assessment target, P7
orientation hours, P8 language target) are not written here: each is the SQL form of its rule
object in `casework/statutory.py`, whose Python form `compute_deadlines` calls, so a rule exists
once (docs/adr/0002-rules-once-python-and-sql.md). The rule rows are read once per set of tables
(`shared_reads`) and the row in force is picked per row inside the SQL. The small hand-built
data sets of the tests check the figures against `compute_deadlines` and `courses.progress`.

The figures are raw here. Whatever leaves the personal-data boundary goes through
`statistics.suppression.suppress` first (see `statistics.services.dashboard_tables`).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import wraps
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import get_language, gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kotopolku.casework.models import (
    Assessment,
    GuidanceContact,
    IntegrationPlan,
    PlanExtension,
    Referral,
)
from kotopolku.casework.statutory import (
    ASSESSMENT_DUE,
    LANGUAGE_TARGET,
    ORIENTATION_COMPLETION,
    REFERRAL_DUE,
    REVIEW_DUE,
    RuleBook,
)
from kotopolku.clients.models import Client, ClientLanguage, HomeMunicipalityPeriod
from kotopolku.courses.models import Attendance, Course, Enrolment, LanguageTestResult
from kotopolku.organisations.models import Organisation
from kotopolku.rules.periods import municipality_on
from kotopolku.statistics.filters import (
    AGE_BANDS,
    PERMIT_GROUP_LABELS,
    PERMIT_GROUPS,
    Filters,
    age_band_q,
    client_q,
    municipality_exists,
)
from kotopolku.statistics.sql import DaysBetween, Median
from kotopolku.statistics.tables import (
    MEDIAN,
    RATE,
    Cell,
    Column,
    Row,
    StatTable,
    fill_rates,
    median_value,
)

CLIENT_DIMENSIONS = ("municipality", "permit_group", "age_band", "gender", "language")
UNKNOWN = "unknown"
SKILLS = LanguageTestResult.SKILLS


# ---------------------------------------------------------------- rule rows in SQL


_MEMO: ContextVar[dict | None] = ContextVar("statistics_memo", default=None)


@contextmanager
def shared_reads():
    """Within the block, rule rows and row labels are read once for all indicator tables.

    On PostgreSQL the outermost block also turns JIT compilation off for its transaction: the
    planner costs these aggregate queries high (correlated subqueries), so JIT would compile
    each for about half a second while the query itself runs in a tenth of that.
    """
    if _MEMO.get() is not None:
        yield
        return
    token = _MEMO.set({})
    try:
        if connection.vendor == "postgresql":
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL jit = off")
                yield
        else:
            yield
    finally:
        _MEMO.reset(token)


def indicator(function: Callable[..., StatTable]) -> Callable[..., StatTable]:
    """An indicator table function: runs inside `shared_reads`."""

    @wraps(function)
    def wrapped(*args: Any, **kwargs: Any) -> StatTable:
        with shared_reads():
            return function(*args, **kwargs)

    return wrapped


# ---------------------------------------------------------------- the figures' reads

_TAPE: ContextVar[Tape | None] = ContextVar("statistics_tape", default=None)


class TapeMismatch(Exception):
    """A stored recording does not fit the table function that replays it."""


class Tape:
    """The results of the figure queries of one table function, in the order it made them.

    Recording (`replay` None): every figure query runs and its rows are kept in `recorded`.
    Replaying: the figure queries do not run; their rows come from `replay`, in order. Only the
    figures go through the tape; rule rows and row labels are read as usual, so a replayed
    table is labelled in the reader's language with the names of today (`statistics.summaries`
    stores recordings: docs/adr/0010-statistics-summary-table.md).
    """

    def __init__(self, replay: list[Any] | None = None) -> None:
        self.recorded: list[Any] = []
        self.replay = replay
        self.position = 0

    def read(self, fetch: Callable[[], list[Any]]) -> list[Any]:
        if self.replay is None:
            rows = fetch()
            self.recorded.append(rows)
            return rows
        if self.position >= len(self.replay):
            raise TapeMismatch("more reads than recorded")
        rows = self.replay[self.position]
        self.position += 1
        return rows

    def finish(self) -> None:
        if self.replay is not None and self.position != len(self.replay):
            raise TapeMismatch("fewer reads than recorded")


@contextmanager
def taped(tape: Tape):
    """Within the block, the figure queries of the indicator tables go through `tape`."""
    token = _TAPE.set(tape)
    try:
        yield tape
    finally:
        _TAPE.reset(token)


def _figures(fetch: Callable[[], list[Any]]) -> list[Any]:
    """Every query of figures (not of labels or rules) goes through here."""
    tape = _TAPE.get()
    return fetch() if tape is None else tape.read(fetch)


def _memo(key: str, read: Callable[[], Any]) -> Any:
    memo = _MEMO.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


def _rules() -> RuleBook:
    """The rule rows of every statutory rule, read once within `shared_reads`."""
    return _memo("rules", RuleBook.load)


# ---------------------------------------------------------------- breakdowns


@dataclass(frozen=True)
class Subject:
    """How an indicator's records reach the client, the event day and the organisation."""

    client_id: str  # the client's id in the record's query ("id", "client_id", …)
    day: str | date  # the event day: a field name, or a fixed date
    organisation: Callable[[int], Q]

    @property
    def client_path(self) -> str:
        return "" if self.client_id == "id" else self.client_id[: -len("id")].rstrip("_") + "__"


def _municipality_at(subject: Subject):
    """The client's home municipality (the region's organisation, else NULL) on the event day:
    the one choice of `rules.periods`."""
    return municipality_on(
        HomeMunicipalityPeriod.objects.all(), client_ref=subject.client_id, day=subject.day
    )


def _dimension(by: str, subject: Subject, filters: Filters):
    path = subject.client_path
    if by == "municipality":
        return _municipality_at(subject)
    if by == "permit_group":
        return Case(
            *[
                When(**{f"{path}permit_basis__in": bases}, then=Value(group))
                for group, bases in PERMIT_GROUPS.items()
            ],
            default=Value(UNKNOWN),
            output_field=CharField(),
        )
    if by == "age_band":
        return Case(
            *[
                When(age_band_q(band, filters.period.end, path), then=Value(band))
                for band, _low, _high in AGE_BANDS
            ],
            default=Value(UNKNOWN),
            output_field=CharField(),
        )
    if by == "gender":
        return F(f"{path}gender")
    if by == "language":
        return Subquery(
            ClientLanguage.objects.filter(client_id=OuterRef(subject.client_id), mother_tongue=True)
            .order_by("code")
            .values("code")[:1]
        )
    raise ValueError(by)


def _labels(by: str, keys: list[Any]) -> list[tuple[Any, Any]]:
    """The rows of a breakdown, in a stable order: every category, also the empty ones."""
    if by == "municipality":
        municipalities = _memo(
            f"municipalities:{get_language()}",
            lambda: list(
                Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY, archived=False)
                .order_by("name_fi")
                .values_list("pk", "name")
            ),
        )
        known = {pk for pk, _name in municipalities}
        rows: list[tuple[Any, Any]] = list(municipalities)
        if any(k not in known for k in keys):
            rows.append((None, _("no home municipality in the region")))
        return rows
    if by == "permit_group":
        return [(k, v) for k, v in PERMIT_GROUP_LABELS.items()]
    if by == "age_band":
        return [(band, band) for band, _low, _high in AGE_BANDS]
    if by == "gender":
        return [*Client.Gender.choices, ("", _("not recorded"))]
    choices = {
        "channel": GuidanceContact.Channel.choices,
        "topic": GuidanceContact.Topic.choices,
        "reason": PlanExtension.Reason.choices,
    }
    if by in choices:
        return list(choices[by])
    # Languages and other open sets: the keys that occur.
    present = sorted({k for k in keys if k is not None})
    rows = [(k, str(k)) for k in present]
    if None in keys:
        rows.append((None, _("not recorded")))
    return rows


def _org_q(record_field: str | None, client_path: str) -> Callable[[int], Q]:
    def q(organisation_id: int) -> Q:
        by_client = Q(**{f"{client_path}responsible_organisation_id": organisation_id})
        if record_field is None:
            return by_client
        return Q(**{f"{record_field}_id": organisation_id}) | (
            Q(**{f"{record_field}__isnull": True}) & by_client
        )

    return q


def _filtered(qs: QuerySet, filters: Filters, subject: Subject) -> QuerySet:
    qs = qs.filter(client_q(filters, subject.client_path))
    if filters.municipality_id:
        qs = qs.filter(municipality_exists(subject.client_id, subject.day, filters.municipality_id))
    if filters.organisation_id:
        qs = qs.filter(subject.organisation(filters.organisation_id))
    return qs


def _run(qs: QuerySet, aggregates: dict[str, Any], group) -> tuple[dict[Any, dict], dict]:
    """The aggregates per group (when grouped) and for the whole, in one query: the grouped
    rows UNION ALL the total row (marked by `whole`)."""
    if group is None:
        return {}, _aggregate(qs, aggregates)
    annotated = qs.annotate(group=group, whole=Value(0))
    output_field = annotated.query.annotations["group"].output_field
    grouped = annotated.values("group", "whole").annotate(**aggregates).order_by()
    total = (
        qs.annotate(group=Value(None, output_field=output_field), whole=Value(1))
        .values("group", "whole")
        .annotate(**aggregates)
        .order_by()
    )
    rows = _figures(lambda: list(grouped.union(total, all=True)))
    whole: dict = next((r for r in rows if r["whole"] == 1), {})
    return {r["group"]: r for r in rows if r["whole"] == 0}, whole


def _aggregate(qs: QuerySet, aggregates: dict[str, Any]) -> dict:
    """`qs.aggregate(...)` in one plain SELECT. Django's own aggregate() wraps annotated
    querysets in a subquery that can drop an annotation used only in an aggregate's filter
    (seen with Exists on SQLite); a constant "group" has no GROUP BY and no wrapper."""
    rows = _figures(
        lambda: list(qs.annotate(whole=Value(1)).values("whole").annotate(**aggregates).order_by())
    )
    return rows[0] if rows else {}


def _table(
    *,
    key: str,
    title: Any,
    description: Any,
    columns: list[Column],
    by: str,
    grouped: dict[Any, dict],
    total: dict,
    cells: Callable[[_Zeros], dict[str, Cell]],
    total_label: Any = None,
    **extra: Any,
) -> StatTable:
    rows = []
    if by:
        for row_key, label in _labels(by, list(grouped)):
            values = grouped.get(row_key) or {}
            rows.append(Row(str(row_key), label, cells(_zeros(values))))
    table = StatTable(
        key=key,
        title=title,
        description=description,
        columns=columns,
        rows=rows,
        total=Row("total", total_label or _("Total"), cells(_zeros(total))),
        **extra,
    )
    fill_rates(table)
    return table


def _zeros(values: dict) -> _Zeros:
    return _Zeros(values)


class _Zeros(dict):
    """Aggregate values where a missing or NULL count reads as 0 (medians stay None)."""

    def count(self, name: str) -> int:
        return int(self.get(name) or 0)


def _count(values: _Zeros, name: str, persons: str | None = None) -> Cell:
    return Cell(values.count(name), values.count(persons or name))


def _median(values: _Zeros, name: str, persons: str) -> Cell:
    return Cell(median_value(values.get(name)), values.count(persons))


def _today(filters: Filters) -> date:
    """The day a stock figure is read on: the period's last day, or today within it."""
    return min(filters.period.end, timezone.localdate())


# ---------------------------------------------------------------- the indicators


def _target_level(on: date) -> str:
    """P8's target level in force on `on`, for labels ("–" when no rule is in force)."""
    return _memo(
        f"target_level:{on.isoformat()}",
        lambda: LANGUAGE_TARGET.target(on, rules=_rules()) or "–",
    )


def _with_target_level(text: str, skill: str = "", on: date | None = None) -> str:
    """`text` translated, with the target level in force on `on` (today) as `%(level)s`."""
    values = {"level": _target_level(on or timezone.localdate())}
    if skill:
        values["skill"] = str(_skill_label(skill))
    return gettext(text) % values


# The headline labels are built when read: the language is the request's and the level is the
# rule row in force that day.
target_level_label = lazy(_with_target_level, str)


def _skill_label(skill: str) -> Any:
    return getattr(LanguageTestResult._meta.get_field(skill), "verbose_name", skill)


@indicator
def new_clients(filters: Filters, *, by: str = "municipality") -> StatTable:
    subject = Subject("id", "client_since", _org_q(None, ""))
    p = filters.period
    qs = _filtered(Client.objects.filter(client_since__range=(p.start, p.end)), filters, subject)
    grouped, total = _run(
        qs, {"clients": Count("id")}, _dimension(by, subject, filters) if by else None
    )
    return _table(
        key="new_clients",
        title=_("New clients"),
        description=_("Clients whose client relationship began in the period."),
        columns=[Column("clients", _("new clients"))],
        by=by,
        grouped=grouped,
        total=total,
        cells=lambda v: {"clients": _count(v, "clients")},
        chart_column="clients",
    )


GUIDANCE_DIMENSIONS = ("topic", "channel", "language", "municipality", "organisation")


@indicator
def guidance_contacts(filters: Filters, *, by: str = "topic") -> StatTable:
    """Guidance contacts, anonymous ones included (they count their persons).

    Client filters (age, gender, permit basis) leave the anonymous contacts out: nothing is
    known of them. The municipality is the guiding organisation's.
    """
    p = filters.period
    qs = GuidanceContact.objects.filter(day__range=(p.start, p.end))
    if filters.has_client_filters:
        client_filters = Filters(
            p, permit_group=filters.permit_group, age_band=filters.age_band, gender=filters.gender
        )
        qs = qs.filter(client__isnull=False).filter(client_q(client_filters, "client__"))
        if filters.language:
            qs = qs.filter(language=filters.language)
    if filters.municipality_id:
        qs = qs.filter(organisation_id=filters.municipality_id)
    if filters.organisation_id:
        qs = qs.filter(organisation_id=filters.organisation_id)
    aggregates = {
        "contacts": Count("id"),
        "known": Count("client", distinct=True),
        "anonymous": Coalesce(Sum("persons", filter=Q(client__isnull=True)), 0),
    }

    def cells(v: _Zeros) -> dict[str, Cell]:
        persons = v.count("known") + v.count("anonymous")
        return {
            "contacts": Cell(v.count("contacts"), persons),
            "persons": Cell(persons, persons),
            "anonymous": Cell(v.count("anonymous"), v.count("anonymous")),
        }

    columns = [
        Column("contacts", _("contacts")),
        Column("persons", pgettext_lazy("statistics column", "persons")),
        Column("anonymous", _("of them anonymous")),
    ]
    common: dict[str, Any] = {
        "key": "guidance_contacts",
        "title": _("Guidance contacts"),
        "description": _(
            "Guidance and counselling contacts in the period, anonymous contacts included; "
            "persons are the distinct known clients plus the persons of anonymous contacts."
        ),
        "columns": columns,
        "chart_column": "contacts",
    }
    if by == "topic":
        # A contact can have several topics: one query with a count per topic.
        text = qs.annotate(topics_text=Cast("topics", TextField()))
        per_topic: dict[str, Any] = {}
        for topic in GuidanceContact.Topic.values:
            has = Q(topics_text__contains=f'"{topic}"')
            per_topic[f"{topic}__contacts"] = Count("id", filter=has)
            per_topic[f"{topic}__known"] = Count("client", distinct=True, filter=has)
            per_topic[f"{topic}__anonymous"] = Coalesce(
                Sum("persons", filter=has & Q(client__isnull=True)), 0
            )
        values = _aggregate(text, {**per_topic, **aggregates})
        grouped = {
            topic: {name: values[f"{topic}__{name}"] for name in ("contacts", "known", "anonymous")}
            for topic in GuidanceContact.Topic.values
        }
        total = {name: values[name] for name in ("contacts", "known", "anonymous")}
        return _table(
            by="topic",
            grouped=grouped,
            total=total,
            cells=cells,
            rows_disjoint=False,
            **common,
        )
    if by in ("channel", "language"):
        group = F(by)
    elif by in ("municipality", "organisation"):
        group = F("organisation_id")
    elif by in CLIENT_DIMENSIONS:
        group = _dimension(by, Subject("client_id", "day", _org_q(None, "client__")), filters)
    else:
        group = None
    grouped, total = _run(qs, aggregates, group)
    if by == "organisation":
        names: dict[Any, Any] = dict(
            Organisation.objects.filter(pk__in=list(grouped)).values_list("pk", "name")
        )
        table = _table(by="", grouped={}, total=total, cells=cells, **common)
        table.rows = [
            Row(str(k), names.get(k, k), cells(_zeros(v)))
            for k, v in sorted(grouped.items(), key=lambda kv: str(names.get(kv[0], "")))
        ]
        return table
    return _table(
        by=by,
        grouped=grouped,
        total=total,
        cells=cells,
        rows_disjoint=by != "gender",
        **common,
    )


def _first_assessments() -> QuerySet[Assessment]:
    earlier = Assessment.objects.filter(client_id=OuterRef("client_id")).filter(
        Q(started__lt=OuterRef("started")) | Q(started=OuterRef("started"), id__lt=OuterRef("id"))
    )
    return Assessment.objects.filter(~Exists(earlier))


@indicator
def assessment_timeliness(filters: Filters, *, by: str = "municipality") -> StatTable:
    """P6: first assessments started in the period, within the target days of the client start."""
    subject = Subject("client_id", "started", _org_q("organisation", "client__"))
    p = filters.period
    qs = _filtered(_first_assessments().filter(started__range=(p.start, p.end)), filters, subject)
    qs = qs.annotate(
        days=DaysBetween(F("started"), F("client__client_since")),
        due=ASSESSMENT_DUE.expression("client__client_since", rules=_rules()),
    )
    aggregates = {
        "assessments": Count("id"),
        "within": Count("id", filter=Q(started__lte=F("due"))),
        "median_days": Median("days"),
    }
    grouped, total = _run(qs, aggregates, _dimension(by, subject, filters) if by else None)
    return _table(
        key="assessment_timeliness",
        title=_("Assessments started within the target"),
        description=_(
            "First assessments started in the period: the share started within the municipal "
            "target (P6) of the start of the client relationship, and the median days."
        ),
        columns=[
            Column("assessments", _("assessments started")),
            Column("within", _("within the target")),
            Column("share", _("share within the target"), RATE, "%", of=("within", "assessments")),
            Column("median_days", _("median days from client start"), MEDIAN, _("days")),
        ],
        by=by,
        grouped=grouped,
        total=total,
        cells=lambda v: {
            "assessments": _count(v, "assessments"),
            "within": _count(v, "within"),
            "median_days": _median(v, "median_days", "assessments"),
        },
        chart_column="share",
    )


def _first_plans() -> QuerySet[IntegrationPlan]:
    earlier = IntegrationPlan.objects.filter(client_id=OuterRef("client_id")).filter(
        Q(start__lt=OuterRef("start")) | Q(start=OuterRef("start"), id__lt=OuterRef("id"))
    )
    return IntegrationPlan.objects.filter(~Exists(earlier))


@indicator
def assessment_to_plan(filters: Filters, *, by: str = "municipality") -> StatTable:
    """Median days from the client's first assessment (its completion, else its start) to the
    start of their first plan, for first plans started in the period."""
    subject = Subject("client_id", "start", _org_q("organisation", "client__"))
    p = filters.period
    first_assessment = (
        Assessment.objects.filter(client_id=OuterRef("client_id"))
        .order_by("started", "id")
        .annotate(day=Coalesce("completed", "started"))
        .values("day")[:1]
    )
    qs = _filtered(_first_plans().filter(start__range=(p.start, p.end)), filters, subject)
    qs = qs.annotate(assessed=Subquery(first_assessment)).filter(assessed__lte=F("start"))
    qs = qs.annotate(days=DaysBetween(F("start"), F("assessed")))
    aggregates = {"plans": Count("id"), "median_days": Median("days")}
    grouped, total = _run(qs, aggregates, _dimension(by, subject, filters) if by else None)
    return _table(
        key="assessment_to_plan",
        title=_("Time from assessment to plan"),
        description=_(
            "First integration plans started in the period after an assessment: the median "
            "days from the assessment (its completion, or its start if not completed) to the plan."
        ),
        columns=[
            Column("plans", _("first plans")),
            Column("median_days", _("median days"), MEDIAN, _("days")),
        ],
        by=by,
        grouped=grouped,
        total=total,
        cells=lambda v: {
            "plans": _count(v, "plans"),
            "median_days": _median(v, "median_days", "plans"),
        },
        chart_column="median_days",
    )


def _plans_in_force_on(day: date) -> QuerySet[IntegrationPlan]:
    return IntegrationPlan.objects.filter(start__lte=day, end__gte=day).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=day)
    )


@indicator
def active_plans(filters: Filters, *, by: str = "municipality") -> StatTable:
    day = _today(filters)
    subject = Subject("client_id", day, _org_q("organisation", "client__"))
    qs = _filtered(_plans_in_force_on(day), filters, subject)
    aggregates = {"plans": Count("id"), "persons": Count("client", distinct=True)}
    grouped, total = _run(qs, aggregates, _dimension(by, subject, filters) if by else None)
    return _table(
        key="active_plans",
        title=_("Active integration plans"),
        description=_(
            "Integration plans in force on the last day of the period (today, for the current "
            "period) and not closed."
        ),
        columns=[Column("plans", _("active plans"))],
        by=by,
        grouped=grouped,
        total=total,
        cells=lambda v: {"plans": _count(v, "plans", "persons")},
        chart_column="plans",
    )


def _plans_in_period(filters: Filters) -> QuerySet[IntegrationPlan]:
    p = filters.period
    return IntegrationPlan.objects.filter(start__lte=p.end, end__gte=p.start).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=p.start)
    )


@indicator
def plan_extensions(filters: Filters, *, by: str = "municipality") -> StatTable:
    """Plans in force in the period that have extensions, and how many have each reason."""
    subject = Subject("client_id", _today(filters), _org_q("organisation", "client__"))
    qs = _filtered(_plans_in_period(filters), filters, subject)
    reasons = PlanExtension.Reason.values
    # One join to the extensions: plans are counted distinct, extensions as joined rows.
    aggregates: dict[str, Any] = {
        "plans": Count("id", distinct=True),
        "extended": Count("id", distinct=True, filter=Q(extensions__isnull=False)),
        "extension_rows": Count("extensions"),
        **{
            f"reason_{r}": Count("id", distinct=True, filter=Q(extensions__reason=r))
            for r in reasons
        },
    }
    grouped, total = _run(qs, aggregates, _dimension(by, subject, filters) if by else None)
    labels = dict(PlanExtension.Reason.choices)
    return _table(
        key="plan_extensions",
        title=_("Plans with extensions"),
        description=_(
            "Integration plans in force in the period: how many have been extended, the number "
            "of extensions, and the plans with an extension for each reason (a plan can have "
            "several reasons)."
        ),
        columns=[
            Column("plans", _("plans in force")),
            Column("extended", _("extended plans")),
            Column("share", _("share extended"), RATE, "%", of=("extended", "plans")),
            Column("extensions", _("extensions")),
            *[Column(f"reason_{r}", labels[r]) for r in reasons],
        ],
        by=by,
        grouped=grouped,
        total=total,
        cells=lambda v: {
            "plans": _count(v, "plans"),
            "extended": _count(v, "extended"),
            "extensions": _count(v, "extension_rows", "extended"),
            **{f"reason_{r}": _count(v, f"reason_{r}") for r in reasons},
        },
        chart_column="extended",
    )


@indicator
def referral_due_met(filters: Filters, *, by: str = "municipality") -> StatTable:
    """P4: plans whose referral due day falls in the period, and those with a service referred
    or started on or before it."""
    subject = Subject("client_id", "start", _org_q("organisation", "client__"))
    p = filters.period
    qs = IntegrationPlan.objects.annotate(
        due=REFERRAL_DUE.expression("start", rules=_rules())
    ).filter(due__range=(p.start, p.end))
    qs = _filtered(qs, filters, subject).annotate(met=REFERRAL_DUE.met_expression(due="due"))
    aggregates = {"plans": Count("id"), "met": Count("id", filter=Q(met=True))}
    grouped, total = _run(qs, aggregates, _dimension(by, subject, filters) if by else None)
    return _table(
        key="referral_due_met",
        title=_("Service by the referral due date"),
        description=_(
            "Integration plans whose referral due date (P4) falls in the period: the share with "
            "a service referred or started on or before it."
        ),
        columns=[
            Column("plans", _("plans due")),
            Column("met", _("with a service in time")),
            Column("share", _("share in time"), RATE, "%", of=("met", "plans")),
        ],
        by=by,
        grouped=grouped,
        total=total,
        cells=lambda v: {"plans": _count(v, "plans"), "met": _count(v, "met")},
        chart_column="share",
    )


@indicator
def overdue_reviews(filters: Filters, *, by: str = "municipality") -> StatTable:
    """P5: plans in force on the period's last day (today, for the current period) whose review
    is overdue: the review interval, counted from the last review on or after the plan start or
    else from the start, ended before that day.

    The interval is the rule in force on the plan's start (P5's reference date, docs/domain.md
    §5, law over time), as `compute_deadlines` reads it: a plan begun under an older act keeps
    that act's interval, whatever the rule on the day counted from or today. A plan whose start
    no rule row covers is counted under `no_rule` (the `no_rule_in_force` of
    docs/data-formats.md), neither overdue nor on time; it never stops the table."""
    day = _today(filters)
    subject = Subject("client_id", day, _org_q("organisation", "client__"))
    qs = _filtered(_plans_in_force_on(day), filters, subject)
    qs = qs.annotate(counted_from=REVIEW_DUE.counted_from_expression())
    qs = qs.annotate(due=REVIEW_DUE.expression("counted_from", rules=_rules(), reference="start"))
    aggregates = {
        "plans": Count("id"),
        "overdue": Count("id", filter=Q(due__lt=day)),
        "no_rule": Count("id", filter=Q(due__isnull=True)),
    }
    grouped, total = _run(qs, aggregates, _dimension(by, subject, filters) if by else None)
    return _table(
        key="overdue_reviews",
        title=_("Overdue plan reviews"),
        description=_(
            "Integration plans in force at the end of the period whose review (P5) is overdue."
        ),
        columns=[
            Column("plans", _("plans in force")),
            Column("overdue", _("review overdue")),
            Column("share", _("share overdue"), RATE, "%", of=("overdue", "plans")),
            Column("no_rule", _("no rule in force on the plan start")),
        ],
        by=by,
        grouped=grouped,
        total=total,
        cells=lambda v: {
            "plans": _count(v, "plans"),
            "overdue": _count(v, "overdue"),
            "no_rule": _count(v, "no_rule"),
        },
        chart_column="overdue",
    )


def _attended() -> Coalesce:
    return Coalesce(
        Subquery(
            Attendance.objects.filter(enrolment_id=OuterRef("pk"))
            .order_by()  # no default ordering: it would join the sessions
            .values("enrolment_id")
            .annotate(total=Sum("hours"))
            .values("total")[:1]
        ),
        Value(Decimal("0")),
    )


def _course_subject() -> Subject:
    def org(organisation_id: int) -> Q:
        return Q(course__provider_id=organisation_id) | Q(
            client__responsible_organisation_id=organisation_id
        )

    return Subject("client_id", "course__end", org)


PARTICIPATED = (Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED, Enrolment.Status.INTERRUPTED)


@indicator
def orientation(filters: Filters, *, by: str = "municipality") -> StatTable:
    """P7: participants of social orientation courses that ended in the period; completed at
    the rule's attended hours (the rule in force on the course's last day), and the median
    attended hours. Courses ending before the rule existed are left out."""
    subject = _course_subject()
    p = filters.period
    qs = Enrolment.objects.filter(
        course__kind=Course.Kind.SOCIAL_ORIENTATION,
        course__end__range=(p.start, p.end),
        status__in=PARTICIPATED,
    )
    qs = _filtered(qs, filters, subject)
    qs = qs.annotate(
        attended=_attended(),
        required=ORIENTATION_COMPLETION.required_expression("course__end", rules=_rules()),
    ).filter(required__isnull=False)
    aggregates = {
        "participants": Count("id"),
        "persons": Count("client", distinct=True),
        "completed": Count("id", filter=ORIENTATION_COMPLETION.completed_q()),
        "median_hours": Median("attended"),
    }
    grouped, total = _run(qs, aggregates, _dimension(by, subject, filters) if by else None)
    return _table(
        key="orientation",
        title=_("Social orientation completion"),
        description=_(
            "Participants of social orientation courses that ended in the period: the share "
            "who attended the hours that complete it (P7), and the median attended hours."
        ),
        columns=[
            Column("participants", _("participants")),
            Column("completed", pgettext_lazy("statistics column", "completed")),
            Column("rate", _("completion rate"), RATE, "%", of=("completed", "participants")),
            Column("median_hours", _("median attended hours"), MEDIAN, _("hours")),
        ],
        by=by,
        grouped=grouped,
        total=total,
        cells=lambda v: {
            "participants": _count(v, "participants", "persons"),
            "completed": _count(v, "completed"),
            "median_hours": _median(v, "median_hours", "persons"),
        },
        chart_column="rate",
    )


@indicator
def training_completion(filters: Filters, *, by: str = "municipality") -> StatTable:
    """Integration training enrolments that ended in the period: completed or interrupted."""
    subject = Subject("client_id", "ended_on", _course_subject().organisation)
    p = filters.period
    qs = Enrolment.objects.filter(
        course__kind=Course.Kind.INTEGRATION_TRAINING,
        ended_on__range=(p.start, p.end),
        status__in=(Enrolment.Status.COMPLETED, Enrolment.Status.INTERRUPTED),
    )
    qs = _filtered(qs, filters, subject)
    aggregates = {
        "ended": Count("id"),
        "completed": Count("id", filter=Q(status=Enrolment.Status.COMPLETED)),
    }
    grouped, total = _run(qs, aggregates, _dimension(by, subject, filters) if by else None)
    return _table(
        key="training_completion",
        title=_("Integration training completion"),
        description=_(
            "Integration training participations that ended in the period: the share completed "
            "rather than interrupted."
        ),
        columns=[
            Column("ended", _("ended")),
            Column("completed", pgettext_lazy("statistics column", "completed")),
            Column("rate", _("completion rate"), RATE, "%", of=("completed", "ended")),
        ],
        by=by,
        grouped=grouped,
        total=total,
        cells=lambda v: {"ended": _count(v, "ended"), "completed": _count(v, "completed")},
        chart_column="rate",
    )


@indicator
def language_target(filters: Filters, *, by: str = "municipality") -> StatTable:
    """P8: final tests of integration training taken in the period; for each skill, the share
    at or above the target level (the rule in force on the test day), and in every tested
    skill."""
    subject = Subject("enrolment__client_id", "day", _course_subject_via_enrolment())
    p = filters.period
    qs = LanguageTestResult.objects.filter(
        day__range=(p.start, p.end), enrolment__course__kind=Course.Kind.INTEGRATION_TRAINING
    )
    qs = _filtered(qs, filters, subject)
    rules = _rules()
    meets = {skill: LANGUAGE_TARGET.meets_q(skill, "day", rules=rules) for skill in SKILLS}
    all_meet = LANGUAGE_TARGET.all_meet_q(SKILLS, "day", rules=rules)
    client = "enrolment__client"
    aggregates: dict[str, Any] = {
        "tested": Count(client, distinct=True),
        "all": Count(client, distinct=True, filter=all_meet),
    }
    for skill in SKILLS:
        aggregates[f"{skill}_tested"] = Count(client, distinct=True, filter=~Q(**{skill: ""}))
        aggregates[f"{skill}_meets"] = Count(client, distinct=True, filter=meets[skill])
    grouped, total = _run(qs, aggregates, _dimension(by, subject, filters) if by else None)
    skill_labels = {s: _skill_label(s) for s in SKILLS}
    columns = [
        Column("tested", _("persons tested")),
        Column("all", _("at the target in every tested skill")),
        Column("all_share", _("share in every skill"), RATE, "%", of=("all", "tested")),
    ]
    for skill in SKILLS:
        columns += [
            Column(f"{skill}_tested", _("%(skill)s: tested") % {"skill": skill_labels[skill]}),
            Column(f"{skill}_meets", _("%(skill)s: at target") % {"skill": skill_labels[skill]}),
            Column(
                f"{skill}_share",
                _("%(skill)s: share") % {"skill": skill_labels[skill]},
                RATE,
                "%",
                of=(f"{skill}_meets", f"{skill}_tested"),
            ),
        ]

    def cells(v: _Zeros) -> dict[str, Cell]:
        out = {"tested": _count(v, "tested"), "all": _count(v, "all")}
        for skill in SKILLS:
            out[f"{skill}_tested"] = _count(v, f"{skill}_tested")
            out[f"{skill}_meets"] = _count(v, f"{skill}_meets")
        return out

    return _table(
        key="language_target",
        title=target_level_label(
            gettext_noop("Language target %(level)s in the final test"), on=p.end
        ),
        description=_(
            "Persons who took the final language test of integration training in the period: "
            "the share at the target level (P8) in each skill and in every tested skill."
        ),
        columns=columns,
        by=by,
        grouped=grouped,
        total=total,
        cells=cells,
        chart_column="all_share",
    )


def _course_subject_via_enrolment() -> Callable[[int], Q]:
    def org(organisation_id: int) -> Q:
        return Q(enrolment__course__provider_id=organisation_id) | Q(
            enrolment__client__responsible_organisation_id=organisation_id
        )

    return org


@indicator
def referrals(filters: Filters, *, by: str = "route") -> StatTable:
    """Referrals sent in the period by route (from → to): accepted share of the answered ones
    and the median days to the answer."""

    def org(organisation_id: int) -> Q:
        return Q(from_organisation_id=organisation_id) | Q(to_organisation_id=organisation_id)

    subject = Subject("client_id", "sent_on", org)
    p = filters.period
    qs = _filtered(Referral.objects.filter(sent_on__range=(p.start, p.end)), filters, subject)
    answered = Q(responded_on__isnull=False)
    accepted = Q(status__in=(Referral.Status.ACCEPTED, Referral.Status.COMPLETED))
    aggregates = {
        "sent": Count("id"),
        "persons": Count("client", distinct=True),
        "answered": Count("id", filter=answered),
        "accepted": Count("id", filter=accepted),
        "median_days": Median(DaysBetween(F("responded_on"), F("sent_on")), filter=answered),
    }

    def cells(v: _Zeros) -> dict[str, Cell]:
        return {
            "sent": _count(v, "sent", "persons"),
            "answered": _count(v, "answered"),
            "accepted": _count(v, "accepted"),
            "median_days": _median(v, "median_days", "answered"),
        }

    common: dict[str, Any] = {
        "key": "referrals",
        "title": pgettext_lazy("statistics heading", "Referrals"),
        "description": _(
            "Referrals sent in the period by route: how many were answered and accepted, the "
            "acceptance rate of the answered ones and the median days to the answer."
        ),
        "columns": [
            Column("sent", pgettext_lazy("statistics column", "sent")),
            Column("answered", _("answered")),
            Column("accepted", pgettext_lazy("statistics column", "accepted")),
            Column("rate", _("acceptance rate"), RATE, "%", of=("accepted", "answered")),
            Column("median_days", _("median days to the answer"), MEDIAN, _("days")),
        ],
        "chart_column": "sent",
    }
    if by != "route":
        grouped, total = _run(qs, aggregates, _dimension(by, subject, filters) if by else None)
        return _table(by=by, grouped=grouped, total=total, cells=cells, **common)
    total = _aggregate(qs, aggregates)
    routes = _figures(
        lambda: list(
            qs.values("from_organisation_id", "to_organisation_id")
            .annotate(**aggregates)
            .order_by("from_organisation_id", "to_organisation_id")
        )
    )
    ids = {r["from_organisation_id"] for r in routes} | {r["to_organisation_id"] for r in routes}
    names = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))
    table = _table(by="", grouped={}, total=total, cells=cells, **common)
    table.rows = [
        Row(
            f"{r['from_organisation_id']}-{r['to_organisation_id']}",
            f"{names.get(r['from_organisation_id'], '')} → {names.get(r['to_organisation_id'], '')}",
            cells(_zeros(r)),
        )
        for r in routes
    ]
    fill_rates(table)
    return table


@indicator
def plan_closures(filters: Filters, *, by: str = "municipality") -> StatTable:
    subject = Subject("client_id", "closed_on", _org_q("organisation", "client__"))
    p = filters.period
    qs = _filtered(
        IntegrationPlan.objects.filter(closed_on__range=(p.start, p.end)), filters, subject
    )
    reasons = IntegrationPlan.Closure.values
    aggregates = {
        "closed": Count("id"),
        **{f"reason_{r}": Count("id", filter=Q(closure_reason=r)) for r in reasons},
    }
    grouped, total = _run(qs, aggregates, _dimension(by, subject, filters) if by else None)
    labels = dict(IntegrationPlan.Closure.choices)
    return _table(
        key="plan_closures",
        title=_("Plan closures by reason"),
        description=_("Integration plans closed in the period, by the reason of closing."),
        columns=[
            Column("closed", _("closed plans")),
            *[Column(f"reason_{r}", labels[r]) for r in reasons],
        ],
        by=by,
        grouped=grouped,
        total=total,
        cells=lambda v: {
            "closed": _count(v, "closed"),
            **{f"reason_{r}": _count(v, f"reason_{r}") for r in reasons},
        },
        row_sums=[(tuple(f"reason_{r}" for r in reasons), "closed")],
        chart_column="closed",
    )


# ---------------------------------------------------------------- the set


@dataclass(frozen=True)
class IndicatorSpec:
    """A headline figure: the total-row cell of one column of one table."""

    key: str
    label: Any
    table: Callable[..., StatTable]
    column: str
    unit: str = ""


TABLES: tuple[Callable[..., StatTable], ...] = (
    new_clients,
    guidance_contacts,
    assessment_timeliness,
    assessment_to_plan,
    active_plans,
    plan_extensions,
    referral_due_met,
    overdue_reviews,
    orientation,
    training_completion,
    language_target,
    referrals,
    plan_closures,
)

INDICATORS: dict[str, IndicatorSpec] = {
    s.key: s
    for s in (
        IndicatorSpec("new_clients", _("new clients"), new_clients, "clients"),
        IndicatorSpec(
            "guidance_contacts",
            pgettext_lazy("statistics indicator", "guidance contacts"),
            guidance_contacts,
            "contacts",
        ),
        IndicatorSpec(
            "guidance_persons", _("persons given guidance"), guidance_contacts, "persons"
        ),
        IndicatorSpec(
            "assessment_within_target_share",
            _("share of assessments started within the target"),
            assessment_timeliness,
            "share",
            "%",
        ),
        IndicatorSpec(
            "assessment_median_days",
            _("median days from client start to assessment"),
            assessment_timeliness,
            "median_days",
        ),
        IndicatorSpec(
            "assessment_to_plan_median_days",
            _("median days from assessment to plan"),
            assessment_to_plan,
            "median_days",
        ),
        IndicatorSpec("active_plans", _("active plans"), active_plans, "plans"),
        IndicatorSpec(
            "plans_extended_share", _("share of plans extended"), plan_extensions, "share", "%"
        ),
        IndicatorSpec(
            "referral_due_met_share",
            _("share of plans with a service by the referral due date"),
            referral_due_met,
            "share",
            "%",
        ),
        IndicatorSpec("overdue_reviews", _("overdue reviews"), overdue_reviews, "overdue"),
        IndicatorSpec(
            "orientation_completion_rate",
            _("orientation completion rate"),
            orientation,
            "rate",
            "%",
        ),
        IndicatorSpec(
            "orientation_median_hours", _("median orientation hours"), orientation, "median_hours"
        ),
        IndicatorSpec(
            "training_completion_rate",
            _("integration training completion rate"),
            training_completion,
            "rate",
            "%",
        ),
        IndicatorSpec(
            "language_target_share",
            target_level_label(gettext_noop("share meeting %(level)s in every tested skill")),
            language_target,
            "all_share",
            "%",
        ),
        *[
            IndicatorSpec(
                f"language_target_share_{skill}",
                target_level_label(gettext_noop("share meeting %(level)s: %(skill)s"), skill),
                language_target,
                f"{skill}_share",
                "%",
            )
            for skill in SKILLS
        ],
        IndicatorSpec(
            "referral_acceptance_rate", _("referral acceptance rate"), referrals, "rate", "%"
        ),
        IndicatorSpec(
            "referral_median_response_days",
            _("median days to a referral answer"),
            referrals,
            "median_days",
        ),
        IndicatorSpec("plan_closures", _("plan closures"), plan_closures, "closed"),
        *[
            IndicatorSpec(
                f"plan_closures_{reason}",
                _("plan closures: %(reason)s") % {"reason": label},
                plan_closures,
                f"reason_{reason}",
            )
            for reason, label in IntegrationPlan.Closure.choices
        ],
    )
}


def indicator_tables(filters: Filters, *, by: str = "municipality") -> list[StatTable]:
    """Every indicator table for the filters (raw; suppress before it leaves the boundary)."""
    with shared_reads():
        return _indicator_tables(filters, by=by)


def own_breakdown(table: Callable[..., StatTable], by: str) -> str:
    """The breakdown a table is shown by on the dashboard when `by` is asked for."""
    if table is guidance_contacts:
        return by if by in GUIDANCE_DIMENSIONS + CLIENT_DIMENSIONS else "topic"
    if table is referrals:
        return by if by in CLIENT_DIMENSIONS else "route"
    return by if by in CLIENT_DIMENSIONS else "municipality"


def _indicator_tables(filters: Filters, *, by: str) -> list[StatTable]:
    return [table(filters, by=own_breakdown(table, by)) for table in TABLES]


def headline_values(
    filters: Filters, *, tables: dict[Callable, StatTable] | None = None
) -> dict[str, Cell | None]:
    """The total of every headline indicator (raw), computing each table once (or taking the
    tables by="" given, as `statistics.summaries` reads them)."""
    tables = dict(tables or {})
    values: dict[str, Cell | None] = {}
    for key, spec in INDICATORS.items():
        if spec.table not in tables:
            tables[spec.table] = spec.table(filters, by="")
        values[key] = tables[spec.table].headline(spec.column)
    return values


OVERVIEW_COLUMNS = (
    ("new_clients", new_clients, "clients"),
    ("assessment_within_target_share", assessment_timeliness, "share"),
    ("active_plans", active_plans, "plans"),
    ("referral_due_met_share", referral_due_met, "share"),
    ("overdue_reviews", overdue_reviews, "overdue"),
    ("orientation_completion_rate", orientation, "rate"),
    ("language_target_share", language_target, "all_share"),
    ("plan_closures", plan_closures, "closed"),
)
OVERVIEW_TABLES = tuple(dict.fromkeys(fn for _k, fn, _c in OVERVIEW_COLUMNS))


def regional_overview(
    filters: Filters,
    *,
    protect: Callable[[StatTable], StatTable] | None = None,
    sources: dict[Callable, StatTable] | None = None,
) -> StatTable:
    """Municipalities side by side on the main indicators.

    `protect` (the suppression) is applied to each source table before its cells are copied,
    so that every overview cell keeps the protection of the table it comes from. `sources`
    gives the raw tables by municipality (as `statistics.summaries` reads them); otherwise
    they are computed.
    """
    keys = OVERVIEW_COLUMNS
    protect = protect or (lambda table: table)
    if sources is None:
        with shared_reads():
            sources = {fn: fn(filters, by="municipality") for fn in OVERVIEW_TABLES}
    sources = {fn: protect(sources[fn]) for fn in OVERVIEW_TABLES}
    first = sources[new_clients]
    columns: list[Column] = []
    for key, fn, column in keys:
        source_column = sources[fn].column(column)
        columns.append(Column(key, INDICATORS[key].label, source_column.kind, source_column.unit))
    rows = []
    for index, row in enumerate(first.all_rows()):
        cells = {}
        for key, fn, column in keys:
            source_row = sources[fn].all_rows()[index]
            cells[key] = source_row.cells[column]
        rows.append(Row(row.key, row.label, cells))
    return StatTable(
        key="regional_overview",
        title=_("Regional overview"),
        description=_("The municipalities of the region side by side on the main indicators."),
        columns=columns,
        rows=rows[:-1],
        total=rows[-1],
        chart_column="new_clients",
        suppressed_applied=all(t.suppressed_applied for t in sources.values()),
    )
