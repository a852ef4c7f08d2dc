import pytest

from kotopolku.casework.models import Assessment, GuidanceContact, IntegrationPlan
from kotopolku.demo.seed import seed_demo

pytestmark = pytest.mark.django_db


def test_demo_casework_is_idempotent():
    seed_demo(with_users=True, clients=50)
    counts = (
        Assessment.objects.count(),
        IntegrationPlan.objects.count(),
        GuidanceContact.objects.count(),
    )
    assert counts[0] > 0
    assert counts[1] > 0
    seed_demo(with_users=True, clients=50)
    assert counts == (
        Assessment.objects.count(),
        IntegrationPlan.objects.count(),
        GuidanceContact.objects.count(),
    )
