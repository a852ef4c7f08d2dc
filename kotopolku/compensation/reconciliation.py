"""Compare a state payment list with what C1–C5 expect for its municipality and month."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kotopolku.audit.labels import audit_summary
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_client_reads, audit_record
from kotopolku.common.dates import last_day_of_month
from kotopolku.compensation.audit_labels import RECONCILIATION
from kotopolku.compensation.computation import (
    ZERO,
    Eligibility,
    MonthAmount,
    RuleBook,
    compute_compensation,
)
from kotopolku.compensation.forecast import PersonInput
from kotopolku.compensation.models import PaymentList, PaymentListRow, ReconciliationDecision
from kotopolku.compensation.selectors import people_for

EQUAL = "equal"
PAID_NOT_EXPECTED = "paid_not_expected"
EXPECTED_NOT_PAID = "expected_not_paid"
DIFFERENCE = "difference"
KINDS = (DIFFERENCE, PAID_NOT_EXPECTED, EXPECTED_NOT_PAID, EQUAL)

# why a paid person is not expected
NOT_IN_REGISTRY = "not_in_registry"
BASIS_NOT_ELIGIBLE = "basis_not_eligible"
NO_HOME_MUNICIPALITY = "no_home_municipality"
OUTSIDE_PERIOD = "outside_period"
OTHER_MUNICIPALITY = "other_municipality"


@dataclass
class Item:
    kind: str
    subject: str
    person: PersonInput | None = None
    rows: list[PaymentListRow] = field(default_factory=list)
    paid: Decimal = ZERO
    expected: Decimal = ZERO
    expected_month: MonthAmount | None = None
    eligibility: Eligibility | None = None
    reason: str = ""
    decision: ReconciliationDecision | None = None

    @property
    def difference(self) -> Decimal:
        return self.paid - self.expected

    @property
    def label(self) -> str:
        if self.person is not None:
            return f"{self.person.last_name}, {self.person.first_names}"
        row = self.rows[0]
        return f"{row.last_name}, {row.first_names}".strip(", ")


@dataclass
class Reconciliation:
    payment_list: PaymentList
    items: list[Item]

    def of_kind(self, kind: str) -> list[Item]:
        return [i for i in self.items if i.kind == kind]

    @property
    def counts(self) -> dict[str, int]:
        return {kind: len(self.of_kind(kind)) for kind in KINDS}

    @property
    def expected_total(self) -> Decimal:
        return sum((i.expected for i in self.items), ZERO)

    @property
    def paid_total(self) -> Decimal:
        return sum((i.paid for i in self.items), ZERO)


def _why_not(person: PersonInput, month_last_day, code: str, book: RuleBook) -> tuple[str, Any]:
    result = compute_compensation(
        permit_basis=person.permit_basis,
        date_of_birth=person.date_of_birth,
        home_periods=person.home_periods,
        year=month_last_day.year,
        municipality=None,
        rules=book,
        citizenship_date=person.citizenship_date,
    )
    eligibility = result.eligibility
    if not eligibility.eligible:
        return eligibility.reason, eligibility
    if not eligibility.start <= month_last_day <= eligibility.end:
        return OUTSIDE_PERIOD, eligibility
    return OTHER_MUNICIPALITY, eligibility


def reconcile(*, payment_list: PaymentList) -> Reconciliation:
    """Every paid row and every expected person of the month, sorted into the four kinds."""
    code = payment_list.municipality.municipality_code or ""
    month_end = last_day_of_month(payment_list.month)
    book = RuleBook.load()
    rows = list(payment_list.rows.all())
    paid_by_client: dict[int, list[PaymentListRow]] = defaultdict(list)
    unmatched = []
    for row in rows:
        if row.client_id:
            paid_by_client[row.client_id].append(row)
        else:
            unmatched.append(row)
    candidates = people_for(municipality_code=code, first_day=month_end, last_day=month_end)
    known = {p.client_id for p in candidates}
    extra = [pk for pk in paid_by_client if pk not in known]
    if extra:
        candidates += people_for(
            municipality_code=code, first_day=month_end, last_day=month_end, client_ids=extra
        )
    decisions = {d.subject: d for d in payment_list.decisions.select_related("modified_by")}
    items = []
    for person in sorted(candidates, key=lambda p: p.external_id):
        result = compute_compensation(
            permit_basis=person.permit_basis,
            date_of_birth=person.date_of_birth,
            home_periods=person.home_periods,
            year=month_end.year,
            municipality=code,
            rules=book,
            citizenship_date=person.citizenship_date,
        )
        month = next((m for m in result.months if m.month == payment_list.month), None)
        paid_rows = paid_by_client.get(person.client_id, [])
        paid = sum((r.amount for r in paid_rows), ZERO)
        subject = f"client:{person.client_id}"
        if month is None and not paid_rows:
            continue
        item = Item(
            kind=EQUAL,
            subject=subject,
            person=person,
            rows=paid_rows,
            paid=paid,
            expected=month.amount if month else ZERO,
            expected_month=month,
            eligibility=result.eligibility,
            decision=decisions.get(subject),
        )
        if month is None:
            item.kind = PAID_NOT_EXPECTED
            item.reason, item.eligibility = _why_not(person, month_end, code, book)
        elif not paid_rows:
            item.kind = EXPECTED_NOT_PAID
        elif paid != month.amount:
            item.kind = DIFFERENCE
        items.append(item)
    for row in unmatched:
        subject = f"row:{row.line}"
        items.append(
            Item(
                kind=PAID_NOT_EXPECTED,
                subject=subject,
                rows=[row],
                paid=row.amount,
                reason=NOT_IN_REGISTRY,
                decision=decisions.get(subject),
            )
        )
    return Reconciliation(payment_list=payment_list, items=items)


def reconciliation_for(*, actor: Any, payment_list: PaymentList, path: str = "") -> Reconciliation:
    """`reconcile`, audited: it shows names of persons."""
    result = reconcile(payment_list=payment_list)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.VIEW,
        object_type="PaymentListReconciliation",
        object_id=payment_list.pk,
        reason=", ".join(f"{k}={v}" for k, v in result.counts.items()),
        details=audit_summary(RECONCILIATION, **result.counts),
        path=path,
    )
    # The reconciliation names persons: one row per person shown, for their log report.
    audit_client_reads(
        actor=actor,
        action=AuditEvent.Action.VIEW,
        object_type="PaymentListReconciliationPerson",
        client_ids=[i.person.client_id for i in result.items if i.person is not None],
        reason=f"payment list {payment_list.pk}",
        path=path,
    )
    return result
