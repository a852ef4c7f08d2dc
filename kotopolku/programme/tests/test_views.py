import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kotopolku.audit.models import AuditEvent
from kotopolku.programme.models import Goal, Measure, PolicyLine, Programme

pytestmark = pytest.mark.django_db


def _programme():
    return Programme.objects.get(name_fi="Keski-Uudenmaan kotoutumisohjelma")


def test_programme_page_shows_policy_lines_goals_and_versions(client_for):
    page = client_for("viewer").get(reverse("programme:detail", kwargs={"pk": _programme().pk}))
    body = page.content.decode()
    assert page.status_code == 200
    assert body.count('class="policy-lines"') == 1
    assert "Osana kaupungin riskien arviointiprosessia" in body
    assert "Palvelutarpeen arviointi käynnistyy nopeasti" in body
    assert "Edit" not in body
    assert "Muokkaa" not in body


def test_version_page_previews_the_document_and_links_downloads(client_for):
    programme = _programme()
    page = client_for("viewer").get(
        reverse("programme:version", kwargs={"pk": programme.pk, "number": 1}), {"language": "sv"}
    )
    body = page.content.decode()
    assert 'lang="sv"' in body
    assert "Integrationsprogrammet för Mellersta Nyland" in body
    assert "format=docx" in body
    assert "format=pdf" in body


def test_document_download_is_audited(client_for, django_capture_on_commit_callbacks):
    programme = _programme()
    url = reverse("programme:document", kwargs={"pk": programme.pk, "number": 1})
    # The PDF is a background job (tests run tasks where they are queued): the job page, then
    # the file, audited when it is downloaded.
    with django_capture_on_commit_callbacks(execute=True):
        started = client_for("viewer").get(url, {"language": "fi", "format": "pdf"})
    assert started.status_code == 303
    job_page = client_for("viewer").get(started["Location"])
    assert job_page.status_code == 200
    assert not AuditEvent.objects.filter(action="export", object_type="ProgrammeVersion").exists()
    download = re.search(r'href="(/jobs/[0-9a-f-]+/download/)"', job_page.content.decode())
    response = client_for("viewer").get(download.group(1))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(
        action="export", object_type="ProgrammeVersion", actor__username="viewer"
    ).exists()
    html = client_for("viewer").get(url, {"language": "sv", "format": "html"})
    assert html.status_code == 200
    assert "style-src 'sha256-" in html["Content-Security-Policy"]
    assert "script-src" not in html["Content-Security-Policy"]  # default-src 'none' covers it
    assert "Integrationsprogrammet för Mellersta Nyland" in html.content.decode()
    bad = client_for("viewer").get(url, {"language": "de", "format": "exe"})
    assert bad.status_code == 400


def test_coordinator_adds_goal_measure_and_figure(client_for):
    programme = _programme()
    client = client_for("coordinator")
    line = PolicyLine.objects.get(programme=programme, number=4)
    response = client.post(
        reverse("programme:goal_create", kwargs={"pk": programme.pk}),
        {
            "title_fi": "Peruspalvelut saavutettaviksi",
            "title_sv": "Tillgänglig basservice",
            "policy_lines": [line.pk],
            "welfare_plan": "on",
        },
    )
    assert response.status_code == 302
    goal = Goal.objects.get(title_fi="Peruspalvelut saavutettaviksi")
    assert goal.welfare_plan
    assert list(goal.policy_lines.all()) == [line]
    response = client.post(
        reverse("programme:measure_create", kwargs={"pk": programme.pk, "goal_pk": goal.pk}),
        {
            "title_fi": "Selkokieliset asiointiohjeet",
            "responsible_unit_fi": "Asiakaspalvelu",
            "starts": "2025-03-01",
            "ends": "2025-12-31",
            "status": "planned",
            "operating_plan": "KS 2025, konsernipalvelut",
        },
    )
    assert response.status_code == 302
    assert Measure.objects.filter(goal=goal, title_fi="Selkokieliset asiointiohjeet").exists()
    bad = client.post(
        reverse("programme:measure_create", kwargs={"pk": programme.pk, "goal_pk": goal.pk}),
        {
            "title_fi": "Väärin päin",
            "responsible_unit_fi": "X",
            "starts": "2025-03-01",
            "ends": "2025-01-01",
            "status": "planned",
        },
    )
    assert bad.status_code == 400
    assert not Measure.objects.filter(title_fi="Väärin päin").exists()


def test_bad_monitoring_figure_is_an_error_not_a_crash(client_for):
    programme = _programme()
    goal = programme.goals.get(number=1)
    indicator = goal.indicators.get()
    url = reverse(
        "programme:entry_add", kwargs={"pk": programme.pk, "goal_pk": goal.pk, "item": indicator.pk}
    )
    response = client_for("coordinator").post(url, {"period": "viime vuosi", "value": "abc"})
    assert response.status_code == 400
    assert indicator.entries.count() == 3


def test_archive_asks_first(client_for):
    programme = _programme()
    goal = programme.goals.get(number=3)
    url = reverse("programme:archive", kwargs={"pk": programme.pk, "kind": "goal", "item": goal.pk})
    client = client_for("coordinator")
    assert client.get(url).status_code == 200
    goal.refresh_from_db()
    assert not goal.archived
    assert client.post(url).status_code == 302
    goal.refresh_from_db()
    assert goal.archived
    assert (
        client.get(
            reverse("programme:archive", kwargs={"pk": programme.pk, "kind": "client", "item": 1})
        ).status_code
        == 404
    )


def test_programme_list_query_count(client_for):
    client = client_for("viewer")
    client.get(reverse("programme:list"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("programme:list"))
    assert len(queries) <= 10


def test_new_draft_after_approval_takes_in_changed_services(client_for):
    programme = _programme()
    client = client_for("coordinator")
    client.post(
        reverse("programme:approve", kwargs={"pk": programme.pk, "number": 2}),
        {"body_fi": "Lautakunta", "text_fi": "Hyväksytään.", "date": "2026-01-15"},
    )
    assert not programme.versions.filter(status__in=["draft", "submitted"]).exists()
    start = reverse("programme:version_start", kwargs={"pk": programme.pk})
    assert client.get(start).status_code == 200  # asks first
    response = client.post(start)
    assert response.status_code == 302
    assert programme.versions.get(number=3).status == "draft"
    again = client.post(start)
    assert again["Location"].endswith("/versions/3/")
    assert programme.versions.count() == 3


def test_coordinator_creates_and_edits_a_programme(client_for):
    from kotopolku.organisations.models import Organisation, Region

    client = client_for("coordinator")
    municipalities = Organisation.objects.filter(kind="municipality")
    response = client.post(
        reverse("programme:create"),
        {
            "name_fi": "Kotoutumisohjelma 2029–2032",
            "name_sv": "Integrationsprogrammet 2029–2032",
            "region": Region.objects.get().pk,
            "period_start": "2029",
            "period_end": "2032",
            "municipalities": [m.pk for m in municipalities],
        },
    )
    assert response.status_code == 302
    created = Programme.objects.get(name_fi="Kotoutumisohjelma 2029–2032")
    assert created.versions.get().status == "draft"
    bad = client.post(
        reverse("programme:edit", kwargs={"pk": created.pk}),
        {"name_fi": "X", "region": created.region_id, "period_start": "2032", "period_end": "2029"},
    )
    assert bad.status_code == 400
    created.refresh_from_db()
    assert created.period_start == 2029
