"""Acceptance 1: the export holds every model that references a client.

The walk follows Django's model graph from Client: every model with a foreign key, one-to-one
or many-to-many field to Client, or to a model already reached (a plan, an enrolment…). A new
model that reaches a client and has no holding in privacy/registry.py fails here.
"""

from collections import deque

import pytest
from django.apps import apps
from django.db import models

from kotopolku.clients.models import Client
from kotopolku.privacy.registry import HOLDINGS, NOT_HELD, holding_for
from kotopolku.privacy.selectors import export_data


def models_reaching_client() -> dict[type[models.Model], str]:
    """Model → lookup path to the client's primary key, breadth first (shortest path)."""
    found: dict[type[models.Model], str] = {Client: "pk"}
    queue = deque([Client])
    candidates = [m for m in apps.get_models() if m.__module__.startswith("kotopolku.")]
    while queue:
        target = queue.popleft()
        for model in candidates:
            if model in found:
                continue
            for field in model._meta.get_fields():
                if not (field.is_relation and field.concrete) or field.related_model is not target:
                    continue
                found[model] = field.name if target is Client else f"{field.name}__{found[target]}"
                queue.append(model)
                break
    return found


def models_with_client_column() -> set[type[models.Model]]:
    """Models that name a client in a plain column (no foreign key), like the audit log."""
    return {
        m
        for m in apps.get_models()
        for f in m._meta.concrete_fields
        if f.name in ("client", "client_id") and not f.is_relation
    }


def test_every_model_reaching_a_client_has_a_holding():
    declared = {h.model for h in HOLDINGS}
    missing = []
    for model, path in models_reaching_client().items():
        label = model._meta.label
        if label in NOT_HELD:
            continue
        if label not in declared:
            missing.append(f"{label} (reaches the client by {path})")
    assert not missing, f"models holding client data without export support: {missing}"


def test_holdings_reach_the_client_the_way_the_graph_does():
    for model, path in models_reaching_client().items():
        if model._meta.label in NOT_HELD:
            continue
        holding = holding_for(model._meta.label)
        assert holding.path == path, (model, holding.path, path)


def test_plain_client_columns_are_held():
    declared = {h.model for h in HOLDINGS}
    for model in models_with_client_column():
        assert model._meta.label in declared, model


def test_registry_names_only_existing_models_and_fields():
    for holding in HOLDINGS:
        model = holding.model_class
        names = {f.name for f in model._meta.get_fields()}
        for name in (*holding.secret, *holding.anonymise):
            assert name in names, (holding.model, name)


@pytest.mark.django_db
def test_export_of_a_full_client_equals_the_database(full_client):
    """Every reaching model has rows for this client, and the export has exactly those rows."""
    data = export_data(client=full_client)
    reaching = models_reaching_client()
    empty = []
    for holding in HOLDINGS:
        model = holding.model_class
        if holding.rows is not None:
            expected = set(holding.rows(full_client.pk).values_list("pk", flat=True))
        else:
            expected = set(
                model._default_manager.filter(**{reaching[model]: full_client.pk}).values_list(
                    "pk", flat=True
                )
            )
        exported = {row["id"] for row in data["sections"][holding.model]}
        assert exported == expected, holding.model
        if not expected:
            empty.append(holding.model)
    # Anonymisation happens only at retention; everything else exists for the full client.
    assert empty == ["privacy.Anonymisation"]


@pytest.mark.django_db
def test_export_keeps_secrets_out_and_gives_the_subject_their_identity_code(full_client):
    data = export_data(client=full_client)
    client_row = data["sections"]["clients.Client"][0]
    assert "hetu_encrypted" not in client_row
    assert "hetu_hash" not in client_row
    assert client_row["identity_code"].startswith("010590")
    assert client_row["first_names"] == "Amina"
    payment = data["sections"]["compensation.PaymentListRow"][0]
    assert "hetu_hash" not in payment
    texts = str(data)
    assert "SALAINEN-TAVOITE" in texts
    assert "Sibeliuksenkatu 1 A 2" in texts
