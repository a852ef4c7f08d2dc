"""Writes through the governance API: each calls the service the UI calls, with the UI's
permission, and bad input is a 400 that changes nothing."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kotopolku.audit.models import AuditEvent
from kotopolku.governance import services
from kotopolku.governance.models import (
    AgendaItem,
    AnnualReport,
    FollowUpTask,
    GroupMembership,
    Meeting,
    WorkingGroup,
)
from kotopolku.governance.services import GroupInput
from kotopolku.governance.tests import factories
from kotopolku.organisations.models import Organisation, Region
from kotopolku.programme.models import Decision

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _audited(action: str, obj) -> bool:
    return AuditEvent.objects.filter(
        action=action, object_type=type(obj).__name__, object_id=str(obj.pk)
    ).exists()


def _orgs(group: WorkingGroup) -> list[Organisation]:
    return list(Organisation.objects.filter(region=group.region).order_by("pk")[:2])


# ---------------------------------------------------------------- groups


def test_coordinator_creates_and_updates_a_group(client_for):
    cooperation = factories.cooperation_group()
    chair, vice = _orgs(cooperation)
    client = client_for("coordinator")
    created = client.post(
        reverse("api:governance-group-list"),
        {
            "region": cooperation.region.slug,
            "kind": WorkingGroup.Kind.COORDINATION,
            "name": {"fi": "Koulutyöryhmä", "sv": "Skolgruppen"},
            "tasks": {"fi": "Kokoaa tiedot\nRaportoi"},
            "chair_organisation": chair.pk,
            "vice_chair_organisation": vice.pk,
            "min_meetings_per_year": 4,
        },
        content_type=JSON,
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["name"]["sv"] == "Skolgruppen"
    assert body["meetings_in_year"] == 0
    group = WorkingGroup.objects.get(pk=body["id"])
    assert group.tasks_fi == "Kokoaa tiedot\nRaportoi"
    assert _audited(AuditEvent.Action.CREATE, group)

    url = reverse("api:governance-group-detail", kwargs={"pk": group.pk})
    changed = client.patch(
        url, {"name": {"en": "School group"}, "min_meetings_per_year": 2}, content_type=JSON
    )
    assert changed.status_code == 200, changed.json()
    group.refresh_from_db()
    # A PATCH changes only what it names: the Finnish and Swedish names and the chair stay.
    assert (group.name_fi, group.name_sv, group.name_en) == (
        "Koulutyöryhmä",
        "Skolgruppen",
        "School group",
    )
    assert group.chair_organisation == chair
    assert group.min_meetings_per_year == 2
    assert _audited(AuditEvent.Action.UPDATE, group)


def test_group_writes_refuse_bad_input_and_readers(client_for):
    group = factories.cooperation_group()
    chair, _vice = _orgs(group)
    url = reverse("api:governance-group-detail", kwargs={"pk": group.pk})
    client = client_for("coordinator")
    same = client.patch(
        url,
        {"chair_organisation": chair.pk, "vice_chair_organisation": chair.pk},
        content_type=JSON,
    )
    assert same.status_code == 400
    assert same.json()["code"] == "invalid"
    assert "vice_chair_organisation" in same.json()["detail"]
    language = client.patch(url, {"name": {"de": "Gruppe"}}, content_type=JSON)
    assert language.status_code == 400
    duplicate = client.post(
        reverse("api:governance-group-list"),
        {"region": group.region.slug, "kind": "cooperation", "name": {"fi": group.name_fi}},
        content_type=JSON,
    )
    assert duplicate.status_code == 400
    assert "name_fi" in duplicate.json()["detail"]
    for role in ("viewer", "caseworker"):
        denied = client_for(role).patch(url, {"min_meetings_per_year": 9}, content_type=JSON)
        assert denied.status_code == 403
    assert client_for("anonymous").patch(url, {}, content_type=JSON).status_code == 401
    before = (group.chair_organisation_id, group.vice_chair_organisation_id)
    group.refresh_from_db()
    assert (group.chair_organisation_id, group.vice_chair_organisation_id) == before
    assert group.min_meetings_per_year == 2
    assert WorkingGroup.objects.count() == 2


# ---------------------------------------------------------------- memberships


def test_coordinator_adds_a_member_and_ends_the_term(client_for, user_for):
    group = factories.cooperation_group()
    organisation = _orgs(group)[0]
    client = client_for("coordinator")
    added = client.post(
        reverse("api:governance-membership-list", kwargs={"pk": group.pk}),
        {
            "external_name": "Saara Koulu",
            "external_email": "saara.koulu@example.invalid",
            "organisation": organisation.pk,
            "role": GroupMembership.Role.MEMBER,
            "topic": "Koulut",
            "term_start": "2026-01-01",
            "appointing_decision": Decision.objects.get(programme__region=group.region).pk,
        },
        content_type=JSON,
    )
    assert added.status_code == 201, added.json()
    assert added.json()["name"] == "Saara Koulu"
    assert added.json()["email"] == "saara.koulu@example.invalid"
    membership = GroupMembership.objects.get(pk=added.json()["id"])
    assert membership.appointing_decision.programme.region == group.region
    assert _audited(AuditEvent.Action.CREATE, membership)

    by_user = client.post(
        reverse("api:governance-membership-list", kwargs={"pk": group.pk}),
        {
            "user": user_for("caseworker").username,
            "organisation": organisation.pk,
            "role": GroupMembership.Role.EXPERT,
            "term_start": "2026-01-01",
        },
        content_type=JSON,
    )
    assert by_user.status_code == 201, by_user.json()
    assert by_user.json()["username"] == user_for("caseworker").username

    end_url = reverse(
        "api:governance-membership-end", kwargs={"pk": group.pk, "member": membership.pk}
    )
    ended = client.post(end_url, {"on": "2026-06-30"}, content_type=JSON)
    assert ended.status_code == 200, ended.json()
    assert ended.json()["term_end"] == "2026-06-30"
    assert "email" not in ended.json()
    again = client.post(end_url, {"on": "2026-07-31"}, content_type=JSON)
    assert again.status_code == 400
    assert "term_end" in again.json()["detail"]
    membership.refresh_from_db()
    assert membership.term_end == date(2026, 6, 30)

    today = client.post(
        reverse(
            "api:governance-membership-end",
            kwargs={"pk": group.pk, "member": by_user.json()["id"]},
        ),
        content_type=JSON,
    )
    assert today.status_code == 200
    assert today.json()["term_end"] == timezone.localdate().isoformat()


def test_membership_writes_refuse_bad_input_and_readers(client_for, user_for):
    group = factories.cooperation_group()
    other_group = factories.coordination_group()
    organisation = _orgs(group)[0]
    url = reverse("api:governance-membership-list", kwargs={"pk": group.pk})
    before = GroupMembership.objects.count()
    client = client_for("coordinator")
    both = client.post(
        url,
        {
            "user": user_for("caseworker").username,
            "external_name": "Kaksi Nimeä",
            "organisation": organisation.pk,
            "role": "member",
            "term_start": "2026-01-01",
        },
        content_type=JSON,
    )
    assert both.status_code == 400
    assert "external_name" in both.json()["detail"]
    backwards = client.post(
        url,
        {
            "external_name": "Väärin Päin",
            "organisation": organisation.pk,
            "role": "member",
            "term_start": "2026-06-01",
            "term_end": "2026-01-01",
        },
        content_type=JSON,
    )
    assert backwards.status_code == 400
    assert "term_end" in backwards.json()["detail"]
    # Only decisions of the programme of the group's region, as the form offers.
    other_region = Region.objects.create(slug="muu", name="Muu")
    far_group = services.group_create(
        actor=None, data=GroupInput(region=other_region, kind="other", name_fi="Muu ryhmä")
    )
    refused = client.post(
        reverse("api:governance-membership-list", kwargs={"pk": far_group.pk}),
        {
            "external_name": "Vieras Päätös",
            "organisation": organisation.pk,
            "role": "member",
            "term_start": "2026-01-01",
            "appointing_decision": Decision.objects.get(programme__region=group.region).pk,
        },
        content_type=JSON,
    )
    assert refused.status_code == 400
    assert "appointing_decision" in refused.json()["detail"]
    denied = client_for("viewer").post(
        url,
        {
            "external_name": "Katsoja",
            "organisation": organisation.pk,
            "role": "member",
            "term_start": "2026-01-01",
        },
        content_type=JSON,
    )
    assert denied.status_code == 403
    assert GroupMembership.objects.count() == before
    # A membership of another group is not found under this one.
    elsewhere = other_group.memberships.first()
    missing = client.post(
        reverse("api:governance-membership-end", kwargs={"pk": group.pk, "member": elsewhere.pk}),
        content_type=JSON,
    )
    assert missing.status_code == 404
    member = group.memberships.filter(term_end=None).first()
    viewer_end = client_for("viewer").post(
        reverse("api:governance-membership-end", kwargs={"pk": group.pk, "member": member.pk}),
        content_type=JSON,
    )
    assert viewer_end.status_code == 403
    member.refresh_from_db()
    assert member.term_end is None


# ---------------------------------------------------------------- meetings


def test_coordinator_updates_a_meeting_with_its_participants(client_for):
    group = factories.cooperation_group()
    meeting = factories.meeting(items=[("Avaus", "", {})])
    members = list(group.memberships.order_by("pk")[:2])
    url = reverse("api:governance-meeting-detail", kwargs={"pk": meeting.pk})
    response = client_for("coordinator").patch(
        url,
        {
            "link": "https://meet.example/yhteistyo",
            "start_time": "13:00:00",
            "participants": [m.pk for m in members],
            "guests": "Maija Vieras, TE-palvelut",
        },
        content_type=JSON,
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["place"] == "Järvenpää-talo"
    assert body["start_time"] == "13:00:00"
    assert sorted(body["participants"]) == sorted(m.pk for m in members)
    meeting.refresh_from_db()
    assert meeting.link == "https://meet.example/yhteistyo"
    assert meeting.guests == "Maija Vieras, TE-palvelut"
    assert _audited(AuditEvent.Action.UPDATE, meeting)


def test_meeting_update_refuses_bad_input(client_for):
    meeting = factories.meeting()
    url = reverse("api:governance-meeting-detail", kwargs={"pk": meeting.pk})
    client = client_for("coordinator")
    outsider = factories.coordination_group().memberships.first()
    foreign = client.patch(url, {"participants": [outsider.pk]}, content_type=JSON)
    assert foreign.status_code == 400
    assert "participants" in foreign.json()["detail"]
    nowhere = client.patch(url, {"place": "", "link": ""}, content_type=JSON)
    assert nowhere.status_code == 400
    assert "place" in nowhere.json()["detail"]
    bad_date = client.patch(url, {"date": "4.3.2026"}, content_type=JSON)
    assert bad_date.status_code == 400
    assert client_for("viewer").patch(url, {"place": "x"}, content_type=JSON).status_code == 403
    meeting.refresh_from_db()
    assert (meeting.place, meeting.date) == ("Järvenpää-talo", date(2026, 3, 4))
    assert not meeting.participants.exists()


def test_meeting_is_deleted_as_in_the_ui_even_with_approved_minutes(client_for):
    """Deleting archives the meeting (services.meeting_delete): approved minutes stay on record,
    and the meeting stops counting towards the year."""
    client = client_for("coordinator")
    meeting = factories.meeting()
    url = reverse("api:governance-meeting-detail", kwargs={"pk": meeting.pk})
    assert client_for("viewer").delete(url).status_code == 403
    deleted = client.delete(url)
    assert deleted.status_code == 204
    meeting.refresh_from_db()
    assert meeting.archived
    assert _audited(AuditEvent.Action.DELETE, meeting)
    assert client.get(url).status_code == 404
    assert client.delete(url).status_code == 404

    approved = Meeting.objects.filter(date__year=2025, archived=False).order_by("date").first()
    assert approved.minutes_approved
    gone = client.delete(reverse("api:governance-meeting-detail", kwargs={"pk": approved.pk}))
    assert gone.status_code == 204
    approved.refresh_from_db()
    assert approved.archived
    assert approved.minutes_approved


def test_a_meeting_where_a_report_was_processed_is_not_deleted(client_for):
    held = factories.meeting(day=date(2026, 2, 1), items=[("Ohjelmaraportti", "Käsiteltiin.", {})])
    report = AnnualReport.objects.get(year=2025)
    services.report_mark_processed(actor=None, report=report, item=held.items.get())
    response = client_for("coordinator").delete(
        reverse("api:governance-meeting-detail", kwargs={"pk": held.pk})
    )
    assert response.status_code == 400
    held.refresh_from_db()
    assert not held.archived


# ---------------------------------------------------------------- items and minutes


def test_minutes_workflow_through_the_api(client_for):
    """Edit an item, record its decision, approve the minutes; after that every item write
    is refused as the service refuses it, and nothing changes."""
    meeting = factories.meeting(day=date(2026, 2, 10), items=[("Avaus", "", {})])
    item = meeting.items.get()
    client = client_for("coordinator")
    item_url = reverse("api:governance-item-detail", kwargs={"pk": meeting.pk, "item": item.pk})
    decision_url = reverse(
        "api:governance-item-decision", kwargs={"pk": meeting.pk, "item": item.pk}
    )
    approve_url = reverse("api:governance-minutes-approve", kwargs={"pk": meeting.pk})

    assert client_for("viewer").get(item_url).json()["title"] == "Avaus"
    edited = client.patch(item_url, {"description": "Puheenjohtaja avaa."}, content_type=JSON)
    assert edited.status_code == 200, edited.json()
    assert edited.json()["title"] == "Avaus"
    assert edited.json()["description"] == "Puheenjohtaja avaa."

    undecided = client.post(approve_url, content_type=JSON)
    assert undecided.status_code == 400
    assert undecided.json()["detail"]["non_field_errors"]
    blank = client.post(decision_url, {"decision": "  "}, content_type=JSON)
    assert blank.status_code == 400
    assert "decision" in blank.json()["detail"]
    assert (
        client_for("viewer").post(decision_url, {"decision": "x"}, content_type=JSON).status_code
        == 403
    )

    decided = client.post(decision_url, {"decision": "Avattiin kokous."}, content_type=JSON)
    assert decided.status_code == 200
    assert decided.json()["decision"] == "Avattiin kokous."
    assert client_for("viewer").post(approve_url, content_type=JSON).status_code == 403
    approved = client.post(approve_url, content_type=JSON)
    assert approved.status_code == 200, approved.json()
    assert approved.json()["minutes_approved"] is True
    assert approved.json()["items"][0]["decision"] == "Avattiin kokous."

    for response in (
        client.patch(item_url, {"title": "Muutettu"}, content_type=JSON),
        client.post(decision_url, {"decision": "Toinen päätös"}, content_type=JSON),
        client.post(
            reverse("api:governance-item-list", kwargs={"pk": meeting.pk}),
            {"title": "Lisäys"},
            content_type=JSON,
        ),
        client.patch(
            reverse("api:governance-meeting-detail", kwargs={"pk": meeting.pk}),
            {"place": "Muualla"},
            content_type=JSON,
        ),
        client.post(approve_url, content_type=JSON),
    ):
        assert response.status_code == 400
        assert response.json()["detail"]["non_field_errors"]
    item.refresh_from_db()
    assert (item.title, item.decision) == ("Avaus", "Avattiin kokous.")
    assert meeting.items.count() == 1
    meeting.refresh_from_db()
    assert meeting.place == "Järvenpää-talo"


def test_minutes_of_a_future_meeting_are_not_approved(client_for):
    meeting = factories.meeting(
        day=timezone.localdate() + timedelta(days=7), items=[("Avaus", "Avattiin.", {})]
    )
    response = client_for("coordinator").post(
        reverse("api:governance-minutes-approve", kwargs={"pk": meeting.pk}), content_type=JSON
    )
    assert response.status_code == 400
    meeting.refresh_from_db()
    assert not meeting.minutes_approved


def test_item_of_another_meeting_is_not_found(client_for):
    first = factories.meeting(items=[("Avaus", "", {})])
    second = factories.meeting(day=date(2026, 4, 1))
    item = first.items.get()
    response = client_for("coordinator").patch(
        reverse("api:governance-item-detail", kwargs={"pk": second.pk, "item": item.pk}),
        {"title": "Siirretty"},
        content_type=JSON,
    )
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.title == "Avaus"


# ---------------------------------------------------------------- tasks


def test_coordinator_creates_a_follow_up_task(client_for, user_for):
    meeting = factories.meeting(items=[("Avaus", "", {})])
    item = meeting.items.get()
    caseworker = user_for("caseworker")
    response = client_for("coordinator").post(
        reverse("api:governance-task-list"),
        {
            "group": meeting.group_id,
            "title": "Selvitä koulujen tarve",
            "owner": caseworker.username,
            "due": "2026-12-31",
            "agenda_item": item.pk,
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.json()
    assert response.json()["owner"] == caseworker.username
    task = FollowUpTask.objects.get(pk=response.json()["id"])
    assert task.agenda_item == item
    assert _audited(AuditEvent.Action.CREATE, task)
    # The owner sees it in their own list.
    mine = client_for("caseworker").get(reverse("api:governance-task-list")).json()
    rows = mine["results"] if isinstance(mine, dict) else mine
    assert "Selvitä koulujen tarve" in {t["title"] for t in rows}


def test_task_creation_refuses_bad_input_and_non_managers(client_for, user_for):
    other = factories.meeting(factories.coordination_group(), items=[("Muu", "", {})])
    url = reverse("api:governance-task-list")
    good = {
        "group": factories.cooperation_group().pk,
        "title": "Tehtävä",
        "owner": user_for("caseworker").username,
        "due": "2026-12-31",
    }
    before = FollowUpTask.objects.count()
    client = client_for("coordinator")
    wrong_item = client.post(url, {**good, "agenda_item": other.items.get().pk}, content_type=JSON)
    assert wrong_item.status_code == 400
    assert "agenda_item" in wrong_item.json()["detail"]
    nobody = client.post(url, {**good, "owner": "ei-ketaan"}, content_type=JSON)
    assert nobody.status_code == 400
    assert "owner" in nobody.json()["detail"]
    no_title = client.post(url, {**good, "title": ""}, content_type=JSON)
    assert no_title.status_code == 400
    for role in ("caseworker", "provider", "viewer"):
        assert client_for(role).post(url, good, content_type=JSON).status_code == 403
    assert FollowUpTask.objects.count() == before


# ---------------------------------------------------------------- annual reports


def test_report_summary_and_processing_through_the_api(client_for):
    report = AnnualReport.objects.get(year=2025)
    client = client_for("coordinator")
    url = reverse("api:governance-report-detail", kwargs={"pk": report.pk})
    process_url = reverse("api:governance-report-process", kwargs={"pk": report.pk})
    assert client_for("viewer").patch(url, {"summary": "x"}, content_type=JSON).status_code == 403
    summary = client.patch(url, {"summary": "Vuosi 2025 lyhyesti."}, content_type=JSON)
    assert summary.status_code == 200, summary.json()
    assert summary.json()["summary"] == "Vuosi 2025 lyhyesti."
    assert _audited(AuditEvent.Action.UPDATE, report)

    coordination = factories.meeting(
        factories.coordination_group(), day=date(2026, 2, 1), items=[("Raportti", "Ok.", {})]
    )
    wrong_group = client.post(process_url, {"item": coordination.items.get().pk}, content_type=JSON)
    assert wrong_group.status_code == 400
    assert "item" in wrong_group.json()["detail"]
    assert client.post(process_url, {}, content_type=JSON).status_code == 400
    held = factories.meeting(day=date(2026, 2, 1), items=[("Ohjelmaraportti", "Käsiteltiin.", {})])
    item = held.items.get()
    assert (
        client_for("viewer").post(process_url, {"item": item.pk}, content_type=JSON).status_code
        == 403
    )
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DRAFT

    processed = client.post(process_url, {"item": item.pk}, content_type=JSON)
    assert processed.status_code == 200, processed.json()
    assert processed.json()["status"] == "processed"
    assert processed.json()["processed_item"] == item.pk
    assert AgendaItem.objects.get(pk=item.pk).annual_report == report

    # A processed report no longer takes a new summary or a second processing.
    late = client.patch(url, {"summary": "Myöhässä."}, content_type=JSON)
    assert late.status_code == 400
    twice = client.post(process_url, {"item": item.pk}, content_type=JSON)
    assert twice.status_code == 400
    report.refresh_from_db()
    assert report.summary == "Vuosi 2025 lyhyesti."


def test_coordinator_creates_a_draft_report(client_for):
    region = factories.cooperation_group().region
    url = reverse("api:governance-report-list")
    client = client_for("coordinator")
    created = client.post(
        url, {"region": region.slug, "year": 2026, "summary": "Luonnos."}, content_type=JSON
    )
    assert created.status_code == 201, created.json()
    assert (created.json()["year"], created.json()["status"]) == (2026, "draft")
    report = AnnualReport.objects.get(pk=created.json()["id"])
    assert _audited(AuditEvent.Action.CREATE, report)
    twice = client.post(url, {"region": region.slug, "year": 2026}, content_type=JSON)
    assert twice.status_code == 400
    assert "year" in twice.json()["detail"]
    far = client.post(url, {"region": region.slug, "year": 1999}, content_type=JSON)
    assert far.status_code == 400
    denied = client_for("viewer").post(
        url, {"region": region.slug, "year": 2027}, content_type=JSON
    )
    assert denied.status_code == 403
    assert AnnualReport.objects.filter(region=region).count() == 2


def test_report_is_presented_only_after_processing(client_for):
    report = AnnualReport.objects.get(year=2025)
    url = reverse("api:governance-report-present", kwargs={"pk": report.pk})
    presentation = {
        "body": "Järvenpään kaupunginhallitus",
        "date": "2026-03-16",
        "section": "45 §",
        "decision": "Merkittiin tiedoksi.",
    }
    client = client_for("coordinator")
    early = client.post(url, presentation, content_type=JSON)
    assert early.status_code == 400
    assert early.json()["detail"]["non_field_errors"]
    assert not report.presentations.exists()

    held = factories.meeting(day=date(2026, 2, 1), items=[("Ohjelmaraportti", "Käsiteltiin.", {})])
    services.report_mark_processed(actor=None, report=report, item=held.items.get())
    before_processing = client.post(url, {**presentation, "date": "2026-01-15"}, content_type=JSON)
    assert before_processing.status_code == 400
    assert "date" in before_processing.json()["detail"]
    assert client_for("viewer").post(url, presentation, content_type=JSON).status_code == 403
    assert not report.presentations.exists()

    presented = client.post(url, presentation, content_type=JSON)
    assert presented.status_code == 201, presented.json()
    body = presented.json()
    assert body["status"] == "presented"
    assert body["presentations"][0]["decision"] == "Merkittiin tiedoksi."
    assert _audited(AuditEvent.Action.CREATE, report.presentations.get())


def test_readers_may_ask_head_and_options_of_what_they_may_get(client_for):
    viewer = client_for("viewer")
    url = reverse("api:governance-meeting-detail", kwargs={"pk": factories.meeting().pk})
    assert viewer.get(url).status_code == 200
    assert viewer.head(url).status_code == 200
    assert viewer.options(url).status_code == 200
    assert viewer.delete(url).status_code == 403
