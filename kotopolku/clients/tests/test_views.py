from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kotopolku.audit.models import AuditEvent
from kotopolku.clients.models import Client
from kotopolku.clients.tests.factories import ClientFactory, ConsentFactory

pytestmark = pytest.mark.django_db


def test_other_municipalitys_caseworker_gets_404_and_an_audit_row(http_for, jarvenpaa_client):
    """Acceptance 2 (UI): not 403, so as not to reveal that the client exists."""
    http = http_for("caseworker-tuusula")
    for name in ("clients:detail", "clients:edit", "clients:reveal", "clients:move"):
        response = http.get(reverse(name, args=[jarvenpaa_client.pk]))
        assert response.status_code == 404, name
    denied = AuditEvent.objects.filter(
        action="access_denied", actor__username="caseworker-tuusula", client_id=jarvenpaa_client.pk
    )
    assert denied.count() == 4
    assert not denied.filter(success=True).exists()
    # A missing client answers exactly the same.
    assert http.get(reverse("clients:detail", args=[999999])).status_code == 404


def test_own_caseworker_sees_the_client_and_the_view_is_audited(http_for, jarvenpaa_client):
    response = http_for("caseworker-jarvenpaa").get(
        reverse("clients:detail", args=[jarvenpaa_client.pk])
    )
    assert response.status_code == 200
    assert "Amina" in response.content.decode()
    assert AuditEvent.objects.filter(action="view", client_id=jarvenpaa_client.pk).exists()


def test_list_shows_only_visible_clients_with_constant_queries(http_for, staff, jarvenpaa_client):
    ClientFactory(
        actor=staff("caseworker-tuusula"), municipality_code="858", last_name="Tuusulalainen"
    )
    http = http_for("caseworker-jarvenpaa")
    http.get(reverse("clients:list"))
    with CaptureQueriesContext(connection) as few:
        response = http.get(reverse("clients:list"))
    body = response.content.decode()
    assert "Hassan" in body
    assert "Tuusulalainen" not in body
    for n in range(10):
        ClientFactory(actor=staff("caseworker-jarvenpaa"), external_id=f"JP-MANY-{n}")
    with CaptureQueriesContext(connection) as many:
        http.get(reverse("clients:list"))
    assert len(many) == len(few)


def test_empty_list_says_so(http_for, demo):
    response = http_for("caseworker-tuusula").get(reverse("clients:list"))
    assert response.status_code == 200
    assert "empty-state" in response.content.decode()


def test_search_by_identity_code_is_a_post_and_is_audited_without_the_code(http_for, staff, demo):
    client = ClientFactory(
        actor=staff("caseworker-jarvenpaa"), date_of_birth=date(1994, 5, 1), hetu="010594Y9032"
    )
    ClientFactory(actor=staff("caseworker-jarvenpaa"), external_id="JP-OTHER")
    response = http_for("caseworker-jarvenpaa").post(reverse("clients:list"), {"q": "010594Y9032"})
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [client]
    row = AuditEvent.objects.get(action="search", client_id__isnull=True)
    assert "010594" not in row.reason
    assert "9032" not in row.reason
    assert "identity code" in row.reason
    # The client shown gets its own row (docs/security.md), without the code either.
    named = AuditEvent.objects.get(action="search", client_id=client.pk)
    assert "9032" not in named.reason


def test_search_by_name_and_external_id(http_for, jarvenpaa_client):
    http = http_for("caseworker-jarvenpaa")
    for query in ("amina hassan", "Hass", "jp-2024-0001"):
        response = http.post(reverse("clients:list"), {"q": query})
        assert list(response.context["page"].object_list) == [jarvenpaa_client], query
    response = http.post(reverse("clients:list"), {"q": "Nobody"})
    assert not response.context["page"].object_list
    assert "empty-state" in response.content.decode()


def test_search_does_not_find_other_organisations_clients(http_for, jarvenpaa_client):
    response = http_for("caseworker-tuusula").post(reverse("clients:list"), {"q": "Hassan"})
    assert not response.context["page"].object_list


def _rows(prefix, rows):
    """A formset's post: management form plus one dict per row."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def _form(**overrides):
    data = {
        "external_id": "JP-NEW-1",
        "first_names": "Abdi",
        "last_name": "Warsame",
        "date_of_birth": "1994-05-01",
        "hetu": "010594Y9032",
        "permit_basis": "quota_refugee",
        "first_permit_date": "2024-03-15",
        "mother_tongue": "so",
        **_rows(
            "other_languages", [{"code": "fi", "level": "A1.2"}, {"code": "en", "level": "B1.1"}]
        ),
        "home_municipality": "",
        "home_start": "",
    }
    data.update(overrides)
    return data


def test_register_a_client_through_the_form(http_for, jarvenpaa):
    response = http_for("caseworker-jarvenpaa").post(
        reverse("clients:create"),
        _form(home_municipality=jarvenpaa.municipality_code, jobseeker="on"),
    )
    client = Client.objects.get(external_id="JP-NEW-1")
    assert response.status_code == 302
    # A jobseeker belongs to the employment area from the start: the case worker of the
    # municipality lands on the list with a message saying so, not on a page refused to them.
    assert response["Location"] == reverse("clients:list")
    assert client.responsible_organisation == jarvenpaa.employment_area
    assert {(lang.code, lang.level, lang.mother_tongue) for lang in client.languages.all()} == {
        ("so", "", True),
        ("fi", "A1.2", False),
        ("en", "B1.1", False),
    }


def test_bad_identity_code_gives_a_finnish_error_and_stores_nothing(http_for, demo):
    http = http_for("caseworker-jarvenpaa")
    response = http.post(
        reverse("clients:create"), _form(hetu="020594Y9032"), HTTP_ACCEPT_LANGUAGE="fi"
    )
    assert response.status_code == 400
    assert "hetu" in response.context["form"].errors
    assert not Client.objects.exists()
    response = http.post(
        reverse("clients:create"), _form(**{"other_languages-0-code": "finnish!!"})
    )
    assert response.status_code == 400
    assert not Client.objects.exists()


def test_reveal_needs_a_post_with_a_reason(http_for, staff, demo):
    client = ClientFactory(
        actor=staff("caseworker-jarvenpaa"), date_of_birth=date(1994, 5, 1), hetu="010594Y9032"
    )
    http = http_for("caseworker-jarvenpaa")
    detail = http.get(reverse("clients:detail", args=[client.pk])).content.decode()
    assert "010594Y9032" not in detail
    assert "010594•••••" in detail
    page = http.get(reverse("clients:reveal", args=[client.pk]))
    assert "010594Y9032" not in page.content.decode()
    assert not AuditEvent.objects.filter(action="reveal").exists()
    assert http.post(reverse("clients:reveal", args=[client.pk]), {}).status_code == 400
    shown = http.post(reverse("clients:reveal", args=[client.pk]), {"reason": "Kela"})
    assert "010594Y9032" in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    assert AuditEvent.objects.filter(action="reveal", client_id=client.pk).count() == 1


def test_move_then_transfer_with_consent(http_for, staff, jarvenpaa_client, tuusula):
    http = http_for("caseworker-jarvenpaa")
    response = http.post(
        reverse("clients:move", args=[jarvenpaa_client.pk]),
        {"municipality": tuusula.municipality_code, "start": "2025-03-01"},
    )
    assert response.status_code == 302
    detail = http.get(reverse("clients:detail", args=[jarvenpaa_client.pk]))
    assert detail.context["transfer_target"] == tuusula
    assert detail.context["transfer_consent"] is None
    assert http.post(reverse("clients:transfer", args=[jarvenpaa_client.pk])).status_code == 400
    response = http.post(
        reverse("clients:consent_add", args=[jarvenpaa_client.pk]),
        {
            "organisation": tuusula.pk,
            "purpose": "transfer",
            "valid_from": "2025-01-01",
            "valid_until": "2099-12-31",
        },
    )
    assert response.status_code == 302
    assert http.post(reverse("clients:transfer", args=[jarvenpaa_client.pk])).status_code == 302
    jarvenpaa_client.refresh_from_db()
    assert jarvenpaa_client.responsible_organisation == tuusula
    # Tuusula now sees the client; Järvenpää does not any more.
    assert (
        http_for("caseworker-tuusula")
        .get(reverse("clients:detail", args=[jarvenpaa_client.pk]))
        .status_code
        == 200
    )
    assert http.get(reverse("clients:detail", args=[jarvenpaa_client.pk])).status_code == 404


def test_overlapping_move_is_refused_with_a_message(http_for, jarvenpaa_client, tuusula):
    response = http_for("caseworker-jarvenpaa").post(
        reverse("clients:move", args=[jarvenpaa_client.pk]),
        {"municipality": tuusula.municipality_code, "start": "2024-01-01", "end": "2024-06-01"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors
    assert jarvenpaa_client.home_periods.count() == 1


def test_withdraw_consent_asks_first(http_for, staff, jarvenpaa_client, tuusula):
    consent = ConsentFactory(
        actor=staff("caseworker-jarvenpaa"), client=jarvenpaa_client, organisation=tuusula
    )
    http = http_for("caseworker-jarvenpaa")
    url = reverse("clients:consent_withdraw", args=[jarvenpaa_client.pk, consent.pk])
    assert http.get(url).status_code == 200
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    assert http.post(url).status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert http.post(url).status_code == 400


def test_reveal_asks_for_the_password_again_after_an_old_log_in(http_for, staff, demo):
    from kotopolku.access.reauth import AUTH_AT

    client = ClientFactory(
        actor=staff("caseworker-jarvenpaa"), date_of_birth=date(1994, 5, 1), hetu="010594Y9032"
    )
    http = http_for("caseworker-jarvenpaa")
    session = http.session
    session[AUTH_AT] = 0  # logged in long ago
    session.save()
    response = http.post(reverse("clients:reveal", args=[client.pk]), {"reason": "Kela"})
    assert response.status_code == 302
    assert "010594Y9032" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="reveal").exists()


@pytest.mark.usefixtures("one_rate_window")
def test_search_is_rate_limited(http_for, jarvenpaa_client):
    http = http_for("caseworker-jarvenpaa")
    statuses = [http.post(reverse("clients:list"), {"q": "Hassan"}).status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429


def test_registering_a_jobseeker_says_who_is_responsible_and_no_page_refuses(http_for, jarvenpaa):
    http = http_for("caseworker-jarvenpaa")
    response = http.post(
        reverse("clients:create"),
        _form(home_municipality=jarvenpaa.municipality_code, jobseeker="on"),
        follow=True,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "JP-NEW-1" in body
    assert str(jarvenpaa.employment_area) in body
    # Registering again names the organisation to ask, and stores nothing new.
    again = http.post(reverse("clients:create"), _form(external_id="JP-NEW-2"))
    assert again.status_code == 400
    assert str(jarvenpaa.employment_area) in str(again.context["form"].errors["hetu"])
    assert not Client.objects.filter(external_id="JP-NEW-2").exists()


def test_registering_an_own_client_opens_the_client_page(http_for, jarvenpaa):
    response = http_for("caseworker-jarvenpaa").post(
        reverse("clients:create"), _form(home_municipality=jarvenpaa.municipality_code)
    )
    client = Client.objects.get(external_id="JP-NEW-1")
    assert response["Location"] == reverse("clients:detail", args=[client.pk])
