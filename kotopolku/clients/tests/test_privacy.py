"""Acceptance 5: the identity code is encrypted at rest and never in a log or a URL."""

import logging
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kotopolku.audit.models import AuditEvent
from kotopolku.clients.models import Client

pytestmark = pytest.mark.django_db

HETU = "010594Y9032"


def _register_search_reveal(http, jarvenpaa):
    urls = []
    response = http.post(
        reverse("clients:create"),
        {
            "external_id": "PRIV-1",
            "first_names": "Amina",
            "last_name": "Hassan",
            "date_of_birth": "1994-05-01",
            "hetu": HETU,
            "permit_basis": "asylum",
            "home_municipality": jarvenpaa.municipality_code,
        },
    )
    assert response.status_code == 302
    urls.append(response["Location"])
    client = Client.objects.get(external_id="PRIV-1")
    response = http.post(reverse("clients:list"), {"q": HETU})
    assert list(response.context["page"].object_list) == [client]
    urls.extend(re.findall(r'(?:href|action)="([^"]*)"', response.content.decode()))
    response = http.post(reverse("clients:reveal", args=[client.pk]), {"reason": "Kela"})
    assert HETU in response.content.decode()
    response = http.post(reverse("api:client-search"), {"q": HETU}, content_type="application/json")
    assert response.json()["count"] == 1
    return client, urls


def test_identity_code_is_not_in_the_database_logs_audit_or_urls(
    http_for, jarvenpaa, caplog, tmp_path
):
    http = http_for("caseworker-jarvenpaa")
    caplog.set_level(logging.DEBUG)
    with CaptureQueriesContext(connection) as queries:
        client, urls = _register_search_reveal(http, jarvenpaa)

    # Nothing sent to the database holds the code in clear.
    assert queries.captured_queries
    for query in queries.captured_queries:
        assert HETU not in query["sql"]
        assert HETU.lower() not in query["sql"].lower()

    # The stored row holds a token and a hash, neither of which contains the code.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM clients_client WHERE id = %s", [client.pk])
        row = cursor.fetchone()
    assert not any(HETU in str(value) for value in row)
    assert client.hetu_encrypted
    assert client.hetu_hash

    # No log line, audit row or URL carries it.
    assert HETU not in caplog.text
    for event in AuditEvent.objects.all():
        assert HETU not in f"{event.reason} {event.path} {event.object_id}"
    assert AuditEvent.objects.filter(action="reveal").count() == 1
    # Two searches, each with its own row and one naming the client found (docs/security.md).
    assert AuditEvent.objects.filter(action="search", client_id__isnull=True).count() == 2
    assert AuditEvent.objects.filter(action="search", client_id=client.pk).count() == 2
    for url in urls:
        assert HETU not in url

    # Everything the database holds: dump every table of the SQLite database and grep it.
    # (The test database lives in memory inside a transaction, so a file copy would block;
    # the dump has the same content the file would have.)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        dump = tmp_path / "dump.sql"
        dump.write_text("\n".join(connection.connection.iterdump()), encoding="utf-8")
        data = dump.read_bytes()
        assert b"Hassan" in data  # the dump really holds the client
        assert HETU.encode() not in data
        assert HETU.lower().encode() not in data.lower()


def test_a_hetu_typed_into_a_url_is_redacted_from_the_audit_path(http_for, demo):
    """Even when someone puts a code in a URL by hand, the audit row does not keep it."""
    http = http_for("caseworker-jarvenpaa")
    http.get(reverse("api:client-list") + f"?search={HETU}")
    http.get(f"/clients/{HETU}/")
    for event in AuditEvent.objects.all():
        assert HETU not in event.path
        assert HETU not in event.reason
    assert date(1994, 5, 1)
