import io
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document as Docx
from pypdf import PdfReader

from kotopolku.audit.models import AuditEvent
from kotopolku.governance.models import AgendaItem, AnnualReport, FollowUpTask, Meeting
from kotopolku.governance.tests import factories
from kotopolku.programme.models import Measure

pytestmark = pytest.mark.django_db


def _pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def _docx_text(body: bytes) -> str:
    doc = Docx(io.BytesIO(body))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_coordinator_prepares_a_meeting_records_decisions_and_approves_the_minutes(client_for):
    """Acceptance 1: schedule, agenda with two measures, decisions, approval, PDF and DOCX."""
    client = client_for("coordinator")
    group = factories.cooperation_group()
    measures = list(Measure.objects.order_by("pk")[:2])

    response = client.post(
        reverse("governance:meeting_create", kwargs={"pk": group.pk}),
        {"date": "2026-02-11", "start_time": "13:00", "place": "Järvenpää-talo, Sibelius-sali"},
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(group=group, date=date(2026, 2, 11))

    add = reverse("governance:item_add", kwargs={"pk": meeting.pk})
    response = client.post(add, {"title": "Kokouksen avaus"})
    assert response.status_code == 302
    response = client.post(
        add,
        {
            "title": "Toimenpiteiden tilannekatsaus",
            "description": "Koordinaatioryhmän katsaus.",
            "measures": [m.pk for m in measures],
        },
    )
    assert response.status_code == 302
    first, second = meeting.items.order_by("number")
    assert set(second.measures.all()) == set(measures)

    # Approval is refused while an item has no decision: nothing changes.
    approve = reverse("governance:minutes_approve", kwargs={"pk": meeting.pk})
    assert client.get(approve).status_code == 200  # the confirmation step
    client.post(approve)
    meeting.refresh_from_db()
    assert meeting.minutes_approved_at is None

    for item, text in ((first, "Puheenjohtaja avasi kokouksen."), (second, "Merkittiin tiedoksi.")):
        url = reverse("governance:item_decision", kwargs={"pk": meeting.pk, "item": item.pk})
        assert client.post(url, {"decision": text}).status_code == 302
    assert client.post(approve).status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes_approved_at is not None

    page = client.get(reverse("governance:meeting", kwargs={"pk": meeting.pk}))
    assert "Merkittiin tiedoksi." in page.content.decode()
    assert "?kind=minutes&amp;language=sv&amp;format=docx" in page.content.decode()

    document = reverse("governance:meeting_document", kwargs={"pk": meeting.pk})
    pdf = client.get(document, {"kind": "minutes", "language": "fi", "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    for expected in ("Pöytäkirja", "Toimenpiteiden tilannekatsaus", "Merkittiin tiedoksi."):
        assert expected in text
    assert measures[0].title_fi in text.replace("\n", " ")

    docx = client.get(document, {"kind": "minutes", "language": "sv", "format": "docx"})
    assert docx["Content-Disposition"].startswith("attachment")
    text = _docx_text(docx.content)
    for expected in ("Protokoll", "Puheenjohtaja avasi kokouksen.", measures[1].title_sv):
        assert expected in text
    assert (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.EXPORT, object_type="Meeting", object_id=str(meeting.pk)
        ).count()
        == 2
    )

    # After approval the agenda can no longer be changed.
    client.post(add, {"title": "Myöhästynyt asia"})
    assert meeting.items.count() == 2


def test_bad_meeting_input_shows_a_translated_error_and_changes_nothing(client_for):
    client = client_for("coordinator")
    client.cookies["django_language"] = "fi"
    group = factories.cooperation_group()
    before = Meeting.objects.count()
    response = client.post(
        reverse("governance:meeting_create", kwargs={"pk": group.pk}), {"date": "2026-02-30"}
    )
    assert response.status_code == 400
    assert Meeting.objects.count() == before
    response = client.post(
        reverse("governance:meeting_create", kwargs={"pk": group.pk}), {"date": "2026-02-10"}
    )
    assert response.status_code == 400
    assert "Anna kokouspaikka tai linkki" in response.content.decode()
    assert Meeting.objects.count() == before


def test_deleting_the_second_2025_meeting_shows_the_meeting_warning(client_for):
    """Acceptance 2."""
    client = client_for("coordinator")
    client.cookies["django_language"] = "en"
    group = factories.cooperation_group()
    url = reverse("governance:group", kwargs={"pk": group.pk})
    warning = "In 2025 the group has 1 meetings scheduled or held: fewer than 2 meetings"
    assert warning not in client.get(url).content.decode()

    second = group.meetings.filter(date__year=2025).order_by("date")[1]
    confirm = client.get(reverse("governance:meeting_delete", kwargs={"pk": second.pk}))
    assert confirm.status_code == 200  # the confirmation step
    second.refresh_from_db()
    assert not second.archived
    response = client.post(reverse("governance:meeting_delete", kwargs={"pk": second.pk}))
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.archived
    page = client.get(url).content.decode()
    assert warning in page
    listing = client.get(reverse("governance:meetings"), {"year": 2025}).content.decode()
    assert f'href="/governance/meetings/{second.pk}/"' not in listing


def _report_sections(language):
    if language == "fi":
        return [
            "Vuoden keskeiset tunnusluvut",
            "uudet asiakkaat",  # a key figure from the statistics app
            "Toimenpiteiden tila",
            "Mittarit suhteessa tavoitteisiin",
            "Lisätyt ja poistuneet palvelut",
            "Työryhmien kokoukset ja päätökset",
            "Avoimet jatkotoimenpiteet",
        ]
    return [
        "Årets nyckeltal",
        "nya klienter",  # a key figure from the statistics app
        "Åtgärdernas status",
        "Mätare i förhållande till målen",
        "Tillagda och avslutade tjänster",
        "Arbetsgruppernas möten och beslut",
        "Öppna uppföljningsuppgifter",
    ]


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_2025_report_has_every_section_in_fi_and_sv(client_for, language):
    """Acceptance 3, first half."""
    client = client_for("viewer")
    report = AnnualReport.objects.get(year=2025)
    response = client.get(
        reverse("governance:report_document", kwargs={"pk": report.pk}),
        {"language": language, "format": "html"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    for section in _report_sections(language):
        assert section in html, section
    assert "Kotoutumisen ja maahanmuuton yhteistyöryhmä" in html or (
        "Samarbetsgruppen för integration och migration" in html
    )
    docx = client.get(
        reverse("governance:report_document", kwargs={"pk": report.pk}),
        {"language": language, "format": "docx"},
    )
    text = _docx_text(docx.content)
    for section in _report_sections(language):
        assert section in text, section


def test_the_report_is_marked_processed_only_by_linking_a_cooperation_item(client_for):
    """Acceptance 3, second half."""
    client = client_for("coordinator")
    report = AnnualReport.objects.get(year=2025)
    url = reverse("governance:report_process", kwargs={"pk": report.pk})
    coordination_item = AgendaItem.objects.filter(
        meeting__group=factories.coordination_group()
    ).first()
    assert client.post(url, {}).status_code == 400
    assert client.post(url, {"item": coordination_item.pk}).status_code == 400
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DRAFT

    meeting = factories.meeting(
        day=date(2026, 2, 10), items=[("Ohjelmaraportti 2025", "Hyväksyttiin esitettäväksi.", {})]
    )
    item = meeting.items.get()
    assert client.post(url, {"item": item.pk}).status_code == 302
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.PROCESSED
    assert report.processed_item == item

    present = reverse("governance:report_present", kwargs={"pk": report.pk})
    response = client.post(
        present,
        {"body": "Tuusulan hyvinvointilautakunta", "date": "2026-03-18", "decision": "Tiedoksi."},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.PRESENTED
    html = client.get(
        reverse("governance:report_document", kwargs={"pk": report.pk}),
        {"language": "fi", "format": "html"},
    ).content.decode()
    assert "Tuusulan hyvinvointilautakunta" in html


def test_report_pdf_reads_back(client_for, django_capture_on_commit_callbacks):
    report = AnnualReport.objects.get(year=2025)
    # The PDF is made by a background job (run where it is queued in the tests).
    with django_capture_on_commit_callbacks(execute=True):
        started = client_for("viewer").get(
            reverse("governance:report_document", kwargs={"pk": report.pk}),
            {"language": "sv", "format": "pdf"},
        )
    assert started.status_code == 303
    job = client_for("viewer").get(started["Location"]).content.decode()
    download = re.search(r'href="(/jobs/[0-9a-f-]+/download/)"', job)
    response = client_for("viewer").get(download.group(1))
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "Programrapport 2025" in text or "programrapport 2025" in text.lower()
    assert "Mellersta Nyland" in text


def test_follow_up_tasks_show_on_the_owners_home_and_are_completed_there(client_for, user_for):
    """Acceptance 4."""
    owner = user_for("caseworker")
    task = factories.task(owner=owner, title="Päivitä esite arabiaksi")
    client = client_for("caseworker")
    home = client.get(reverse("home")).content.decode()
    assert "Päivitä esite arabiaksi" in home
    # Someone else's home does not show it, and they may not complete it.
    assert (
        "Päivitä esite arabiaksi"
        not in client_for("provider").get(reverse("home")).content.decode()
    )
    denied = client_for("provider").post(
        reverse("governance:task_complete", kwargs={"pk": task.pk}), {"next": "/"}
    )
    assert denied.status_code == 403
    task.refresh_from_db()
    assert task.status == FollowUpTask.Status.OPEN

    response = client.post(
        reverse("governance:task_complete", kwargs={"pk": task.pk}), {"next": "/", "note": ""}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    task.refresh_from_db()
    assert task.status == FollowUpTask.Status.DONE
    assert "Päivitä esite arabiaksi" not in client.get(reverse("home")).content.decode()


def test_task_complete_ignores_an_outside_next_url(client_for, user_for):
    task = factories.task(owner=user_for("caseworker"))
    response = client_for("caseworker").post(
        reverse("governance:task_complete", kwargs={"pk": task.pk}),
        {"next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("governance:tasks")


def test_viewer_reads_minutes_and_reports_but_changes_nothing(client_for):
    """Acceptance 5 (the URL matrix covers every GET)."""
    client = client_for("viewer")
    meeting = factories.cooperation_group().meetings.order_by("date").first()
    report = AnnualReport.objects.get(year=2025)
    assert client.get(reverse("governance:meeting", kwargs={"pk": meeting.pk})).status_code == 200
    minutes = client.get(
        reverse("governance:meeting_document", kwargs={"pk": meeting.pk}),
        {"kind": "minutes", "format": "html", "language": "fi"},
    )
    assert minutes.status_code == 200
    assert client.get(reverse("governance:report", kwargs={"pk": report.pk})).status_code == 200
    page = client.get(reverse("governance:group", kwargs={"pk": meeting.group_id})).content.decode()
    assert "@demo.kotopolku.invalid" not in page  # member e-mails are for managers only
    assert "Kristiina Soots" in page

    before = (Meeting.objects.count(), AgendaItem.objects.count(), report.status)
    posts = [
        (
            reverse("governance:meeting_create", kwargs={"pk": meeting.group_id}),
            {"date": "2026-05-05", "place": "x"},
        ),
        (reverse("governance:item_add", kwargs={"pk": meeting.pk}), {"title": "x"}),
        (reverse("governance:meeting_delete", kwargs={"pk": meeting.pk}), {}),
        (reverse("governance:report_process", kwargs={"pk": report.pk}), {}),
        (reverse("governance:report_create"), {"region": report.region_id, "year": 2026}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    report.refresh_from_db()
    assert before == (Meeting.objects.count(), AgendaItem.objects.count(), report.status)


def test_coordinator_sees_member_e_mails_with_an_audit_row(client_for):
    group = factories.cooperation_group()
    page = client_for("coordinator").get(reverse("governance:group", kwargs={"pk": group.pk}))
    assert "kristiina.soots@demo.kotopolku.invalid" in page.content.decode()
    assert AuditEvent.objects.filter(
        object_type="WorkingGroup", object_id=str(group.pk), reason="member contact details"
    ).exists()


def test_bad_document_request_is_a_400_not_a_500(client_for):
    meeting = Meeting.objects.first()
    response = client_for("viewer").get(
        reverse("governance:meeting_document", kwargs={"pk": meeting.pk}), {"format": "exe"}
    )
    assert response.status_code == 400


def test_state_export_uses_the_profile_in_force(client_for):
    report = AnnualReport.objects.get(year=2025)
    response = client_for("coordinator").get(
        reverse("governance:state_export", kwargs={"pk": report.pk}), {"format": "csv"}
    )
    body = response.content.decode("utf-8-sig")
    assert body.splitlines()[0] == "authority,region,year,code,label,value"
    assert "Uudenmaan ELY-keskus" in body  # 2025: before the 2026 renaming
    assert "cooperation_meetings" in body
    xlsx = client_for("coordinator").get(
        reverse("governance:state_export", kwargs={"pk": report.pk}), {"format": "xlsx"}
    )
    assert xlsx.content[:2] == b"PK"


@pytest.mark.parametrize(
    "name",
    ["governance:groups", "governance:meetings", "governance:tasks", "governance:reports"],
)
def test_list_pages_have_a_constant_number_of_queries(client_for, name):
    client = client_for("coordinator")
    client.get(reverse(name))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(name))
    for day in (1, 2, 3):
        factories.meeting(day=date(2024, 5, day), items=[("Asia", "Päätös", {})])
    factories.task(owner=factories.cooperation_group().memberships.exclude(user=None).first().user)
    with CaptureQueriesContext(connection) as more:
        client.get(reverse(name))
    assert len(more) == len(few)


def test_lists_search_and_empty_states(client_for):
    client = client_for("coordinator")
    client.cookies["django_language"] = "en"
    page = client.get(reverse("governance:groups"), {"q": "koordinaatio"}).content.decode()
    assert "Coordination group for integration and migration" in page
    assert "Cooperation group for integration and migration" not in page
    empty = client.get(reverse("governance:groups"), {"q": "ei-tällaista"}).content.decode()
    assert "No working group matches the search." in empty
    assert (
        "No meeting matches"
        in client.get(reverse("governance:meetings"), {"q": "ei-tällaista"}).content.decode()
    )
