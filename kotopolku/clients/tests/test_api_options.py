"""OPTIONS on a client answers like any other method (make fuzz found a 500: DRF asks the view
for the object before describing PUT, and the view had no queryset)."""

import pytest
from django.urls import reverse

from kotopolku.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", ["caseworker-jarvenpaa", "caseworker-tuusula", "admin"])
def test_options_on_a_client_is_not_a_server_error(http_for, jarvenpaa_client, username):
    response = http_for(username).options(reverse("api:client-detail", args=[jarvenpaa_client.pk]))
    assert response.status_code in (200, 403), response.content[:300]
    body = response.json()
    if username == "caseworker-jarvenpaa":
        assert "PUT" in body["actions"]
    if username == "caseworker-tuusula":  # may not see the client: PUT is not described
        assert "PUT" not in body.get("actions", {})
    assert not AuditEvent.objects.filter(
        action="view", object_type="Client", client_id=jarvenpaa_client.pk
    ).exists()
