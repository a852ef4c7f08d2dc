import mimetypes
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kotopolku.audit.models import AuditEvent
from kotopolku.compensation.demo import DEMO_MAPPING, demo_payment_list_csv, seed_compensation_demo
from kotopolku.compensation.models import ActualCostClaim, ClaimAttachment, PaymentList
from kotopolku.compensation.services import (
    claim_attachment_add,
    claim_create,
    claim_decide,
    claim_line_add,
    claim_submit,
)
from kotopolku.compensation.tests.factories import municipality, protected_person
from kotopolku.compensation.uploads import ATTACHMENT_MAX_BYTES

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def claim(demo, user_for):
    return claim_create(
        actor=user_for("coordinator"),
        municipality=municipality("186"),
        cost_type="interpreting",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 6, 30),
    )


def test_forecast_page_shows_chart_table_and_totals(demo, coordinator):
    protected_person("JP-2024-0001")
    response = coordinator.get(
        reverse("compensation:forecast"), {"municipality": "186", "year": 2025}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html
    assert '<title id="forecast-by-month-t">' in html
    assert "<desc" in html
    assert "JP-2024-0001" in html
    assert "1,955.04" in html  # English number format: 12 × 162.92
    assert AuditEvent.objects.filter(object_type="CompensationForecast", action="view").exists()


def test_forecast_page_query_count_does_not_grow_with_persons(demo, coordinator):
    protected_person("JP-2024-0001")
    url = reverse("compensation:forecast")
    coordinator.get(url, {"municipality": "186", "year": 2025})  # session's first request
    with CaptureQueriesContext(connection) as few:
        coordinator.get(url, {"municipality": "186", "year": 2025})
    for n in range(2, 8):
        protected_person(f"JP-2024-{n:04d}", last_name=f"Nimi{n}")
    with CaptureQueriesContext(connection) as many:
        assert coordinator.get(url, {"municipality": "186", "year": 2025}).status_code == 200
    assert len(many) == len(few)


def test_empty_forecast_and_search(demo, coordinator):
    response = coordinator.get(
        reverse("compensation:forecast"), {"municipality": "611", "year": 2025}
    )
    assert response.status_code == 403  # the demo coordinator is not Pornainen's coordinator
    response = coordinator.get(reverse("compensation:forecast"), {"year": 2025})
    assert "Nobody in the registry" in response.content.decode()


def test_the_page_is_in_finnish_by_default(demo, client_for):
    html = client_for("coordinator").get(reverse("compensation:forecast")).content.decode()
    assert "Laskennallisen korvauksen ennuste" in html
    assert "Maksulistat" in html


def test_admin_may_see_any_municipality(demo, client_for):
    response = client_for("admin").get(reverse("compensation:forecast"), {"municipality": "611"})
    assert response.status_code == 200


def test_coordinator_cannot_open_another_municipalitys_payment_list(demo, coordinator):
    other = PaymentList.objects.create(
        municipality=municipality("858"), month=date(2025, 3, 1), file_name="x.csv"
    )
    response = coordinator.get(reverse("compensation:payment_list_detail", args=[other.pk]))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="access_denied", reason="compensation.view").exists()


def test_forecast_csv_export_is_audited(demo, coordinator):
    protected_person("JP-2024-0001")
    response = coordinator.get(
        reverse("compensation:forecast_export", args=["csv"]), {"municipality": "186", "year": 2025}
    )
    assert response["Content-Type"].startswith("text/csv")
    assert b"JP-2024-0001,2025-12,7_plus,162.92" in response.content
    assert AuditEvent.objects.filter(object_type="CompensationForecast", action="export").exists()


def test_upload_a_payment_list_over_http(demo, coordinator):
    seed_compensation_demo()
    PaymentList.objects.all().delete()
    response = coordinator.post(
        reverse("compensation:payment_list_upload") + "?municipality=186",
        {
            "month": "2025-03",
            "file": upload("list.csv", demo_payment_list_csv()),
            **DEMO_MAPPING,
        },
    )
    payment_list = PaymentList.objects.get()
    assert response.status_code == 302
    page = coordinator.get(reverse("compensation:payment_list_detail", args=[payment_list.pk]))
    html = page.content.decode()
    for heading in (
        "Amount differences",
        "Paid but not expected",
        "Expected but not paid",
        "Paid as expected",
    ):
        assert heading in html
    assert "not in the client registry" in html
    export = coordinator.get(
        reverse("compensation:payment_list_missing_export", args=[payment_list.pk])
    )
    assert export.status_code == 200
    assert export["Content-Disposition"].endswith('.xlsx"')


def upload(name: str, content: bytes, content_type: str | None = None) -> SimpleUploadedFile:
    """A file as a browser sends it: the Content-Type that goes with its extension."""
    guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return SimpleUploadedFile(name, content, content_type=content_type or guessed)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("list.pdf", PDF, "This type of file is not accepted here. Accepted: csv, xlsx."),
        ("list.csv", b"\x00\x01binary", "The file&#x27;s content does not match its type (csv)."),
        (
            "list.xlsx",
            b"PK\x03\x04not really a workbook",
            "The file&#x27;s content does not match its type (xlsx).",
        ),
        ("list.xlsx", b"nimi;summa\n", "does not match its type (xlsx)"),
        ("list.csv", b"a;b\n", "no column"),
    ],
)
def test_bad_payment_list_files_are_refused_and_nothing_is_stored(
    demo, coordinator, name, content, message
):
    response = coordinator.post(
        reverse("compensation:payment_list_upload") + "?municipality=186",
        {"month": "2025-03", "file": upload(name, content), **DEMO_MAPPING},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PaymentList.objects.exists()


def test_claim_flow_with_evidence_and_exports(demo, coordinator, claim):
    url = reverse("compensation:claim_detail", args=[claim.pk])
    assert (
        coordinator.post(
            reverse("compensation:claim_line_add", args=[claim.pk]),
            {"date": "2025-02-03", "amount": "120.50", "description": "Tulkkaus, arabia"},
        ).status_code
        == 302
    )
    assert (
        coordinator.post(
            reverse("compensation:claim_attachment_add", args=[claim.pk]),
            {"file": upload("lasku.pdf", PDF)},
        ).status_code
        == 302
    )
    assert coordinator.get(url).status_code == 200
    assert (
        coordinator.post(reverse("compensation:claim_submit", args=[claim.pk])).status_code == 302
    )
    claim.refresh_from_db()
    assert claim.status == "submitted"
    assert (
        coordinator.post(
            reverse("compensation:claim_decide", args=[claim.pk]),
            {"decided_amount": "100.00", "decided_on": "2025-09-01"},
        ).status_code
        == 302
    )
    claim.refresh_from_db()
    assert (claim.status, str(claim.decided_amount)) == ("decided", "100.00")
    xlsx = coordinator.get(reverse("compensation:claim_export", args=[claim.pk, "xlsx"]))
    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert any(r[2] == "Tulkkaus, arabia" for r in rows if len(r) > 2)
    pdf = coordinator.get(reverse("compensation:claim_export", args=[claim.pk, "pdf"]))
    assert pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("big.pdf", b"%PDF-" + b"0" * ATTACHMENT_MAX_BYTES, "too large"),
        ("script.pdf", b"<script>alert(1)</script>", "does not match its type (pdf)"),
        ("photo.gif", b"GIF89a....", "Accepted: jpeg, pdf, png."),
        ("renamed.png", PDF, "The file&#x27;s content does not match its type (png)."),
    ],
)
def test_bad_evidence_is_refused_and_nothing_is_stored(
    demo, coordinator, claim, name, content, message
):
    response = coordinator.post(
        reverse("compensation:claim_attachment_add", args=[claim.pk]),
        {"file": upload(name, content)},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ClaimAttachment.objects.exists()


def test_a_claim_cannot_be_submitted_without_lines_or_evidence(demo, coordinator, claim):
    coordinator.post(reverse("compensation:claim_submit", args=[claim.pk]))
    claim.refresh_from_db()
    assert claim.status == ActualCostClaim.Status.DRAFT


def test_claim_line_outside_the_period_is_refused(demo, coordinator, claim):
    response = coordinator.post(
        reverse("compensation:claim_line_add", args=[claim.pk]),
        {"date": "2025-08-01", "amount": "10.00", "description": "x"},
    )
    assert response.status_code == 400
    assert "within the claim" in response.content.decode()
    assert not claim.lines.exists()


def test_api_forecast_and_reconciliation(demo, coordinator):
    payment_list = seed_compensation_demo()
    data = coordinator.get(
        "/api/v1/compensation/forecast/", {"municipality": "186", "year": 2025}
    ).json()
    assert data["currency"] == "EUR"
    assert data["persons"] == sorted(data["persons"], key=lambda p: p["external_id"])
    result = coordinator.get(
        f"/api/v1/compensation/payment-lists/{payment_list.pk}/reconciliation/"
    ).json()
    assert result["counts"] == {
        "difference": 2,
        "paid_not_expected": 3,
        "expected_not_paid": 2,
        "equal": 3,
    }
    bad = coordinator.get("/api/v1/compensation/forecast/", {"municipality": "186", "year": "x"})
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid"
    other = coordinator.get("/api/v1/compensation/forecast/", {"municipality": "858", "year": 2025})
    assert other.status_code == 403


def test_api_refuses_evidence_and_lists_whose_content_does_not_match_the_name(
    demo, coordinator, claim
):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    response = coordinator.post(
        f"/api/v1/compensation/claims/{claim.pk}/attachments/",
        {"file": upload("lasku.pdf", png)},
    )
    assert response.status_code == 400
    assert response.json()["detail"] == {
        "file": ["The file's content does not match its type (pdf)."]
    }
    assert not ClaimAttachment.objects.exists()

    response = coordinator.post(
        "/api/v1/compensation/payment-lists/",
        {
            "municipality": "186",
            "month": "2025-03",
            "file": upload("list.csv", png, content_type="text/csv"),
            **DEMO_MAPPING,
        },
    )
    assert response.status_code == 400
    assert response.json()["detail"] == {
        "file": ["The file's content does not match its type (csv)."]
    }
    assert not PaymentList.objects.exists()


def _line(claim, actor, amount="120.50"):
    return claim_line_add(
        actor=actor,
        claim=claim,
        day=date(2025, 2, 3),
        amount=Decimal(amount),
        description="Tulkkaus, arabia",
    )


def test_remove_a_claim_line_after_confirming(demo, coordinator, claim, user_for):
    line = _line(claim, user_for("coordinator"))
    kept = _line(claim, user_for("coordinator"), amount="30.00")
    detail = coordinator.get(reverse("compensation:claim_detail", args=[claim.pk])).content
    url = reverse("compensation:claim_line_remove", args=[claim.pk, line.pk])
    assert url in detail.decode()
    confirm = coordinator.get(url)
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Remove a cost line" in html
    assert "Remove this cost line of €120.50 from the claim?" in html
    assert "Tulkkaus, arabia" in html
    assert claim.lines.count() == 2  # the GET changes nothing

    response = coordinator.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("compensation:claim_detail", args=[claim.pk])
    assert "Cost line removed." in response.content.decode()
    assert list(claim.lines.all()) == [kept]
    assert AuditEvent.objects.filter(
        action="delete", object_type="ClaimLine", object_id=str(line.pk)
    ).exists()


@pytest.mark.parametrize("status", ["submitted", "decided"])
def test_a_line_of_a_locked_claim_cannot_be_removed(demo, coordinator, claim, user_for, status):
    actor = user_for("coordinator")
    line = _line(claim, actor)
    claim_attachment_add(actor=actor, claim=claim, file_name="lasku.pdf", content=PDF)
    claim_submit(actor=actor, claim=claim)
    if status == "decided":
        claim_decide(actor=actor, claim=claim, amount=Decimal("100.00"))
    url = reverse("compensation:claim_line_remove", args=[claim.pk, line.pk])
    detail = coordinator.get(reverse("compensation:claim_detail", args=[claim.pk])).content
    assert url not in detail.decode()
    for response in (coordinator.get(url), coordinator.post(url)):
        assert response.status_code == 400
        html = response.content.decode()
        assert "Only a draft claim can be changed." in html
        assert "Yes, remove" not in html
    assert list(claim.lines.all()) == [line]
    assert not AuditEvent.objects.filter(action="delete", object_type="ClaimLine").exists()


def test_a_line_of_another_claim_is_not_found(demo, coordinator, claim, user_for):
    other = claim_create(
        actor=user_for("coordinator"),
        municipality=municipality("186"),
        cost_type="interpreting",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 6, 30),
    )
    line = _line(other, user_for("coordinator"))
    url = reverse("compensation:claim_line_remove", args=[claim.pk, line.pk])
    assert coordinator.post(url).status_code == 404
    assert other.lines.count() == 1


def test_another_municipalitys_claim_line_is_refused(demo, coordinator, user_for):
    admin = user_for("admin")
    claim = claim_create(
        actor=admin,
        municipality=municipality("858"),
        cost_type="interpreting",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 6, 30),
    )
    line = _line(claim, admin)
    url = reverse("compensation:claim_line_remove", args=[claim.pk, line.pk])
    assert coordinator.post(url).status_code == 403
    assert claim.lines.count() == 1


def test_the_confirmation_page_of_a_clients_line_is_audited(demo, coordinator, claim, user_for):
    person = protected_person("JP-2024-0001")
    line = claim_line_add(
        actor=user_for("coordinator"),
        claim=claim,
        day=date(2025, 2, 3),
        amount=Decimal("80.00"),
        description="Tulkkaus",
        client=person,
    )
    response = coordinator.get(reverse("compensation:claim_line_remove", args=[claim.pk, line.pk]))
    assert "JP-2024-0001" in response.content.decode()
    assert AuditEvent.objects.filter(
        action="view", object_type="ClaimLine", object_id=str(line.pk), client_id=person.pk
    ).exists()


# One decision for many reconciliation rows, and payment lists in either encoding ----------


def _expected_not_paid(payment_list):
    from kotopolku.compensation.reconciliation import reconcile

    return reconcile(payment_list=payment_list).of_kind("expected_not_paid")


def test_one_decision_for_every_row_of_a_section_with_a_confirmation(demo, coordinator):
    from kotopolku.compensation.models import ReconciliationDecision

    payment_list = seed_compensation_demo()
    url = reverse("compensation:payment_list_decide", args=[payment_list.pk])
    page = coordinator.get(reverse("compensation:payment_list_detail", args=[payment_list.pk]))
    html = page.content.decode()
    # One form per section, not one per row.
    assert html.count('name="decision"') == 3
    assert html.count('name="subjects"') == 7
    data = {"kind": "expected_not_paid", "scope": "all", "decision": "applied", "note": "e-lomake"}
    confirm = coordinator.post(url, data)
    assert confirm.status_code == 200
    text = confirm.content.decode()
    assert "Record “applied for with the e-form” for 2 rows" in text
    assert "Kovalenko" in text
    assert not ReconciliationDecision.objects.exists()  # nothing until confirmed
    done = coordinator.post(url, {**data, "confirm": "yes"})
    assert done.status_code == 302
    decisions = ReconciliationDecision.objects.filter(payment_list=payment_list)
    assert sorted(decisions.values_list("subject", flat=True)) == sorted(
        i.subject for i in _expected_not_paid(payment_list)
    )
    assert set(decisions.values_list("decision", "note")) == {("applied", "e-lomake")}
    assert (
        AuditEvent.objects.filter(object_type="ReconciliationDecision", action="update").count()
        == 2
    )


def test_one_decision_for_the_ticked_rows_only(demo, coordinator, client_for):
    from kotopolku.compensation.models import ReconciliationDecision
    from kotopolku.compensation.reconciliation import reconcile

    payment_list = seed_compensation_demo()
    url = reverse("compensation:payment_list_decide", args=[payment_list.pk])
    paid = reconcile(payment_list=payment_list).of_kind("paid_not_expected")
    ticked = [paid[0].subject, paid[2].subject]
    data = {
        "kind": "paid_not_expected",
        "scope": "selected",
        "subjects": ticked,
        "decision": "disputed",
        "confirm": "yes",
    }
    assert coordinator.post(url, data).status_code == 302
    assert sorted(ReconciliationDecision.objects.values_list("subject", flat=True)) == sorted(
        ticked
    )
    # A subject of another section, or nothing ticked, records nothing.
    other = _expected_not_paid(payment_list)[0].subject
    coordinator.post(url, {**data, "subjects": [other]})
    coordinator.post(url, {**data, "subjects": []})
    assert ReconciliationDecision.objects.count() == 2
    # Only those who manage compensation decide.
    assert (
        client_for("viewer").post(url, {**data, "subjects": [paid[1].subject]}).status_code == 403
    )
    assert ReconciliationDecision.objects.count() == 2


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b"")],
    ids=["utf-8", "utf-8-bom", "windows-1252"],
)
def test_payment_list_csv_in_utf8_or_windows_1252_gives_the_same_list(
    demo, coordinator, encoding, bom
):
    seed_compensation_demo()
    PaymentList.objects.all().delete()
    text = demo_payment_list_csv().decode("utf-8")
    assert "ä" in text  # "Henkilötunnus", "Syntymäaika": the bytes differ per encoding
    response = coordinator.post(
        reverse("compensation:payment_list_upload") + "?municipality=186",
        {
            "month": "2025-03",
            "file": upload("list.csv", bom + text.encode(encoding)),
            **DEMO_MAPPING,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    payment_list = PaymentList.objects.get()
    assert payment_list.total == Decimal("1466.28")
    assert len(_expected_not_paid(payment_list)) == 2
