""" "Approve the minutes" is offered only once the meeting has been held."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kotopolku.governance import services
from kotopolku.governance.models import WorkingGroup

pytestmark = pytest.mark.django_db


def _meeting(days_from_today: int):
    group = WorkingGroup.objects.order_by("pk").first()
    return services.meeting_schedule(
        actor=None,
        group=group,
        data=services.MeetingInput(
            date=timezone.localdate() + timedelta(days=days_from_today), place="Järvenpää-talo"
        ),
    )


def test_future_meeting_offers_no_approval_and_the_page_says_why(demo, client_for):
    meeting = _meeting(7)
    http = client_for("coordinator")
    page = http.get(reverse("governance:meeting", args=[meeting.pk])).content.decode()
    approve = reverse("governance:minutes_approve", args=[meeting.pk])
    assert approve not in page
    # Opening the address anyway refuses before any confirmation is asked.
    response = http.get(approve, follow=True)
    assert response.redirect_chain[-1][0] == reverse("governance:meeting", args=[meeting.pk])
    assert "Yes, approve" not in response.content.decode()


def test_held_meeting_offers_approval(demo, client_for):
    meeting = _meeting(-1)
    page = client_for("coordinator").get(reverse("governance:meeting", args=[meeting.pk]))
    assert reverse("governance:minutes_approve", args=[meeting.pk]) in page.content.decode()
