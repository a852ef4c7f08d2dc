from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from kotopolku.audit.models import AuditEvent
from kotopolku.compensation.demo import (
    DEMO_MAPPING,
    demo_hetu,
    demo_payment_list_csv,
    seed_compensation_demo,
)
from kotopolku.compensation.exports import expected_not_paid_xlsx
from kotopolku.compensation.models import PaymentList, PaymentListMapping, PaymentListRow
from kotopolku.compensation.reconciliation import reconcile, reconciliation_for
from kotopolku.compensation.services import payment_list_upload, reconciliation_decide
from kotopolku.compensation.tests.factories import municipality


@pytest.fixture
def demo_list(demo):
    return seed_compensation_demo()


def _kinds(result):
    return {
        kind: sorted(
            (i.person.external_id if i.person else f"row {i.rows[0].line}")
            for i in result.of_kind(kind)
        )
        for kind in ("equal", "difference", "paid_not_expected", "expected_not_paid")
    }


def test_the_demo_list_shows_every_kind_of_difference(demo_list):
    result = reconcile(payment_list=demo_list)
    assert _kinds(result) == {
        "equal": ["KOR-DEMO-001", "KOR-DEMO-003", "KOR-DEMO-009"],
        "difference": ["KOR-DEMO-002", "KOR-DEMO-005"],
        "paid_not_expected": ["KOR-DEMO-007", "KOR-DEMO-008", "row 9"],
        "expected_not_paid": ["KOR-DEMO-004", "KOR-DEMO-006"],
    }
    by_id = {i.person.external_id: i for i in result.items if i.person}
    assert by_id["KOR-DEMO-002"].expected == Decimal("541.92")  # a 4-year-old: under-7 rate
    assert by_id["KOR-DEMO-002"].difference == Decimal("-379.00")
    assert by_id["KOR-DEMO-005"].difference == Decimal("162.92")
    assert by_id["KOR-DEMO-007"].reason == "basis_not_eligible"
    assert by_id["KOR-DEMO-008"].reason == "outside_period"
    assert [i.reason for i in result.items if not i.person] == ["not_in_registry"]
    assert by_id["KOR-DEMO-003"].rows[0].match == PaymentListRow.Match.NAME_AND_BIRTH
    assert by_id["KOR-DEMO-001"].rows[0].match == PaymentListRow.Match.IDENTITY_CODE
    assert result.paid_total == demo_list.total == Decimal("1466.28")


def test_seeding_twice_changes_nothing(demo_list):
    assert seed_compensation_demo() == demo_list
    assert PaymentList.objects.count() == 1


def test_no_clear_identity_code_is_stored_or_audited(demo_list):
    code = demo_hetu(date(1994, 5, 1), 202)
    rows = PaymentListRow.objects.filter(payment_list=demo_list)
    assert all(code not in (r.hetu_hash + r.last_name + r.first_names) for r in rows)
    assert rows.exclude(hetu_hash="").count() == 7
    assert not AuditEvent.objects.filter(reason__contains=code).exists()


def test_the_column_mapping_is_saved_per_municipality(demo_list):
    mapping = PaymentListMapping.objects.get(municipality__municipality_code="186")
    assert mapping.amount == "Korvaus (EUR)"
    assert mapping.identity_code == "Henkilötunnus"


def test_a_changed_layout_is_refused_with_the_columns_it_has(demo):
    content = demo_payment_list_csv().replace(b"Korvaus (EUR)", b"Summa")
    with pytest.raises(ValidationError) as exc:
        payment_list_upload(
            actor=None,
            municipality=municipality("186"),
            month=date(2025, 3, 1),
            file_name="list.csv",
            content=content,
            mapping=DEMO_MAPPING,
        )
    assert "Summa" in str(exc.value)
    assert not PaymentList.objects.exists()


def test_a_bad_row_refuses_the_whole_file(demo):
    content = demo_payment_list_csv().replace(b"325,84", b"kolme")
    with pytest.raises(ValidationError, match="line 5: amount"):
        payment_list_upload(
            actor=None,
            municipality=municipality("186"),
            month=date(2025, 3, 1),
            file_name="list.csv",
            content=content,
            mapping=DEMO_MAPPING,
        )
    assert not PaymentList.objects.exists()
    assert not PaymentListRow.objects.exists()


def test_the_same_list_as_xlsx_gives_the_same_result(demo_list):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for line in demo_payment_list_csv().decode().splitlines():
        cells = line.split(";")
        if cells[-1][0].isdigit():
            cells[-1] = float(cells[-1].replace(",", "."))  # a spreadsheet keeps numbers as floats
        sheet.append(cells)
    out = BytesIO()
    book.save(out)
    second = payment_list_upload(
        actor=None,
        municipality=municipality("186"),
        month=date(2025, 3, 1),
        file_name="list.xlsx",
        content=out.getvalue(),
        mapping=DEMO_MAPPING,
    )
    assert second.total == demo_list.total
    assert _kinds(reconcile(payment_list=second)) == _kinds(reconcile(payment_list=demo_list))


def test_expected_but_not_paid_export_is_ready_for_the_e_form(demo_list, user_for):
    coordinator = user_for("coordinator")
    result = reconciliation_for(actor=coordinator, payment_list=demo_list)
    book = load_workbook(BytesIO(expected_not_paid_xlsx(actor=coordinator, reconciliation=result)))
    rows = list(book.active.iter_rows(values_only=True))
    header = rows[3]
    # The e-form's order: the person, the permit, the home municipality and since when, the
    # period, the month, the age band, the amount, an explanation.
    assert header == (
        "Identity code",
        "Last name",
        "First names",
        "Date of birth",
        "Basis of the residence permit",
        "Home municipality code",
        "Home municipality since",
        "Compensation period starts",
        "Compensation period ends",
        "Month claimed",
        "Age band",
        "Amount claimed (EUR)",
        "Explanation",
        "External id",
    )
    people = [dict(zip(header, r, strict=True)) for r in rows[4:] if r and r[0] and r[13]]
    assert [(p["Last name"], p["First names"]) for p in people] == [
        ("Kovalenko", "Taras"),
        ("Ahmadi", "Maryam"),
    ]
    taras = people[0]
    assert taras["Identity code"] == demo_hetu(date(2019, 11, 30), 415)
    assert taras["Date of birth"].date() == date(2019, 11, 30)
    assert taras["Home municipality code"] == "186"
    assert taras["Home municipality since"] is not None
    assert taras["Month claimed"] == "3/2025"
    assert Decimal(str(taras["Amount claimed (EUR)"])) == Decimal("541.92")
    assert rows[-1][0] == "Total"
    assert Decimal(str(rows[-1][11])) == Decimal("704.84")
    exports = AuditEvent.objects.filter(
        action="export", object_type="PaymentList", actor=coordinator
    )
    assert exports.count() == 2
    assert all(e.client_id for e in exports)


def test_decisions_are_recorded_with_a_note_and_who(demo_list, user_for):
    coordinator = user_for("coordinator")
    result = reconcile(payment_list=demo_list)
    item = result.of_kind("difference")[0]
    reconciliation_decide(
        actor=coordinator,
        payment_list=demo_list,
        subject=item.subject,
        decision="disputed",
        note="Lapsen ikäluokka väärin",
    )
    reconciliation_decide(
        actor=coordinator, payment_list=demo_list, subject=item.subject, decision="resolved"
    )
    again = {i.subject: i for i in reconcile(payment_list=demo_list).items}
    decision = again[item.subject].decision
    assert (decision.decision, decision.note, decision.modified_by) == ("resolved", "", coordinator)
    with pytest.raises(ValidationError):
        reconciliation_decide(
            actor=coordinator, payment_list=demo_list, subject="row:999", decision="resolved"
        )
    with pytest.raises(ValidationError):
        reconciliation_decide(
            actor=coordinator, payment_list=demo_list, subject=item.subject, decision="ignored"
        )


def test_home_municipality_since_is_the_start_of_the_period_rules_periods_choose(
    demo_list, user_for
):
    """Where stored periods in the same municipality overlap, the one that started last is the
    home municipality on the month's last day (`rules.periods`), and its start is the date."""
    from kotopolku.clients.models import Client, HomeMunicipalityPeriod

    taras = Client.objects.get(external_id="KOR-DEMO-004")  # Järvenpää from 2024-09-01, open
    # A raw row on purpose: `home_period_add` would refuse the overlap under test.
    HomeMunicipalityPeriod.objects.create(
        client=taras,
        municipality_code="186",
        municipality=municipality("186"),
        start=date(2025, 1, 1),
    )
    coordinator = user_for("coordinator")
    result = reconciliation_for(actor=coordinator, payment_list=demo_list)
    book = load_workbook(BytesIO(expected_not_paid_xlsx(actor=coordinator, reconciliation=result)))
    rows = list(book.active.iter_rows(values_only=True))
    header = rows[3]
    people = {r[13]: dict(zip(header, r, strict=True)) for r in rows[4:] if r and r[13]}
    assert people["KOR-DEMO-004"]["Home municipality since"].date() == date(2025, 1, 1)
    assert people["KOR-DEMO-006"]["Home municipality since"].date() == date(2025, 1, 20)


def test_compensation_audit_rows_read_in_the_readers_language(demo_list, user_for, client_for):
    """Reconciliation, upload and decision rows store a summary (`compensation.audit_labels`);
    the audit page words them, not the stored `equal=3, …` or `186:2025-03:8 rows`."""
    coordinator = user_for("coordinator")
    result = reconciliation_for(actor=coordinator, payment_list=demo_list)
    person = result.of_kind("expected_not_paid")[0].person
    reconciliation_decide(
        actor=coordinator,
        payment_list=demo_list,
        subject=f"client:{person.client_id}",
        decision="disputed",
        note="Tarkistetaan",
    )
    seen = AuditEvent.objects.get(object_type="PaymentListReconciliation")
    assert seen.details["summary"] == "compensation_reconciliation"
    assert seen.reason.startswith("difference=2, ")  # the English text stays in `reason`
    AuditEvent.objects.create(
        action="create", object_type="PaymentList", reason="186:2025-03:8 rows"
    )
    http = client_for("admin")
    http.cookies["django_language"] = "sv"
    html = http.get(reverse("audit:list")).content.decode()
    assert "Beloppsavvikelser: 2, " in html
    assert "betalningslista 3/2025 för kommun 186: 8 rader" in html
    assert "en person i betalningslistan: bestridd" in html
    for code in ("difference=2", "186:2025-03:8 rows", ":disputed"):
        assert code not in html, code


def test_claim_exports_and_old_decision_rows_are_worded(demo):
    from django.utils import translation

    from kotopolku.audit.labels import audit_summary, reason_label

    with translation.override("sv"):
        assert (
            reason_label(audit_summary("compensation_claim_export", format="xlsx"), "xlsx")
            == "ansökan om ersättning för faktiska kostnader (XLSX)"
        )
        assert reason_label(None, "12:row:9:resolved") == "rad 9 i betalningslistan: utrett"
