"""`__in_ids` answers exactly like `__in`, on the database the suite runs on."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kotopolku.organisations.models import Organisation, Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisations():
    region = Region.objects.create(slug="testi", name="Testialue")
    return [
        Organisation.objects.create(kind=Organisation.Kind.NGO, name=f"Järjestö {n}", region=region)
        for n in range(12)
    ]


def test_in_ids_selects_the_same_rows_as_in(organisations):
    wanted = [o.pk for o in organisations[::3]] + [10**12]  # one id that does not exist
    by_in = set(Organisation.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    by_in_ids = set(Organisation.objects.filter(pk__in_ids=wanted).values_list("pk", flat=True))
    assert by_in_ids == by_in == {o.pk for o in organisations[::3]}


def test_in_ids_of_an_empty_list_selects_nothing(organisations):
    assert not Organisation.objects.filter(pk__in_ids=[]).exists()


def test_in_ids_works_on_a_foreign_key(organisations):
    region_id = organisations[0].region_id
    assert Organisation.objects.filter(region_id__in_ids=[region_id]).count() == 12
    assert Organisation.objects.filter(region__in_ids=[region_id]).count() == 12


def test_in_ids_sends_the_list_as_one_parameter(organisations):
    ids = [o.pk for o in organisations]
    with CaptureQueriesContext(connection) as captured:
        assert Organisation.objects.filter(pk__in_ids=ids).count() == len(ids)
    sql = captured.captured_queries[-1]["sql"]
    # One placeholder for the whole list, not one per id.
    assert sql.count(str(ids[-1])) == 1
    assert ("ANY" in sql) if connection.vendor == "postgresql" else ("json_each" in sql)
