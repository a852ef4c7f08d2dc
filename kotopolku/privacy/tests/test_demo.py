"""Acceptance 1 on demo data: the export of demo clients has every row the database holds
about them, model by model, and their log report lists every audit row about them."""

import pytest

from kotopolku.audit.models import AuditEvent
from kotopolku.clients.models import Client
from kotopolku.demo.seed import seed_demo
from kotopolku.privacy.models import ErasureRequest
from kotopolku.privacy.registry import HOLDINGS
from kotopolku.privacy.selectors import export_data, log_report
from kotopolku.privacy.tests.test_registry import models_reaching_client

pytestmark = pytest.mark.django_db


# Slow (seconds): seeds 40 synthetic clients and exports every one of them (JSON and PDF).
def test_demo_clients_exports_and_log_reports_are_complete():
    seed_demo(with_users=True, clients=40)
    reaching = models_reaching_client()
    covered: set[str] = set()
    richest = sorted(
        Client.objects.all(),
        key=lambda c: -(c.plans.count() + c.enrolments.count() + c.referrals.count()),
    )[:5]
    for client in richest:
        data = export_data(client=client)
        for holding in HOLDINGS:
            model = holding.model_class
            source = (
                holding.rows(client.pk)
                if holding.rows is not None
                else model._default_manager.filter(**{reaching[model]: client.pk})
            )
            expected = set(source.values_list("pk", flat=True))
            assert {r["id"] for r in data["sections"][holding.model]} == expected, holding.model
            if expected:
                covered.add(holding.model)
        audit_ids = set(AuditEvent.objects.filter(client_id=client.pk).values_list("pk", flat=True))
        assert set(log_report(client=client).values_list("pk", flat=True)) == audit_ids
    # The demo clients exercise the main holdings, not just the client row.
    assert {"clients.Client", "casework.IntegrationPlan", "courses.Enrolment"} <= covered


def test_privacy_demo_is_idempotent():
    seed_demo(with_users=True, clients=10)
    seed_demo(with_users=True, clients=10)
    assert ErasureRequest.objects.count() == 1
