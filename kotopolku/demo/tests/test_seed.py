import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from kotopolku.organisations.models import Membership, Organisation, Region
from kotopolku.rules.models import StatutoryRule

pytestmark = pytest.mark.django_db


def snapshot():
    User = get_user_model()
    return (
        list(Region.objects.values()),
        list(Organisation.objects.order_by("pk").values()),
        list(Membership.objects.order_by("pk").values()),
        list(User.objects.order_by("pk").values("username", "password", "is_superuser")),
        StatutoryRule.objects.count(),
    )


@override_settings(DEBUG=True)
# Slow (seconds): runs the real seed_demo command (not the `demo` fixture) twice.
def test_seed_demo_is_idempotent():
    call_command("seed_demo", clients=0)
    first = snapshot()
    call_command("seed_demo", clients=0)
    assert snapshot() == first


@override_settings(DEBUG=True)
# Slow (seconds): runs the real seed_demo command; the fixture cannot prove the command works.
def test_seed_demo_loads_the_region():
    call_command("seed_demo", clients=0)
    municipalities = Organisation.objects.filter(kind="municipality")
    assert sorted(municipalities.values_list("municipality_code", flat=True)) == [
        "106",
        "186",
        "505",
        "543",
        "611",
        "858",
    ]
    employment = Organisation.objects.get(kind="employment_area")
    county = Organisation.objects.get(kind="wellbeing_county")
    assert all(
        m.employment_area == employment and m.wellbeing_county == county for m in municipalities
    )
    assert Organisation.objects.filter(kind="education").count() == 1
    assert Organisation.objects.filter(kind="ngo").count() == 1
    assert (
        get_user_model().objects.get(username="caseworker-tuusula").check_password("kotopolku-demo")
    )


@override_settings(DEBUG=False)
def test_demo_users_need_debug_or_flag():
    call_command("seed_demo", clients=0)
    assert not get_user_model().objects.filter(username="coordinator").exists()
    call_command("seed_demo", clients=0, demo_users=True)
    assert get_user_model().objects.filter(username="coordinator").exists()


def test_negative_clients_is_an_error():
    with pytest.raises(CommandError):
        call_command("seed_demo", clients=-1)
