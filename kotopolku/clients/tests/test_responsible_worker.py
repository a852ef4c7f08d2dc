"""A client's responsible worker: a case worker of the responsible
organisation, chosen on the registration and edit forms and through the API, shown on the client
page, kept in the change history and cleared when responsibility moves."""

from datetime import date

import pytest
from django.urls import reverse

from kotopolku.audit.models import AuditEvent
from kotopolku.clients import services
from kotopolku.clients.models import Client, ClientChange
from kotopolku.clients.tests.factories import ClientFactory
from kotopolku.clients.tests.test_pickers import _in_language, _new, form_fields

pytestmark = pytest.mark.django_db


def _edit(http, client, **changes):
    page = http.get(reverse("clients:edit", args=[client.pk])).content.decode()
    data = form_fields(page)
    data.update(changes)
    return http.post(reverse("clients:edit", args=[client.pk]), data)


def test_edit_form_offers_own_case_workers_and_saves_one(http_for, staff, jarvenpaa_client):
    http = _in_language(http_for("caseworker-jarvenpaa"), "fi")
    kaisa = staff("coordinator")  # Järvenpää's coordinator
    page = http.get(reverse("clients:edit", args=[jarvenpaa_client.pk])).content.decode()
    assert "Kaisa Koordinaattori" in page
    assert "Tuula Tuominen" not in page  # Tuusula's case worker is not offered
    assert "Paula Peltonen" not in page  # a course provider does no casework

    response = _edit(http, jarvenpaa_client, responsible_worker=str(kaisa.pk))
    assert response.status_code == 302
    jarvenpaa_client.refresh_from_db()
    assert jarvenpaa_client.responsible_worker == kaisa
    detail = http.get(reverse("clients:detail", args=[jarvenpaa_client.pk])).content.decode()
    assert "Vastuutyöntekijä" in detail
    assert "Kaisa Koordinaattori" in detail
    # The case page, where the case worker works, names the worker as well.
    case = http.get(reverse("casework:case", kwargs={"pk": jarvenpaa_client.pk})).content.decode()
    assert 'data-testid="case-responsible-worker">Kaisa Koordinaattori<' in case
    # Audited like every client edit: the change history names the worker, old and new.
    change = ClientChange.objects.get(client=jarvenpaa_client, field="responsible_worker")
    assert (change.old_value, change.new_value) == ("", "Kaisa Koordinaattori")
    assert AuditEvent.objects.filter(
        action="update", object_type="Client", client_id=jarvenpaa_client.pk
    ).exists()

    # Back to nobody.
    assert _edit(http, jarvenpaa_client, responsible_worker="").status_code == 302
    jarvenpaa_client.refresh_from_db()
    assert jarvenpaa_client.responsible_worker is None
    detail = http.get(reverse("clients:detail", args=[jarvenpaa_client.pk])).content.decode()
    assert "Ei vastuutyöntekijää" in detail


@pytest.mark.parametrize(
    ("language", "message", "organisation"),
    [("fi", "ei ole", "Järvenpää"), ("sv", "inte", "Träskända")],
)
def test_worker_of_another_organisation_is_refused_with_a_clear_error(
    http_for, staff, jarvenpaa_client, language, message, organisation
):
    http = _in_language(http_for("caseworker-jarvenpaa"), language)
    tuula = staff("caseworker-tuusula")
    response = _edit(http, jarvenpaa_client, responsible_worker=str(tuula.pk), phone="040 1")
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors.get("responsible_worker", []))
    assert "Tuula Tuominen" in errors
    assert message in errors
    assert organisation in errors
    jarvenpaa_client.refresh_from_db()
    assert jarvenpaa_client.responsible_worker is None
    assert jarvenpaa_client.phone != "040 1"  # nothing of the form was saved


def test_registration_sets_a_worker_and_refuses_another_organisations(http_for, staff, demo):
    http = _in_language(http_for("caseworker-jarvenpaa"), "fi")
    jussi = staff("caseworker-jarvenpaa")
    refused = http.post(
        reverse("clients:create"), _new(responsible_worker=str(staff("caseworker-tuusula").pk))
    )
    assert refused.status_code == 400
    assert "responsible_worker" in refused.context["form"].errors
    assert not Client.objects.exists()
    response = http.post(reverse("clients:create"), _new(responsible_worker=str(jussi.pk)))
    assert response.status_code == 302
    assert Client.objects.get(external_id="PICK-1").responsible_worker == jussi


def test_a_transfer_clears_the_worker(staff, jarvenpaa_client, tuusula):
    jussi = staff("caseworker-jarvenpaa")
    services.client_update(actor=jussi, client=jarvenpaa_client, responsible_worker=jussi)
    services.home_period_add(
        actor=jussi, client=jarvenpaa_client, municipality=tuusula, start=date(2025, 3, 1)
    )
    jarvenpaa_client.refresh_from_db()
    assert jarvenpaa_client.responsible_worker == jussi  # a move alone hands nothing over
    services.client_transfer(
        actor=jussi,
        client=jarvenpaa_client,
        organisation=tuusula,
        legal_basis=services.TransferBasis.INTEGRATION_ACT_MOVE,
    )
    jarvenpaa_client.refresh_from_db()
    assert jarvenpaa_client.responsible_organisation == tuusula
    assert jarvenpaa_client.responsible_worker is None
    change = ClientChange.objects.get(
        client=jarvenpaa_client, field="responsible_worker", source="transfer"
    )
    assert (change.old_value, change.new_value) == ("Jussi Järvinen", "")


def test_api_sets_the_worker_and_refuses_another_organisations(http_for, staff, demo):
    client = ClientFactory(actor=staff("caseworker-jarvenpaa"), municipality_code="186")
    http = http_for("caseworker-jarvenpaa")
    url = f"/api/v1/clients/{client.pk}/"
    tuula = staff("caseworker-tuusula")
    refused = http.patch(url, {"responsible_worker": tuula.pk}, content_type="application/json")
    assert refused.status_code == 400
    assert "responsible_worker" in str(refused.json())
    client.refresh_from_db()
    assert client.responsible_worker is None
    jussi = staff("caseworker-jarvenpaa")
    saved = http.patch(url, {"responsible_worker": jussi.pk}, content_type="application/json")
    assert saved.status_code == 200
    assert saved.json()["responsible_worker"] == jussi.pk
    cleared = http.patch(url, {"responsible_worker": None}, content_type="application/json")
    assert cleared.json()["responsible_worker"] is None
