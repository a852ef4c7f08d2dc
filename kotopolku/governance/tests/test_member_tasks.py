"""A follow-up task goes to a user of the system or to a member of the
meeting's group (who may have no account), and shows the assignee's name either way."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from kotopolku.governance import selectors, services
from kotopolku.governance.models import FollowUpTask
from kotopolku.governance.services import MembershipInput, TaskInput
from kotopolku.governance.tests import factories
from kotopolku.organisations.models import Organisation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]

DUE = date(2026, 12, 31)


def _member(group, *, name="Aino Ulkopuolinen", user=None):
    return services.membership_add(
        actor=None,
        group=group,
        data=MembershipInput(
            organisation=Organisation.objects.order_by("pk").first(),
            role="member",
            term_start=date(2025, 1, 1),
            user=user,
            external_name="" if user else name,
            external_email="" if user else "aino@example.fi",
        ),
    )


def _task(group, **assignee):
    return services.task_create(
        actor=None, group=group, data=TaskInput(title="Kokoa koulujen tarpeet", due=DUE, **assignee)
    )


def test_a_member_without_an_account_is_the_assignee_and_named_on_the_pages(client_for):
    meeting = factories.meeting(items=[("Koulut", "Selvitetään", {})])
    member = _member(meeting.group)
    task = _task(meeting.group, owner_member=member, agenda_item=meeting.items.get())
    assert (task.owner, task.owner_member, task.assignee_name) == (
        None,
        member,
        "Aino Ulkopuolinen",
    )
    http = client_for("coordinator")
    assert "Aino Ulkopuolinen" in http.get(reverse("governance:tasks")).content.decode()
    page = http.get(reverse("governance:meeting", args=[meeting.pk])).content.decode()
    assert "Kokoa koulujen tarpeet – Aino Ulkopuolinen" in page


def test_one_assignee_kind_or_none_and_only_a_member_of_the_group(user_for):
    group, other = factories.cooperation_group(), factories.coordination_group()
    member = _member(group)
    with pytest.raises(ValidationError) as both:
        _task(group, owner=user_for("caseworker"), owner_member=member)
    assert "owner" in both.value.message_dict
    with pytest.raises(ValidationError) as outsider:
        _task(other, owner_member=member)
    assert "owner" in outsider.value.message_dict
    assert _task(group).assignee_name == ""  # unassigned for now
    # The database refuses both kinds as well.
    task = _task(group, owner_member=member)
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUpTask.objects.filter(pk=task.pk).update(owner=user_for("caseworker"))


def test_a_member_with_an_account_sees_and_completes_the_task(user_for):
    caseworker = user_for("caseworker")
    group = factories.cooperation_group()
    task = _task(group, owner_member=_member(group, user=caseworker))
    assert task in selectors.tasks_of(user=caseworker)
    assert task.assignee_user_id == caseworker.pk
    services.task_complete(actor=caseworker, task=task)


def test_the_form_offers_members_and_users_and_saves_a_member(client_for):
    meeting = factories.meeting(day=date(2026, 3, 4))
    member = _member(meeting.group)
    http = client_for("coordinator")
    url = reverse("governance:task_create", args=[meeting.pk])
    form = http.get(url).content.decode()
    assert f'value="m:{member.pk}"' in form
    assert "Aino Ulkopuolinen" in form
    response = http.post(
        url, {"title": "Kutsu koulut", "owner": f"m:{member.pk}", "due": "2026-05-01"}
    )
    assert response.status_code == 302
    assert FollowUpTask.objects.get(title="Kutsu koulut").owner_member == member


def test_the_api_takes_a_member_and_names_the_assignee(client_for):
    group = factories.cooperation_group()
    member = _member(group)
    response = client_for("coordinator").post(
        reverse("api:governance-task-list"),
        {
            "group": group.pk,
            "title": "Kutsu koulut",
            "owner_member": member.pk,
            "due": "2026-05-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["owner"], body["owner_member"], body["assignee"]) == (
        None,
        member.pk,
        "Aino Ulkopuolinen",
    )
