import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kotopolku.governance.models import AnnualReport, FollowUpTask, Meeting
from kotopolku.governance.tests import factories

pytestmark = pytest.mark.django_db


def _rows(body):
    return body["results"] if isinstance(body, dict) and "results" in body else body


def test_groups_with_translated_names_and_meeting_counts(client_for):
    rows = _rows(client_for("viewer").get(reverse("api:governance-group-list")).json())
    names = {g["name"]["sv"] for g in rows}
    assert "Samarbetsgruppen för integration och migration" in names
    assert all("meetings_in_year" in g for g in rows)


def test_member_e_mails_only_for_managers(client_for):
    url = reverse("api:governance-membership-list", kwargs={"pk": factories.cooperation_group().pk})
    viewer = _rows(client_for("viewer").get(url).json())
    coordinator = _rows(client_for("coordinator").get(url).json())
    assert viewer
    assert "email" not in viewer[0]
    assert any(m["email"].endswith("@demo.kotopolku.invalid") for m in coordinator)


def test_meeting_detail_has_items_with_decisions(client_for):
    meeting = Meeting.objects.filter(date__year=2025).order_by("date").first()
    body = (
        client_for("viewer")
        .get(reverse("api:governance-meeting-detail", kwargs={"pk": meeting.pk}))
        .json()
    )
    assert body["minutes_approved"] is True
    assert [i["number"] for i in body["items"]] == [1, 2]
    assert body["items"][1]["measures"]


def test_tasks_are_own_for_case_workers_and_complete_through_the_api(client_for, user_for):
    mine = factories.task(owner=user_for("caseworker"), title="Oma tehtävä")
    other = factories.task(owner=user_for("provider"), title="Toisen tehtävä")
    client = client_for("caseworker")
    titles = {t["title"] for t in _rows(client.get(reverse("api:governance-task-list")).json())}
    assert "Oma tehtävä" in titles
    assert "Toisen tehtävä" not in titles
    denied = client.post(reverse("api:governance-task-complete", kwargs={"pk": other.pk}))
    assert denied.status_code == 403
    assert denied.json()["code"] == "permission_denied"
    done = client.post(reverse("api:governance-task-complete", kwargs={"pk": mine.pk}))
    assert done.status_code == 200
    assert done.json()["status"] == "done"
    again = client.post(reverse("api:governance-task-complete", kwargs={"pk": mine.pk}))
    assert again.status_code == 409
    other.refresh_from_db()
    assert other.status == FollowUpTask.Status.OPEN


def test_report_detail(client_for):
    report = AnnualReport.objects.get(year=2025)
    body = (
        client_for("viewer")
        .get(reverse("api:governance-report-detail", kwargs={"pk": report.pk}))
        .json()
    )
    assert body["year"] == 2025
    assert body["status"] == "draft"
    assert body["region"] == "keski-uusimaa"


@pytest.mark.parametrize(
    "name",
    [
        "api:governance-group-list",
        "api:governance-meeting-list",
        "api:governance-task-list",
        "api:governance-report-list",
    ],
)
def test_api_lists_have_a_constant_number_of_queries(client_for, name):
    client = client_for("coordinator")
    client.get(reverse(name))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(name))
    factories.meeting(items=[("Asia", "Päätös", {})])
    factories.task(owner=factories.cooperation_group().memberships.exclude(user=None).first().user)
    with CaptureQueriesContext(connection) as more:
        client.get(reverse(name))
    assert len(more) == len(few)
