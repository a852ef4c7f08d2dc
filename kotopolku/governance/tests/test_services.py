from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kotopolku.audit.models import AuditEvent
from kotopolku.governance import selectors, services
from kotopolku.governance.models import (
    AgendaItem,
    AnnualReport,
    FollowUpTask,
    GroupMembership,
    Meeting,
    WorkingGroup,
)
from kotopolku.governance.services import (
    AgendaItemInput,
    GroupInput,
    MeetingInput,
    MembershipInput,
    PresentationInput,
)
from kotopolku.governance.tests import factories
from kotopolku.organisations.models import Organisation, Region
from kotopolku.programme.models import Decision, Measure

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_demo_sets_up_both_groups_from_the_seed(demo):
    cooperation = factories.cooperation_group()
    coordination = factories.coordination_group()
    assert cooperation.chair_organisation.municipality_code == "186"
    assert cooperation.vice_chair_organisation.municipality_code == "858"
    assert cooperation.min_meetings_per_year == 2
    assert coordination.chair_organisation.municipality_code == "858"
    assert coordination.vice_chair_organisation.municipality_code == "543"
    assert "ohjelmaraportin" in cooperation.tasks_fi
    assert "programrapporten" in cooperation.tasks_sv
    assert len(coordination.task_lines()) == 3
    # Members from every organisation of the region, and the seed's two appointments.
    region_orgs = set(
        Organisation.objects.filter(region__slug="keski-uusimaa").values_list("pk", flat=True)
    )
    for group in (cooperation, coordination):
        assert set(group.memberships.values_list("organisation", flat=True)) == region_orgs
    soots = GroupMembership.objects.get(external_name="Kristiina Soots")
    assert soots.group == cooperation
    assert soots.role == GroupMembership.Role.CHAIR
    assert soots.appointing_decision.date == date(2024, 10, 23)
    loima = GroupMembership.objects.get(external_name="Arja Loima")
    assert loima.group == coordination
    # Three meetings in 2025 with approved minutes, and a draft report for 2025.
    meetings = Meeting.objects.filter(date__year=2025, archived=False)
    assert meetings.count() == 3
    assert all(m.minutes_approved for m in meetings)
    assert AnnualReport.objects.get(year=2025).status == AnnualReport.Status.DRAFT


def test_demo_is_idempotent(demo):
    from kotopolku.demo.seed import seed_demo

    counts = (WorkingGroup.objects.count(), Meeting.objects.count(), FollowUpTask.objects.count())
    seed_demo(with_users=True, clients=0)
    assert counts == (
        WorkingGroup.objects.count(),
        Meeting.objects.count(),
        FollowUpTask.objects.count(),
    )


def test_group_chair_and_vice_chair_must_differ_and_nothing_is_saved(demo, user_for):
    region = Region.objects.get(slug="keski-uusimaa")
    jarvenpaa = Organisation.objects.get(municipality_code="186")
    before = WorkingGroup.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.group_create(
            actor=user_for("coordinator"),
            data=GroupInput(
                region=region,
                kind="other",
                name_fi="Kieliryhmä",
                chair_organisation=jarvenpaa,
                vice_chair_organisation=jarvenpaa,
            ),
        )
    assert "vice_chair_organisation" in exc.value.message_dict
    assert WorkingGroup.objects.count() == before


def test_membership_needs_a_person(demo):
    group = factories.cooperation_group()
    with pytest.raises(ValidationError) as exc:
        services.membership_add(
            actor=None,
            group=group,
            data=MembershipInput(
                organisation=Organisation.objects.get(municipality_code="106"),
                role="member",
                term_start=date(2025, 1, 1),
            ),
        )
    assert "external_name" in exc.value.message_dict


def test_topic_member_widens_the_group(demo, user_for):
    group = factories.coordination_group()
    member = services.membership_add(
        actor=user_for("coordinator"),
        group=group,
        data=MembershipInput(
            organisation=Organisation.objects.get(municipality_code="106"),
            role="expert",
            term_start=date(2026, 1, 1),
            term_end=date(2026, 6, 30),
            user=user_for("caseworker"),
            topic="nuorisotyö",
        ),
    )
    assert member in selectors.group_members(group=group, on=date(2026, 3, 1))
    assert member not in selectors.group_members(group=group, on=date(2026, 7, 1))
    assert AuditEvent.objects.filter(
        object_type="GroupMembership", object_id=str(member.pk)
    ).exists()


def test_meeting_needs_a_place_or_a_link(demo):
    before = Meeting.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.meeting_schedule(
            actor=None,
            group=factories.cooperation_group(),
            data=MeetingInput(date=date(2026, 5, 5)),
        )
    assert "place" in exc.value.message_dict
    assert Meeting.objects.count() == before


def test_agenda_items_are_numbered_and_reference_measures(demo):
    measures = list(Measure.objects.order_by("pk")[:2])
    meeting = factories.meeting(
        items=[("Avaus", "", {}), ("Toimenpiteet", "", {"measures": measures})]
    )
    items = list(meeting.items.order_by("number"))
    assert [i.number for i in items] == [1, 2]
    assert set(items[1].measures.all()) == set(measures)


def test_minutes_need_a_decision_on_every_item_and_then_freeze(demo, user_for):
    coordinator = user_for("coordinator")
    meeting = factories.meeting(day=date(2025, 11, 20), items=[("Avaus", "", {})])
    with pytest.raises(ValidationError, match="decision"):
        services.minutes_approve(actor=coordinator, meeting=meeting)
    item = meeting.items.get()
    services.agenda_item_record_decision(actor=coordinator, item=item, decision="Avattiin.")
    services.minutes_approve(actor=coordinator, meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.minutes_approved_by == coordinator
    with pytest.raises(ValidationError):
        services.agenda_item_record_decision(actor=coordinator, item=item, decision="Muutettu")
    item.refresh_from_db()
    assert item.decision == "Avattiin."


def test_minutes_of_a_future_meeting_cannot_be_approved(demo):
    meeting = factories.meeting(day=date(2099, 1, 1), items=[("Avaus", "Avattiin.", {})])
    with pytest.raises(ValidationError, match="held"):
        services.minutes_approve(actor=None, meeting=meeting)


def test_a_meeting_where_a_report_was_processed_cannot_be_deleted(demo):
    meeting = factories.meeting(day=date(2026, 2, 1), items=[("Raportti", "Käsiteltiin.", {})])
    report = AnnualReport.objects.get(year=2025)
    services.report_mark_processed(actor=None, report=report, item=meeting.items.get())
    with pytest.raises(ValidationError):
        services.meeting_delete(actor=None, meeting=meeting)
    meeting.refresh_from_db()
    assert not meeting.archived


def test_deleting_a_meeting_drops_it_from_the_year_count(demo):
    group = factories.cooperation_group()
    second = Meeting.objects.create(group=group, date=date(2025, 12, 1), place="x")
    count = selectors.meeting_count(group=group, year=2025)
    assert (count.count, count.short) == (3, False)
    services.meeting_delete(actor=None, meeting=second)
    assert selectors.meeting_count(group=group, year=2025).count == 2
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DELETE, object_type="Meeting", object_id=str(second.pk)
    ).exists()


def test_task_completion(demo, user_for):
    task = factories.task(owner=user_for("caseworker"))
    assert task in selectors.tasks_of(user=user_for("caseworker"))
    services.task_complete(actor=user_for("caseworker"), task=task, note="Tehty")
    task.refresh_from_db()
    assert task.status == FollowUpTask.Status.DONE
    assert task.completed_at is not None
    assert task not in selectors.tasks_of(user=user_for("caseworker"))
    with pytest.raises(ValidationError):
        services.task_complete(actor=user_for("caseworker"), task=task)


def _decided_item(group, day=date(2026, 2, 10)):
    meeting = factories.meeting(
        group, day=day, items=[("Ohjelmaraportti 2025", "Käsiteltiin.", {})]
    )
    return meeting.items.get()


def test_report_is_processed_only_through_a_cooperation_group_item(demo):
    report = AnnualReport.objects.get(year=2025)
    with pytest.raises(ValidationError):
        services.report_mark_processed(actor=None, report=report, item=None)
    coordination_item = _decided_item(factories.coordination_group())
    with pytest.raises(ValidationError, match="cooperation group"):
        services.report_mark_processed(actor=None, report=report, item=coordination_item)
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DRAFT
    assert report.processed_item is None

    item = _decided_item(factories.cooperation_group())
    services.report_mark_processed(actor=None, report=report, item=item)
    report.refresh_from_db()
    item.refresh_from_db()
    assert report.status == AnnualReport.Status.PROCESSED
    assert report.processed_item == item
    assert item.annual_report == report
    assert AuditEvent.objects.filter(
        object_type="AnnualReport", reason__contains="processed"
    ).exists()


def test_report_is_presented_after_processing_with_decision_records(demo):
    report = AnnualReport.objects.get(year=2025)
    data = PresentationInput(
        body="Järvenpään hyvinvointilautakunta",
        date=date(2026, 3, 18),
        decision="Merkittiin tiedoksi.",
    )
    with pytest.raises(ValidationError, match="process"):
        services.report_present(actor=None, report=report, data=data)
    services.report_mark_processed(
        actor=None, report=report, item=_decided_item(factories.cooperation_group())
    )
    services.report_present(actor=None, report=report, data=data)
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.PRESENTED
    assert report.presentations.get().decision == "Merkittiin tiedoksi."


def test_report_content_sections(demo):
    region = Region.objects.get(slug="keski-uusimaa")
    content = selectors.report_content(region=region, year=2025)
    assert content["programme"] is not None
    assert len(content["meetings"]) == 3
    assert content["key_figures_available"] is True  # the statistics app is installed
    statuses = {row["indicator"].name_fi: row["status"] for row in content["indicators"]}
    # Median time to assessment: 38 days in 2025 against a target of 30, lower is better.
    assert statuses["Arvioinnin alkamisen mediaaniaika"] == "not_reached"
    figures = selectors.state_figures(content=content)
    assert figures["cooperation_meetings"] == 2
    assert figures["measures_total"] == Measure.objects.filter(archived=False).count()


def test_item_may_not_reference_another_regions_programme(demo):
    other = Region.objects.create(slug="muu", name="Muu")
    group = services.group_create(
        actor=None, data=GroupInput(region=other, kind="other", name_fi="Muu ryhmä")
    )
    meeting = factories.meeting(group)
    with pytest.raises(ValidationError):
        services.agenda_item_add(
            actor=None,
            meeting=meeting,
            data=AgendaItemInput(title="x", measures=[Measure.objects.first()]),
        )
    assert not AgendaItem.objects.filter(meeting=meeting).exists()


def test_appointing_decision_is_a_programme_decision(demo):
    assert Decision.objects.filter(group_appointments__isnull=False).distinct().count() == 1


def test_ending_a_term_never_extends_it(demo):
    member = factories.cooperation_group().memberships.order_by("pk").first()
    services.membership_end(actor=None, membership=member, on=date(2026, 1, 31))
    with pytest.raises(ValidationError, match="already ended"):
        services.membership_end(actor=None, membership=member, on=date(2026, 6, 30))
    member.refresh_from_db()
    assert member.term_end == date(2026, 1, 31)
