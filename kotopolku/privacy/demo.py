"""Demo data for data-subject rights: one undecided erasure request, so the privacy officer's
list and the client's privacy page have something to show. Running it twice changes nothing.

No demo client is restricted: a restriction hides the client from the lists other demo
journeys use.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from kotopolku.clients.models import Client
from kotopolku.privacy.models import ErasureRequest
from kotopolku.privacy.services import erasure_request_create


def seed_privacy_demo() -> int:
    """Returns how many requests were created (0 on a second run)."""
    if ErasureRequest.objects.exists():
        return 0
    client = (
        Client.objects.filter(
            responsible_organisation__municipality_code="186", closed_at__isnull=False
        )
        .order_by("external_id")
        .first()
        or Client.objects.filter(responsible_organisation__municipality_code="186")
        .order_by("external_id")
        .first()
    )
    if client is None:
        return 0
    actor = get_user_model().objects.filter(username="coordinator").first()
    erasure_request_create(
        actor=actor,
        client=client,
        received_on=timezone.localdate() - timedelta(days=3),
        channel="kirje",
        note="Asiakas pyytää poistamaan kaikki tietonsa.",
    )
    return 1
