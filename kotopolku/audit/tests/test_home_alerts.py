"""The administrator's home page shows the security alerts of the last two weeks."""

import pytest
from django.urls import reverse

from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_admin_home_shows_recent_alerts_and_others_see_no_alert_block(client_for, user_for):
    page = client_for("admin").get(reverse("home")).content.decode()
    assert "Ei tietoturvahälytyksiä kahden viime viikon aikana." in page

    audit_record(
        actor=user_for("caseworker"),
        action=AuditEvent.Action.ALERT,
        reason="Poikkeuksellisen paljon asiakastietojen lukuja",
    )
    audit_record(actor=user_for("caseworker"), action=AuditEvent.Action.ALERT, reason="Toinen")

    page = client_for("admin").get(reverse("home")).content.decode()
    assert "2 hälytystä kahden viime viikon aikana." in page
    assert "Poikkeuksellisen paljon asiakastietojen lukuja" in page
    assert f"{reverse('audit:list')}?action=alert" in page

    for role in ("coordinator", "caseworker", "viewer", "provider"):
        assert 'id="audit-today"' not in client_for(role).get(reverse("home")).content.decode()
