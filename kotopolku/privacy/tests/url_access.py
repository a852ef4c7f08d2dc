from kotopolku.access.matrix import staff_page

OFFICERS = {"admin", "coordinator"}  # of Järvenpää in the demo, like the matrix client
STAFF = {"admin", "coordinator", "caseworker"}  # the demo caseworker is Järvenpää's
MATRIX_CLIENT = "MATRIX-PRIVACY-1"


def _client_obj():
    from kotopolku.clients.models import Client
    from kotopolku.clients.tests.factories import ClientFactory

    client = Client.objects.filter(external_id=MATRIX_CLIENT).first()
    if client is None:
        client = ClientFactory(external_id=MATRIX_CLIENT, municipality_code="186")
    return client


def _client():
    return {"pk": _client_obj().pk}


def _erasure_request():
    from datetime import date

    from kotopolku.clients.tests.factories import staff_user
    from kotopolku.privacy import services

    client = _client_obj()
    request = client.erasure_requests.first() or services.erasure_request_create(
        actor=staff_user(), client=client, received_on=date(2026, 1, 5), note="Poistakaa tietoni"
    )
    return {"pk": client.pk, "request_pk": request.pk}


def _restriction():
    from kotopolku.clients.tests.factories import staff_user
    from kotopolku.privacy import services

    client = _client_obj()
    restriction = client.restrictions.first() or services.restriction_start(
        actor=staff_user(), client=client, reason="Oikeudenkäynti vireillä"
    )
    return {"pk": client.pk, "restriction_pk": restriction.pk}


def _restricted_client():
    return {"pk": _restriction()["pk"]}


URL_ACCESS = {
    "privacy:overview": staff_page(OFFICERS),
    "privacy:client": staff_page(STAFF, kwargs=_client),
    "privacy:export_json": staff_page(OFFICERS, kwargs=_client),
    # Slow (seconds per role): renders the data-subject export PDF.
    "privacy:export_pdf": staff_page(OFFICERS, kwargs=_client),
    "privacy:log_report": staff_page(STAFF, kwargs=_client),
    "privacy:log_report_download": staff_page(STAFF, kwargs=_client),
    "privacy:history": staff_page(OFFICERS, kwargs=_client),
    "privacy:erasure_add": staff_page(OFFICERS, kwargs=_client),
    "privacy:erasure_decide": staff_page(OFFICERS, kwargs=_erasure_request),
    "privacy:restriction_add": staff_page(OFFICERS, kwargs=_client),
    "privacy:restriction_lift": staff_page(OFFICERS, kwargs=_restriction),
    "privacy:restricted_open": staff_page(STAFF, kwargs=_restricted_client),
}
