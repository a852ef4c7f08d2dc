import csv
import io
import json
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from kotopolku.access.reauth import AUTH_AT
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.clients import services as clients
from kotopolku.clients.tests.factories import ClientFactory, staff_user
from kotopolku.privacy import services
from kotopolku.privacy.models import ClientChange, ErasureRequest, Restriction

pytestmark = pytest.mark.django_db


@pytest.fixture
def amina(demo):
    return ClientFactory(
        external_id="JP-PRIV-1", first_names="Amina", last_name="Hassan", municipality_code="186"
    )


def _age_login(http, seconds: int) -> None:
    session = http.session
    session[AUTH_AT] = time.time() - seconds
    session.save()


# --- export ------------------------------------------------------------------------------------


def test_export_json_is_complete_audited_and_not_cached(client_for, full_client):
    response = client_for("coordinator").get(reverse("privacy:export_json", args=[full_client.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["format"] == "kotopolku-data-subject-export/1"
    assert data["sections"]["clients.Client"][0]["last_name"] == "Hassan"
    assert len(data["sections"]["courses.Attendance"]) == 1
    assert data["sections"]["audit.AuditEvent"], "the client's audit rows are part of the export"
    assert AuditEvent.objects.filter(
        action="export", object_type="DataSubjectExport", client_id=full_client.pk
    ).exists()
    # The identity code is in the subject's export, never in an audit row about it.
    code = data["sections"]["clients.Client"][0]["identity_code"]
    assert not AuditEvent.objects.filter(reason__contains=code).exists()


def test_export_pdf_is_a_pdf(client_for, full_client):
    response = client_for("admin").get(reverse("privacy:export_pdf", args=[full_client.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_export_needs_a_recent_log_in(client_for, amina):
    http = client_for("coordinator")
    _age_login(http, 3600)
    response = http.get(reverse("privacy:export_json", args=[amina.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("security:reauth"))
    assert not AuditEvent.objects.filter(action="export", client_id=amina.pk).exists()


def test_export_is_refused_to_caseworkers_and_other_organisations(client_for, user_for, demo):
    tuusula_client = ClientFactory(municipality_code="858")
    assert (
        client_for("caseworker").get(reverse("privacy:export_json", args=[tuusula_client.pk]))
    ).status_code == 403
    # The Järvenpää coordinator gets 404 for a Tuusula client, with an audit row.
    response = client_for("coordinator").get(
        reverse("privacy:export_json", args=[tuusula_client.pk])
    )
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        action="access_denied", client_id=tuusula_client.pk, actor=user_for("coordinator")
    ).exists()


# --- log report --------------------------------------------------------------------------------


def test_log_report_shows_who_read_the_data_and_is_itself_audited(client_for, user_for, amina):
    client_for("caseworker").get(reverse("clients:detail", args=[amina.pk]))
    http = client_for("coordinator")
    response = http.get(reverse("privacy:log_report", args=[amina.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "caseworker-jarvenpaa" in body
    assert AuditEvent.objects.filter(
        action="view", object_type="LogReport", client_id=amina.pk, actor=user_for("coordinator")
    ).exists()
    # The next report shows the previous one.
    body = http.get(reverse("privacy:log_report", args=[amina.pk])).content.decode()
    assert '<span title="LogReport">Lokiraportti</span>' in body


def test_log_report_words_object_types_and_reasons_in_the_readers_language(client_for, amina):
    """The report shows what the audit log shows (`audit.labels`), not the stored codes: a
    summary in `details`, an old row's English text, and an object type by its label."""
    from django.conf import settings

    from kotopolku.audit.labels import audit_summary
    from kotopolku.privacy import documents
    from kotopolku.privacy.selectors import export_data

    reader = staff_user("log-reader")
    audit_record(
        actor=reader,
        action="export",
        object_type="PaymentList",
        object_id=7,
        client_id=amina.pk,
        reason="missing from the payment list (e-form)",
        details=audit_summary("missing_from_payment_list"),
    )
    audit_record(
        actor=reader,
        action="view",
        object_type="PrivacyOverview",
        client_id=amina.pk,
        reason="page 2: 3 clients",
    )
    http = client_for("coordinator")
    body = http.get(reverse("privacy:log_report", args=[amina.pk])).content.decode()
    assert "puuttuu maksulistalta (e-lomake)" in body
    assert "sivu 2: 3 asiakasta" in body
    http.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    body = http.get(reverse("privacy:log_report", args=[amina.pk])).content.decode()
    assert "saknas i betalningslistan (e-blankett)" in body
    assert "sida 2: 3 klienter" in body
    assert '<span title="PrivacyOverview">Översikt över dataskydd</span>' in body
    assert "page 2: 3 clients" not in body
    assert "missing from the payment list" not in body
    assert ">PrivacyOverview" not in body

    # The PDF's rows, and the audit section of the data subject export, word them alike.
    rows = AuditEvent.objects.filter(client_id=amina.pk, actor=reader).order_by("pk")
    with translation.override("sv"):
        cells = [documents._event_cells(e) for e in rows]
        export = documents.export_document(export_data(client=amina))
    assert [c[3:5] for c in cells] == [
        ["Betalningslista 7", "saknas i betalningslistan (e-blankett)"],
        ["Översikt över dataskydd", "sida 2: 3 klienter"],
    ]
    audit_rows = next(
        block.rows
        for section in export.sections
        for block in section.blocks
        if getattr(block, "rows", None) and "sida 2: 3 klienter" in str(block.rows)
    )
    assert ["Översikt över dataskydd", "sida 2: 3 klienter"] in [r[3:5] for r in audit_rows]


def test_log_report_filters_by_date(client_for, amina):
    audit_record(actor=staff_user("old-reader"), action="view", client_id=amina.pk)
    today = timezone.localdate()
    http = client_for("coordinator")
    body = http.get(
        reverse("privacy:log_report", args=[amina.pk]),
        {"date_from": (today + timedelta(days=1)).isoformat()},
    ).content.decode()
    assert "old-reader" not in body
    assert "empty-state" in body
    body = http.get(
        reverse("privacy:log_report", args=[amina.pk]), {"date_from": today.isoformat()}
    ).content.decode()
    assert "old-reader" in body


def test_log_report_bad_period_is_a_clear_error(client_for, amina):
    response = client_for("coordinator").get(
        reverse("privacy:log_report", args=[amina.pk]),
        {"date_from": "2026-05-01", "date_to": "2026-04-01"},
    )
    assert response.status_code == 400
    with translation.override("fi"):
        message = gettext("The end of the period cannot be before its start.")
    assert message in response.content.decode()


def test_log_report_csv_writes_formulas_as_text(client_for, amina):
    """Reasons and user names come from outside; a spreadsheet must not run them."""
    evil = '=HYPERLINK("http://x")'
    audit_record(actor=staff_user("@SUM(1)"), action="view", client_id=amina.pk, reason=evil)
    audit_record(actor=None, action="view", client_id=amina.pk, reason="\t=1+1")
    response = client_for("caseworker").get(
        reverse("privacy:log_report_download", args=[amina.pk]), {"format": "csv"}
    )
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read UTF-8
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["time", "user", "action", "object_type", "object_id", "reason", "success"]
    reasons = {r[5] for r in rows[1:]}
    assert "'" + evil in reasons
    assert "'\t=1+1" in reasons
    assert evil not in reasons
    assert any(r[1] == "'@SUM(1)" for r in rows[1:])


def test_log_report_csv_and_pdf(client_for, amina):
    audit_record(
        actor=staff_user("=cmd|evil"), action="view", client_id=amina.pk, reason="=HYPERLINK()"
    )
    http = client_for("caseworker")
    response = http.get(reverse("privacy:log_report_download", args=[amina.pk]), {"format": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["time", "user", "action"]
    assert any(r[1] == "'=cmd|evil" and r[5] == "'=HYPERLINK()" for r in rows[1:])
    response = http.get(reverse("privacy:log_report_download", args=[amina.pk]), {"format": "pdf"})
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="export", object_type="LogReport").count() == 2
    bad = http.get(reverse("privacy:log_report_download", args=[amina.pk]), {"format": "xls"})
    assert bad.status_code == 400


def test_log_report_queries_do_not_grow_with_rows(client_for, amina):
    http = client_for("coordinator")
    url = reverse("privacy:log_report", args=[amina.pk])
    http.get(url)
    with CaptureQueriesContext(connection) as few:
        http.get(url)
    for n in range(20):
        audit_record(actor=staff_user(f"reader-{n}"), action="view", client_id=amina.pk)
    with CaptureQueriesContext(connection) as many:
        http.get(url)
    assert len(many) == len(few)


# --- rectification history ---------------------------------------------------------------------


def test_history_records_old_and_new_values_without_identity_codes(client_for, user_for, amina):
    from datetime import date

    from kotopolku.clients.tests.factories import valid_hetu

    actor = user_for("caseworker")
    clients.client_update(
        actor=actor, client=amina, phone="040 1", hetu=valid_hetu(date(1990, 5, 17))
    )
    clients.client_update(actor=actor, client=amina, phone="040 2", last_name="Hassan-Ali")
    changes = {
        (c.field, c.old_value, c.new_value) for c in ClientChange.objects.filter(client=amina)
    }
    assert ("phone", "", "040 1") in changes
    assert ("phone", "040 1", "040 2") in changes
    assert ("last_name", "Hassan", "Hassan-Ali") in changes
    assert ("identity_code", "", "[changed]") in changes
    code = valid_hetu(date(1990, 5, 17))
    assert (
        not ClientChange.objects.filter(new_value__contains=code[:6])
        .exclude(field="date_of_birth")
        .exists()
    )
    body = client_for("coordinator").get(reverse("privacy:history", args=[amina.pk])).content
    assert "Hassan-Ali" in body.decode()
    assert AuditEvent.objects.filter(object_type="ClientChangeHistory", client_id=amina.pk).exists()


def test_history_empty_state(client_for, amina):
    body = client_for("coordinator").get(reverse("privacy:history", args=[amina.pk])).content
    assert "empty-state" in body.decode()


# --- erasure and restriction -------------------------------------------------------------------


def test_erasure_request_ends_in_restriction_not_deletion(client_for, user_for, amina):
    http = client_for("coordinator")
    response = http.post(
        reverse("privacy:erasure_add", args=[amina.pk]),
        {"received_on": timezone.localdate().isoformat(), "channel": "kirje", "note": "Poistakaa"},
    )
    assert response.status_code == 302
    request = ErasureRequest.objects.get(client=amina)
    # The decision page is a confirmation step; a decision without a reason changes nothing.
    url = reverse("privacy:erasure_decide", args=[amina.pk, request.pk])
    assert http.get(url).status_code == 200
    assert http.post(url, {"decision": "restrict", "reason": ""}).status_code == 400
    assert not Restriction.objects.exists()
    response = http.post(url, {"decision": "restrict", "reason": "Säilytysvelvollisuus"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.decision, request.decided_by) == (
        "decided",
        "restrict",
        user_for("coordinator"),
    )
    restriction = Restriction.objects.get(client=amina, lifted_on__isnull=True)
    assert restriction.erasure_request == request
    amina.refresh_from_db()  # kept, not deleted
    # Hidden from the registry list and from searches …
    caseworker = client_for("caseworker")
    assert "Hassan" not in caseworker.get(reverse("clients:list")).content.decode()
    found = caseworker.post(reverse("clients:list"), {"q": "Hassan"}).content.decode()
    assert "JP-PRIV-1" not in found
    # … shown on the privacy officer's overview.
    assert "JP-PRIV-1" in http.get(reverse("privacy:overview")).content.decode()


def test_restricted_client_is_read_only_with_a_reason_and_every_read_is_audited(
    client_for, user_for, amina
):
    services.restriction_start(actor=user_for("coordinator"), client=amina, reason="Kiista")
    http = client_for("caseworker")
    detail = reverse("clients:detail", args=[amina.pk])
    response = http.get(detail)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("privacy:restricted_open", args=[amina.pk]))
    assert AuditEvent.objects.filter(
        action="access_denied", object_type="RestrictedClient", client_id=amina.pk
    ).exists()
    open_url = reverse("privacy:restricted_open", args=[amina.pk])
    assert http.post(open_url, {"reason": "", "next": detail}).status_code == 400
    response = http.post(open_url, {"reason": "Oikaisuvaatimuksen käsittely", "next": detail})
    assert response.status_code == 302
    assert response["Location"] == detail
    assert http.get(detail).status_code == 200
    assert http.get(detail).status_code == 200
    reads = AuditEvent.objects.filter(
        action="view", object_type="RestrictedClient", client_id=amina.pk
    )
    assert reads.count() == 2
    assert all("Oikaisuvaatimuksen käsittely" in r.reason for r in reads)
    # Casework reads pass the same gate.
    other = client_for("coordinator")
    assert other.get(reverse("casework:case", args=[amina.pk])).status_code == 302


def test_lifting_a_restriction_needs_a_reason_and_shows_the_client_again(
    client_for, user_for, amina
):
    restriction = services.restriction_start(
        actor=user_for("coordinator"), client=amina, reason="Kiista"
    )
    http = client_for("coordinator")
    url = reverse("privacy:restriction_lift", args=[amina.pk, restriction.pk])
    assert http.post(url, {"reason": ""}).status_code == 400
    assert http.post(url, {"reason": "Kiista ratkaistu"}).status_code == 302
    assert (
        client_for("caseworker").get(reverse("clients:detail", args=[amina.pk])).status_code == 200
    )


def test_client_page_links_to_privacy(client_for, amina):
    body = client_for("caseworker").get(reverse("clients:detail", args=[amina.pk])).content
    assert reverse("privacy:client", args=[amina.pk]) in body.decode()
    page = client_for("caseworker").get(reverse("privacy:client", args=[amina.pk])).content.decode()
    assert reverse("privacy:log_report", args=[amina.pk]) in page
    assert reverse("privacy:export_json", args=[amina.pk]) not in page  # officers only


def test_overview_search_empty_state_and_constant_queries(client_for, user_for, demo):
    http = client_for("coordinator")
    assert "empty-state" in http.get(reverse("privacy:overview")).content.decode()
    coordinator = user_for("coordinator")
    first = ClientFactory(last_name="Rajoitettu", municipality_code="186")
    services.restriction_start(actor=coordinator, client=first, reason="Kiista")
    http.get(reverse("privacy:overview"))
    with CaptureQueriesContext(connection) as few:
        http.get(reverse("privacy:overview"))
    for n in range(8):
        c = ClientFactory(external_id=f"JP-R-{n}", municipality_code="186")
        services.restriction_start(actor=coordinator, client=c, reason="Kiista")
    with CaptureQueriesContext(connection) as many:
        body = http.get(reverse("privacy:overview")).content.decode()
    assert len(many) == len(few)
    assert "Rajoitettu" in body
    found = http.get(reverse("privacy:overview"), {"q": "Rajoitettu"}).content.decode()
    assert "JP-R-1" not in found
    assert "Rajoitettu" in found


def test_api_refuses_a_restricted_client_with_a_problem(client_for, user_for, amina):
    services.restriction_start(actor=user_for("coordinator"), client=amina, reason="Kiista")
    response = client_for("caseworker").get(reverse("api:client-detail", args=[amina.pk]))
    assert response.status_code == 403
    assert response.json()["status"] == 403
    listed = client_for("caseworker").get(reverse("api:client-list")).content.decode()
    assert "JP-PRIV-1" not in listed
