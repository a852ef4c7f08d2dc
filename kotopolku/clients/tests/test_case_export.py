"""The case file of clients ticked on the client list: a background job, only the user's own
organisation's clients, one audit row per client exported."""

import json

import pytest
from django.urls import reverse

from kotopolku.audit.models import AuditEvent
from kotopolku.clients.tests.factories import ClientFactory
from kotopolku.jobs.models import Job


def _export(http, ids):
    return http.post(reverse("clients:export"), {"client": [str(pk) for pk in ids]}, follow=True)


def test_ticked_clients_of_the_own_organisation_are_exported_and_audited(
    demo, client_for, django_capture_on_commit_callbacks
):
    ours = [ClientFactory(external_id=f"EXP-{n}", municipality_code="186") for n in (2, 1)]
    theirs = ClientFactory(external_id="EXP-OTHER", municipality_code="858")  # Tuusula
    http = client_for("caseworker")  # Järvenpää
    listing = http.get(reverse("clients:list")).content.decode()
    assert 'form="export-form"' in listing
    assert f'value="{ours[0].pk}"' in listing

    with django_capture_on_commit_callbacks(execute=True):  # the job is queued on commit
        answer = _export(http, [*(c.pk for c in ours), theirs.pk])
    assert answer.status_code == 200
    job = Job.objects.get(kind="case_export")
    assert job.status == Job.Status.SUCCEEDED, job.error  # the tests' backend runs it at once
    assert answer.redirect_chain[0][0] == reverse("jobs:detail", args=[job.pk])
    assert "left out" in answer.content.decode() or "jätettiin" in answer.content.decode()
    body = http.get(reverse("jobs:download", args=[job.pk]))
    assert body["Content-Type"].startswith("application/x-ndjson")
    lines = b"".join(body.streaming_content if body.streaming else [body.content]).decode()
    records = [json.loads(line) for line in lines.splitlines()]
    # Sorted by external id, as export_cases writes them; the other organisation's left out.
    assert [r["external_id"] for r in records] == ["EXP-1", "EXP-2"]
    exported = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_type="Client")
    assert sorted(exported.values_list("client_id", flat=True)) == sorted(c.pk for c in ours)
    assert not exported.filter(client_id=theirs.pk).exists()


def test_nothing_exportable_ticked_makes_no_job(demo, client_for):
    theirs = ClientFactory(external_id="EXP-OTHER-2", municipality_code="858")
    http = client_for("caseworker")
    answer = _export(http, [theirs.pk, 999999])
    assert answer.redirect_chain[-1][0] == reverse("clients:list")
    assert not Job.objects.filter(kind="case_export").exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


@pytest.mark.parametrize("role", ["provider", "viewer"])
def test_roles_without_client_data_cannot_export(demo, client_for, role):
    client = ClientFactory(external_id=f"EXP-{role}", municipality_code="186")
    assert _export(client_for(role), [client.pk]).status_code == 403
    assert not Job.objects.exists()
