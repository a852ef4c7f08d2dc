from kotopolku.access.matrix import Expect, api, staff_page
from kotopolku.organisations.models import Organisation

REGISTRY = {"admin", "coordinator", "caseworker"}  # all three belong to Järvenpää in the demo
MATRIX_CLIENT = "MATRIX-0001"


def _jarvenpaa_client():
    from kotopolku.clients.models import Client
    from kotopolku.clients.tests.factories import ClientFactory

    client = Client.objects.filter(external_id=MATRIX_CLIENT).first()
    if client is None:
        client = ClientFactory(external_id=MATRIX_CLIENT, municipality_code="186")
    return client


def _client():
    return {"pk": _jarvenpaa_client().pk}


def _consent():
    from kotopolku.clients.tests.factories import ConsentFactory

    client = _jarvenpaa_client()
    consent = client.consents.first() or ConsentFactory(
        client=client, organisation=Organisation.objects.get(municipality_code="858")
    )
    return {"pk": client.pk, "consent_pk": consent.pk}


def _post_only_api(*, kwargs=None) -> Expect:
    expect = api(REGISTRY, kwargs=kwargs)
    for role in REGISTRY:
        expect.status[role] = 405
    return expect


URL_ACCESS = {
    "clients:list": staff_page(REGISTRY),
    "clients:create": staff_page(REGISTRY),
    "clients:export": staff_page(REGISTRY, ok=405),  # POST only (tests/test_case_export.py)
    "clients:detail": staff_page(REGISTRY, kwargs=_client),
    "clients:edit": staff_page(REGISTRY, kwargs=_client),
    "clients:reveal": staff_page(REGISTRY, kwargs=_client),
    "clients:move": staff_page(REGISTRY, kwargs=_client),
    "clients:transfer": staff_page(REGISTRY, kwargs=_client),
    "clients:consent_add": staff_page(REGISTRY, kwargs=_client),
    "clients:consent_withdraw": staff_page(REGISTRY, kwargs=_consent),
    "api:client-list": api(REGISTRY),
    "api:client-detail": api(REGISTRY, kwargs=_client),
    "api:client-search": _post_only_api(),
    "api:client-transfer": _post_only_api(kwargs=_client),
}
