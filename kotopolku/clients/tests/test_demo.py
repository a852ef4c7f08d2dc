import pytest
from django.utils import timezone

from kotopolku.clients import identity
from kotopolku.clients.demo import demo_client_data, seed_clients
from kotopolku.clients.models import Client

pytestmark = pytest.mark.django_db


def test_demo_clients_are_deterministic_idempotent_and_valid(demo):
    assert seed_clients(40) == 40
    assert seed_clients(40) == 0
    assert seed_clients(45) == 5
    clients = Client.objects.filter(external_id__startswith="DEMO-")
    assert clients.count() == 45
    today = timezone.localdate()
    assert demo_client_data(7, today) == demo_client_data(7, today)
    with_code = [c for c in clients if c.has_hetu]
    assert with_code
    for client in with_code:
        code = identity.decrypt(client.hetu_encrypted)
        assert identity.validate(code, client.date_of_birth) == code
    assert all(c.responsible_organisation_id for c in clients)
    assert {lang.code for c in clients for lang in c.languages.all() if lang.mother_tongue} >= {
        "ar",
        "uk",
    }


def test_demo_clients_have_workers_of_their_responsible_organisation(demo):
    """So that the worklist's worker filter shows something in the demo."""
    from kotopolku.clients.selectors import is_responsible_worker

    seed_clients(40)
    clients = Client.objects.filter(external_id__startswith="DEMO-").select_related(
        "responsible_worker", "responsible_organisation"
    )
    with_worker = [c for c in clients if c.responsible_worker_id]
    assert with_worker
    assert any(c.responsible_worker.username == "caseworker-jarvenpaa" for c in with_worker)
    assert any(not c.responsible_worker_id for c in clients)
    for client in with_worker:
        assert is_responsible_worker(
            user=client.responsible_worker, organisation=client.responsible_organisation
        )
