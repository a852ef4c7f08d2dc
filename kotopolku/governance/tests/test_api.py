import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kotopolku.governance import services
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


def test_task_answers_conform_to_the_schema_with_either_kind_of_owner(client_for, user_for):
    """Found by make fuzz: a task owned by a user has `owner_member` null, which the schema
    declared a plain integer (and the member's task has `owner` null)."""
    from kotopolku.common.tests.openapi import assert_conforms

    group = factories.cooperation_group()
    by_user = factories.task(owner=user_for("caseworker"), title="Käyttäjän tehtävä")
    member = group.memberships.order_by("pk").first()
    by_member = services.task_create(
        actor=None,
        group=group,
        data=services.TaskInput(title="Jäsenen tehtävä", owner_member=member, due=by_user.due),
    )
    client = client_for("coordinator")
    listed = client.get(reverse("api:governance-task-list"), {"limit": 500})
    rows = {t["id"]: t for t in _rows(listed.json())}
    assert rows[by_user.pk]["owner_member"] is None
    assert rows[by_member.pk]["owner_member"] == member.pk
    assert rows[by_member.pk]["owner"] is None
    assert_conforms(listed, "/api/v1/governance/tasks/")
    done = client_for("caseworker").post(
        reverse("api:governance-task-complete", kwargs={"pk": by_user.pk})
    )
    assert done.status_code == 200
    assert_conforms(done, "/api/v1/governance/tasks/{id}/complete/", "post")


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


def test_coordinator_schedules_a_meeting_and_builds_its_agenda_through_the_api(client_for):
    from kotopolku.programme.models import Measure

    group = factories.cooperation_group()
    measures = list(Measure.objects.order_by("pk")[:2])
    client = client_for("coordinator")
    created = client.post(
        reverse("api:governance-meeting-list"),
        {"group": group.pk, "date": "2026-03-04", "link": "https://meet.example/yhteistyo"},
        content_type="application/json",
    )
    assert created.status_code == 201
    meeting_pk = created.json()["id"]
    items_url = reverse("api:governance-item-list", kwargs={"pk": meeting_pk})
    item = client.post(
        items_url,
        {"title": "Toimenpiteet", "measures": [m.pk for m in measures]},
        content_type="application/json",
    )
    assert item.status_code == 201
    assert sorted(item.json()["measures"]) == sorted(m.pk for m in measures)
    listed = client_for("viewer").get(items_url).json()
    assert [i["title"] for i in listed] == ["Toimenpiteet"]


def test_meeting_api_refuses_bad_input_and_viewers(client_for):
    group = factories.cooperation_group()
    before = Meeting.objects.count()
    bad = client_for("coordinator").post(
        reverse("api:governance-meeting-list"),
        {"group": group.pk, "date": "2026-03-04"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid"
    assert "place" in bad.json()["detail"]
    denied = client_for("viewer").post(
        reverse("api:governance-meeting-list"),
        {"group": group.pk, "date": "2026-03-04", "place": "x"},
        content_type="application/json",
    )
    assert denied.status_code == 403
    assert Meeting.objects.count() == before


def test_items_cannot_be_added_after_the_minutes_are_approved(client_for):
    meeting = Meeting.objects.filter(date__year=2025).order_by("date").first()
    response = client_for("coordinator").post(
        reverse("api:governance-item-list", kwargs={"pk": meeting.pk}),
        {"title": "Myöhässä"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert meeting.items.count() == 2
