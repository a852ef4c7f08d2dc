"""Everything Kotopolku holds about a client, in one declaration: the single mechanism behind
the data export (GDPR art. 15 and 20) and the retention anonymisation.

Each `Holding` names a model, how its rows reach the client (a Django lookup path, or `rows`
for a reference that is not a foreign key), which fields never leave the system, and what
anonymisation writes over. `tests/test_registry.py` walks Django's model graph from `Client`:
a new model that reaches a client without a holding here (or a reasoned entry in `NOT_HELD`)
fails the test.

Anonymisation keeps what statistics count (municipality, dates, permit basis, gender, birth
month, languages, statuses, hours and amounts) and removes what identifies or describes the
person (names, identity code, contact details, free text).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import CharField, Model, QuerySet, Value
from django.db.models.functions import Cast, Concat, TruncMonth

MASK_TEXT = "[anonymised]"


class Mask:
    """Anonymisation value: non-empty text becomes MASK_TEXT, empty text stays empty.

    For text columns whose emptiness means something (a rejected referral has a reason)."""

    def __repr__(self) -> str:
        return "MASK"


MASK = Mask()


@dataclass(frozen=True)
class Holding:
    model: str
    """`app_label.ModelName`."""
    path: str
    """Lookup from this model to the client's primary key, e.g. `plan__client`; `pk` for Client."""
    secret: tuple[str, ...] = ()
    """Fields that are never exported (encrypted tokens, lookup hashes, file content)."""
    anonymise: dict[str, Any] = field(default_factory=dict)
    """Field → value (a literal, MASK, or a query expression) written by retention."""
    rows: Callable[[int], QuerySet] | None = None
    """For references that are not foreign keys: the rows of the client with this pk."""
    note: str = ""

    @property
    def model_class(self) -> type[Model]:
        return apps.get_model(self.model)

    def queryset(self, client_pk: int) -> QuerySet:
        if self.rows is not None:
            return self.rows(client_pk)
        # _base_manager: archived history rows (replaced by an import) are personal data too.
        return self.model_class._base_manager.filter(**{self.path: client_pk})


def _audit_rows(client_pk: int) -> QuerySet:
    from kotopolku.audit.models import AuditEvent

    return AuditEvent.objects.filter(client_id=client_pk)


def _reconciliation_rows(client_pk: int) -> QuerySet:
    from kotopolku.compensation.models import ReconciliationDecision

    return ReconciliationDecision.objects.filter(subject=f"client:{client_pk}")


HOLDINGS: tuple[Holding, ...] = (
    # clients
    Holding(
        "clients.Client",
        "pk",
        secret=("hetu_encrypted", "hetu_hash"),
        anonymise={
            "external_id": Concat(Value("ANON-"), Cast("id", CharField())),
            "first_names": "",
            "last_name": MASK_TEXT,
            "hetu_encrypted": "",
            "hetu_hash": "",
            # The day of birth goes, the month stays: a person's age on the last day of any
            # month (statistics periods end on one; compensation age bands use one) is the same.
            "date_of_birth": TruncMonth("date_of_birth"),
            "phone": "",
            "email": "",
            "street_address": "",
            "postal_code": "",
            "post_office": "",
            "responsible_override_reason": MASK,
        },
    ),
    Holding("clients.HomeMunicipalityPeriod", "client"),
    Holding("clients.ClientLanguage", "client"),
    Holding("clients.Consent", "client", anonymise={"note": ""}),
    # casework
    Holding("casework.GuidanceContact", "client", anonymise={"note": ""}),
    Holding(
        "casework.Assessment",
        "client",
        anonymise={
            "participants": "",
            "learning_skills": "",
            "working_life_skills": "",
            "education": [],
            "work_history": [],
            "other_competences": "",
            "goals": "",
            "work_capacity": "",
            "life_situation": "",
            "override_reason": MASK,
        },
    ),
    Holding(
        "casework.IntegrationPlan",
        "client",
        anonymise={
            "long_term_goals": "",
            "period_goals": "",
            "commitments": "",
            "job_search_obligation": MASK,
            "monitoring": "",
            "closure_note": "",
            "override_reason": MASK,
        },
    ),
    Holding("casework.PlanService", "plan__client", anonymise={"note": ""}),
    Holding("casework.PlanReview", "plan__client", anonymise={"note": ""}),
    Holding("casework.PlanExtension", "plan__client", anonymise={"note": MASK}),
    Holding(
        "casework.Referral",
        "client",
        anonymise={
            "reason": MASK,
            "consent_reference": "",
            "rejection_reason": MASK,
            "outcome": MASK,
        },
    ),
    # courses
    Holding("courses.Enrolment", "client", anonymise={"interruption_reason": MASK}),
    Holding("courses.Attendance", "enrolment__client"),
    Holding(
        "courses.WorkPlacement",
        "enrolment__client",
        anonymise={"employer": MASK, "supervisor": "", "supervisor_contact": "", "note": ""},
    ),
    Holding("courses.LanguageTestResult", "enrolment__client"),
    # compensation
    Holding(
        "compensation.PaymentListRow",
        "client",
        secret=("hetu_hash",),
        anonymise={"hetu_hash": "", "last_name": "", "first_names": "", "date_of_birth": None},
    ),
    Holding("compensation.ClaimLine", "client", anonymise={"description": MASK}),
    Holding(
        "compensation.ReconciliationDecision",
        "",
        rows=_reconciliation_rows,
        anonymise={"note": ""},
        note="refers to the client as subject 'client:<pk>'",
    ),
    # privacy
    Holding("clients.ClientChange", "client", anonymise={"old_value": MASK, "new_value": MASK}),
    Holding("privacy.ErasureRequest", "client", anonymise={"note": "", "channel": ""}),
    Holding("privacy.Restriction", "client"),
    Holding("privacy.RestrictedReadGrant", "client"),
    Holding("privacy.Anonymisation", "client"),
    # audit: append-only (database triggers refuse UPDATE), so it is exported but not rewritten;
    # its rows hold no names or identity codes, only the client's number.
    Holding(
        "audit.AuditEvent",
        "",
        rows=_audit_rows,
        note="refers to the client by the column client_id",
    ),
)

NOT_HELD: dict[str, str] = {
    "casework.ClientDue": (
        "a cache of the worklist's order key (three days computed from the assessments, plans "
        "and reviews held above, docs/adr/0009-worklist-order-key.md); deleted by triggers when "
        "they change and recomputed, so it holds nothing the export does not already have"
    ),
}
"""Models that reach a client in the model graph but hold nothing about them, with the reason."""


def holding_for(model: str) -> Holding:
    for holding in HOLDINGS:
        if holding.model == model:
            return holding
    raise KeyError(model)
