"""The audit log speaks the administrator's language, not class names,
permission keys or English counts; rows written before `details` read the same."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from kotopolku.access import organisations as perms
from kotopolku.audit.labels import audit_summary, object_label, reason_label
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_client_reads, audit_record
from kotopolku.common.formatting import euros

pytestmark = pytest.mark.django_db

# Codes that must never reach the page as text (they may sit in a title attribute).
CODES = ["PrivacyOverview", "IntegrationPlan", "RulesWhatIf", "audit.view", "client.view"]
ENGLISH = [
    "1 clients",
    "page 1",
    "persons",
    "no permission",
    "too many failed log-ins",
    "approve minutes",
    "group 1",
    " rows",
]


def _rows(user):
    # As written before `details` existed: English text in `reason`.
    audit_record(
        actor=user,
        action=AuditEvent.Action.VIEW,
        object_type="PrivacyOverview",
        object_id=7,
        reason="page 1: 1 clients",
    )
    audit_record(
        actor=user,
        action=AuditEvent.Action.ACCESS_DENIED,
        reason="audit.view",
        success=False,
    )
    # As written now.
    audit_client_reads(
        actor=user,
        action=AuditEvent.Action.VIEW,
        object_type="PrivacyOverview",
        client_ids=[1],
        details=audit_summary("page", page=2),
    )
    audit_record(
        actor=user,
        action=AuditEvent.Action.ACCESS_DENIED,
        object_type="IntegrationPlan",
        object_id=3,
        reason=str(perms.AUDIT_VIEW),
        details=audit_summary("denied", permission=perms.AUDIT_VIEW.key),
        success=False,
    )
    audit_record(
        actor=user,
        action=AuditEvent.Action.VIEW,
        object_type="RulesWhatIf",
        details=audit_summary("counts", persons=3, clients=1),
    )
    audit_record(
        actor=None, action=AuditEvent.Action.LOCKOUT, details=audit_summary("failed_logins")
    )


def _visible_text(html: str) -> str:
    """The page without its tags and attributes (the codes may stay in a title)."""
    body = html.split("<main", 1)[-1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", body))


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fi", ["Tietosuojan yleiskuva 7", "sivu 1: 1 asiakas", "sivu 2", "Ei käyttöoikeutta"]),
        ("sv", ["Översikt över dataskydd 7", "sida 1: 1 klient", "sida 2", "ingen behörighet"]),
    ],
)
def test_audit_page_has_no_codes_and_no_english(client_for, user_for, language, expected):
    _rows(user_for("caseworker"))
    http = client_for("admin")
    http.cookies["django_language"] = language
    html = http.get(reverse("audit:list")).content.decode()
    text = _visible_text(html)
    for word in expected:
        assert word.lower() in text.lower(), word
    for code in CODES + ENGLISH:
        assert code not in text, code
    # The administrator still finds the codes on hover.
    assert 'title="PrivacyOverview"' in html
    assert 'title="audit.view"' in html


def test_new_rows_store_parameters_and_english_reason(user_for):
    audit_client_reads(
        actor=user_for("caseworker"),
        action=AuditEvent.Action.VIEW,
        object_type="ClientList",
        client_ids=[5, 6],
        details=audit_summary("page", page=4),
    )
    row = AuditEvent.objects.filter(object_type="ClientList").first()
    assert row.details == {"summary": "page", "page": 4}
    assert row.reason == "page 4"  # for the API and anyone reading the table directly
    with translation.override("sv"):
        assert row.reason_label == "sida 4"


def test_labels_in_swedish_and_for_unknown_types():
    with translation.override("sv"):
        assert object_label("IntegrationPlan") == "integrationsplan"
        assert reason_label(None, "audit.view") == "ingen behörighet: logg"
        assert reason_label(None, "12 clients") == "12 klienter"
        assert reason_label(None, "pdf sv") == "PDF-utskrift (svenska)"
        assert reason_label({"summary": "counts", "persons": 1, "clients": 2}, "") == (
            "1 person, 2 klienter"
        )
    # A type added later reads as words, and free text stays as written.
    assert object_label("SomethingNew") == "something new"
    assert reason_label(None, "Työnhaku") == "Työnhaku"
    with pytest.raises(ValueError, match="unknown"):
        audit_summary("no_such_summary")


def test_course_rows_old_and_new_in_finnish():
    with translation.override("fi"):
        # Old rows: the English text as stored before `details`.
        assert reason_label(None, "attendance of 2 participants (2 changed)") == (
            "läsnäolo 2 osallistujalle (2 muuttui)"
        )
        assert reason_label(None, "SO-AR-JP: enrolled") == "SO-AR-JP: ilmoittautunut"
        assert reason_label(None, "SO-AR-JP: orientation completed at 72.0 hours (P7)") == (
            "SO-AR-JP: yhteiskuntaorientaatio suoritettu, 72,0 tuntia (P7)"
        )
        assert reason_label(None, "completed") == "valmis"
        new = audit_summary("enrolment", course="KK-FI-JP", before="invited", status="enrolled")
        assert reason_label(new, "") == "KK-FI-JP: kutsuttu → ilmoittautunut"


def test_search_finds_an_object_type_by_its_name_in_the_readers_language(client_for, user_for):
    audit_record(
        actor=user_for("caseworker"),
        action=AuditEvent.Action.VIEW,
        object_type="PrivacyOverview",
        object_id=41,
    )
    http = client_for("admin")
    http.cookies["django_language"] = "fi"
    page = http.get(reverse("audit:list"), {"q": "yleiskuva"}).content.decode()
    assert "Tietosuojan yleiskuva" in page
    assert "41" in page
    assert "Kirjautuminen" not in _visible_text(page).split("Hae", 1)[-1]


@pytest.mark.parametrize(
    ("stored", "finnish"),
    [
        # The jobs' download rows: the `AuditAs` reason, or the job's kind.
        ("case file, 3 clients", "3 asiakkaan asiakirja-aineisto"),
        ("case file", "asiakirja-aineisto"),
        ("case_export", "asiakirja-aineisto"),
        ("attendance upload", "tiedoston lataus: läsnäolo"),
        ("attendance_upload", "tiedoston lataus: läsnäolo"),
        ("payment list upload", "tiedoston lataus: maksulista"),
        ("annual report sv pdf", "ohjelmaraportti (ruotsi, PDF)"),
        ("programme document fi docx", "ohjelma-asiakirja (suomi, DOCX)"),
        ("statistics_document", "tilastoasiakirja"),
        ("minutes fi html", "pöytäkirja (suomi, HTML)"),
        ("state reporting xlsx", "valtion raportointi (XLSX)"),
        # Pages and services of other apps.
        ("csv 2025 suppressed", "CSV, 2025: pienet luvut peitetty"),
        ("unsuppressed 2025", "2025: luvut ilman pienten lukujen peittämistä"),
        ("restricted read: Oikeusasia", "rajoitetun asiakkaan tietojen luku: Oikeusasia"),
        ("processing restricted; no reason given", "käsittelyä rajoitettu; syytä ei annettu"),
        ("added 2, updated 0, ended 1", "2 lisätty, 0 päivitetty, 1 päättynyt"),
        ("submitted", "lähetetty"),
        ("withdrawn", "peruttu"),
        ("decided:1200.50", f"päätetty: {euros('1200.50', language='fi')}"),
        ("SO-AR-JP: from the waiting list", "SO-AR-JP: jonosta"),
        ("invited → enrolled", "kutsuttu → ilmoittautunut"),
        ("SO-AR-JP: no change", "SO-AR-JP: ei muutoksia"),
        ("integration plan", "kotoutumissuunnitelman kurssien eteneminen"),
        ("missing from the payment list (e-form)", "puuttuu maksulistalta (e-lomake)"),
        ("two-factor removed", "kaksivaiheinen tunnistautuminen poistettu"),
        ("data subject export (pdf)", "rekisteröidyn tietojen tulostus (PDF)"),
        ("log report pdf 2025-01-01–…", "lokiraportti (PDF, 2025-01-01–…)"),
        (
            "lifted account lock-out of jussi from 10.0.0.1",
            "käyttäjän jussi lukitus osoitteesta 10.0.0.1 poistettu",
        ),
        ("reason given: Oikeusasia", "annettu syy: Oikeusasia"),
        ("referral 12 ended", "ohjaus 12 päättyi"),
        (
            "override first_plan_too_long: Lukutaito ensin",
            "poikkeus määräaikasäännöistä: Lukutaito ensin",
        ),
    ],
)
def test_english_texts_of_other_apps_read_in_finnish(stored, finnish):
    with translation.override("fi"):
        assert reason_label(None, stored) == finnish


def test_field_lists_read_only_when_they_are_fields():
    with translation.override("fi"):
        assert reason_label(None, "SO-AR-JP: day, hours").startswith("SO-AR-JP: muutettu: ")
        assert "day" not in reason_label(None, "SO-AR-JP: day, hours")
        # Words that are no fields stay as written (free text is never rewritten).
        assert reason_label(None, "hello, world") == "hello, world"


def test_casework_rows_name_the_organisation_and_choices(demo):
    from kotopolku.organisations.models import Organisation

    tuusula = Organisation.objects.get(municipality_code="858")
    with translation.override("fi"):
        accepted = reason_label(
            None, f"accepted; access granted until 2025-06-30; organisation {tuusula.pk}"
        )
        assert accepted == "hyväksytty; käyttöoikeus 30.6.2025 asti; vastaanottava taho Tuusula"
        assert "accepted" not in accepted
        sent = reason_label(
            None, f"referral sent to organisation {tuusula.pk}; basis:integration_act_information"
        )
        assert sent.startswith("ohjaus lähetetty taholle Tuusula; peruste: ")
        assert "integration_act_information" not in sent
        assert reason_label(None, "closed employed").startswith("päätetty: ")
        assert "employed" not in reason_label(None, "closed employed")
        assert reason_label(None, "6 family_leave").startswith("pidennetty 6 kuukaudella: ")
