"""The audit log reads in the administrator's language after the events whose
rows the code used to word in English (client edits, closing, moves, transfers, consents,
searches, the case-file export job and the other jobs' downloads)."""

from datetime import date

import pytest
from django.urls import reverse

from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.audit.tests.test_labels import _visible_text
from kotopolku.clients import services
from kotopolku.clients.tests.factories import ClientFactory
from kotopolku.jobs.models import Job

pytestmark = pytest.mark.django_db

# English the rows used to show, and codes that are no words for a reader.
ENGLISH = [
    "transfer",
    "no longer responsible",
    "organisation ",
    "consent",
    "withdrawn",
    "closed",
    "moved",
    "hits",
    "search",
    "identity code",
    "name or external id",
    "case file",
    " clients",
    "upload",
    "attendance",
    "payment list",
    "annual report",
    "programme document",
    "suppressed",
    "restricted",
    "changed",
    "phone",
    "first_names",
    "responsible_worker",
    "integration_act_move",
    "case_export",
]


@pytest.fixture
def events(demo, staff, tuusula, client_for, django_capture_on_commit_callbacks):
    """Rows of the events, written through the services and pages that write them."""
    jussi = staff("caseworker-jarvenpaa")
    http = client_for("caseworker")  # Järvenpää's case worker
    client = ClientFactory(actor=jussi, external_id="AL-1", municipality_code="186")
    services.client_update(actor=jussi, client=client, phone="040 123", responsible_worker=jussi)
    services.consent_add(
        actor=jussi,
        client=client,
        organisation=tuusula,
        purpose="transfer",
        valid_from=date(2025, 1, 1),
        valid_until=date(2099, 1, 1),
    )
    services.home_period_add(
        actor=jussi, client=client, municipality=tuusula, start=date(2025, 3, 1)
    )
    services.client_transfer(actor=jussi, client=client, organisation=tuusula)
    other = ClientFactory(actor=jussi, external_id="AL-2", municipality_code="186")
    consent = services.consent_add(
        actor=jussi,
        client=other,
        organisation=tuusula,
        purpose="referral",
        valid_from=date(2025, 1, 1),
        valid_until=date(2099, 1, 1),
    )
    services.consent_withdraw(actor=jussi, consent=consent)
    services.client_close(actor=jussi, client=other, closure="moved", closed_at=date(2025, 6, 1))
    # A search, and the case-file export run as a job and downloaded.
    http.post(reverse("clients:list"), {"q": "AL-2"})
    http.post(reverse("clients:list"), {"q": "010594Y9032"})
    third = ClientFactory(actor=jussi, external_id="AL-3", municipality_code="186")
    with django_capture_on_commit_callbacks(execute=True):
        http.post(reverse("clients:export"), {"client": [str(third.pk)]})
    job = Job.objects.get(kind="case_export")
    assert http.get(reverse("jobs:download", args=[job.pk])).status_code == 200
    # The other jobs' downloads and pages store these texts as they stand in their code.
    for reason in (
        "attendance upload",
        "payment list upload",
        "annual report fi pdf",
        "programme document sv docx",
        "pdf 2025 suppressed",
        "unsuppressed 2025",
        "restricted read: Oikeusasia",
    ):
        audit_record(actor=jussi, action=AuditEvent.Action.EXPORT, reason=reason)
    return client


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "fi",
            [
                "muutettu: puhelin, vastuutyöntekijä",
                "vastuu siirtyi taholta Järvenpää taholle Tuusula; peruste: asiakkaan suostumus",
                "Järvenpää ei ole enää asiakkaan vastuutaho",
                "suostumus tietojen luovuttamiseen taholle Tuusula",
                "päätetty: muuttanut pois",
                "haku henkilötunnuksella; 0 osumaa",
                "haku nimellä tai ulkoisella tunnisteella ”AL-2”; 1 osuma",
                "1 asiakkaan asiakirja-aineisto",
                "tiedoston lataus: läsnäolo",
                "tiedoston lataus: maksulista",
                "ohjelmaraportti (suomi, PDF)",
                "PDF, 2025: pienet luvut peitetty",
                "rajoitetun asiakkaan tietojen luku: Oikeusasia",
            ],
        ),
        (
            "sv",
            [
                "ändrat: telefon, ansvarig handläggare",
                "ansvaret flyttades från Träskända till Tusby; grund: klientens samtycke",
                "Träskända ansvarar inte längre för klienten",
                "samtycke till att lämna ut uppgifter till Tusby",
                "sökning med personbeteckning; 0 träffar",
                "akt för 1 klient",
                "uppladdning av fil: närvaro",
                "programdokument (svenska, DOCX)",
                "2025: siffror utan döljning av små tal",
            ],
        ),
    ],
)
def test_audit_log_shows_the_events_in_the_readers_language(events, client_for, language, expected):
    http = client_for("admin")
    http.cookies["django_language"] = language
    text = ""
    for page in (1, 2):
        response = http.get(reverse("audit:list"), {"page": page})
        text += _visible_text(response.content.decode())
    for words in expected:
        assert words in text, words
    reasons = text.split("Hae", 1)[-1] if language == "fi" else text.split("Sök", 1)[-1]
    for english in ENGLISH:
        assert english not in reasons, english


def test_rows_written_before_details_read_the_same(demo, tuusula):
    from django.utils import translation

    from kotopolku.audit.labels import reason_label

    with translation.override("fi"):
        assert reason_label(None, f"transfer:->{tuusula.pk};basis:integration_act_move") == (
            "vastuu siirtyi taholta – taholle Tuusula; peruste: "
            + str(services.TransferBasis.INTEGRATION_ACT_MOVE.label)
        )
        assert reason_label(None, f"transfer: organisation {tuusula.pk} no longer responsible") == (
            "Tuusula ei ole enää asiakkaan vastuutaho"
        )
        assert reason_label(None, "closed:moved") == "päätetty: muuttanut pois"
        assert reason_label(None, f"{tuusula.pk}:referral").startswith(
            "suostumus tietojen luovuttamiseen taholle Tuusula: "
        )
        assert reason_label(None, "email,phone") == "muutettu: sähköposti, puhelin"
        assert reason_label(None, "name or external id: Hassan; 3 hits") == (
            "haku nimellä tai ulkoisella tunnisteella ”Hassan”; 3 osumaa"
        )
        assert reason_label(None, "search result (identity code)") == (
            "hakutulos (henkilötunnuksella)"
        )
        assert reason_label(None, "case file") == "asiakirja-aineisto"
        assert reason_label(None, "case_export") == "asiakirja-aineisto"
