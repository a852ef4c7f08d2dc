import pytest

from kotopolku.casework.models import Assessment, GuidanceContact, IntegrationPlan
from kotopolku.clients.models import Client
from kotopolku.demo.seed import seed_demo

pytestmark = pytest.mark.django_db


# Slow (seconds): runs the full seed with 50 synthetic clients twice; idempotence is the point.
def test_demo_casework_is_idempotent():
    seed_demo(with_users=True, clients=50)
    counts = (
        Assessment.objects.count(),
        IntegrationPlan.objects.count(),
        GuidanceContact.objects.count(),
        Client.objects.filter(closed_at__isnull=False).count(),
    )
    assert counts[0] > 0
    assert counts[1] > 0
    assert counts[3] > 0  # some found work or studies, or reached the time limit
    seed_demo(with_users=True, clients=50)
    assert counts == (
        Assessment.objects.count(),
        IntegrationPlan.objects.count(),
        GuidanceContact.objects.count(),
        Client.objects.filter(closed_at__isnull=False).count(),
    )


# Slow (seconds): the caseload needs the real seed with 120 synthetic clients.
def test_demo_caseload_looks_like_a_real_one():
    """Most open clients are on track; a few are overdue, not all of them."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from kotopolku.casework import selectors

    seed_demo(with_users=True, clients=120)
    user = get_user_model().objects.get(username="caseworker-jarvenpaa")
    rows = selectors.worklist(user=user, on=timezone.localdate())
    assert rows
    overdue = [row for row in rows if row.deadlines and row.deadlines.overdue]
    assert len(overdue) <= len(rows) // 3
    planned = [row for row in rows if row.deadlines and row.deadlines.review_due]
    assert len(planned) >= len(rows) // 2
