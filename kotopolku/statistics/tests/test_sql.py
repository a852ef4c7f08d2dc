"""The SQL month arithmetic and median agree with `common.dates` and the statistics module."""

import statistics
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F, IntegerField, Value
from hypothesis import given, settings
from hypothesis import strategies as st

from kotopolku.clients.models import Client
from kotopolku.common.dates import add_months
from kotopolku.common.dates_sql import AddMonths
from kotopolku.rules.models import StatutoryRule
from kotopolku.statistics.sql import DaysBetween, Median


@pytest.mark.django_db
@settings(max_examples=60, deadline=None)
@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    st.integers(min_value=-36, max_value=60),
)
def test_add_months_in_sql_is_add_months(day, months):
    rule = StatutoryRule.objects.create(
        key="probe",
        code="T",
        value=1,
        unit="days",
        effective_from=day,
        source="test",
        confidence="U",
    )
    try:
        got = (
            StatutoryRule.objects.filter(pk=rule.pk)
            .annotate(
                later=AddMonths(F("effective_from"), Value(months, output_field=IntegerField())),
                days=DaysBetween(F("effective_from"), Value(date(2000, 1, 1))),
            )
            .values_list("later", "days")
            .get()
        )
    finally:
        rule.delete()
    later = got[0] if isinstance(got[0], date) else date.fromisoformat(got[0])
    assert later == add_months(day, months)
    assert got[1] == (day - date(2000, 1, 1)).days


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
    ],
)
def test_add_months_examples_of_domain(db, day, months, expected):
    rule = StatutoryRule.objects.create(
        key="probe",
        code="T",
        value=1,
        unit="days",
        effective_from=day,
        source="t",
        confidence="U",
    )
    later = (
        StatutoryRule.objects.filter(pk=rule.pk)
        .annotate(later=AddMonths(F("effective_from"), Value(months)))
        .values_list("later", flat=True)
        .get()
    )
    assert str(later) == expected.isoformat()


@pytest.mark.django_db
@given(st.lists(st.integers(min_value=0, max_value=500), max_size=9))
@settings(max_examples=25, deadline=None)
def test_median_aggregate(values):
    StatutoryRule.objects.filter(key__startswith="median-").delete()
    for n, value in enumerate(values):
        StatutoryRule.objects.create(
            key=f"median-{n}",
            code="T",
            value=value,
            unit="days",
            effective_from=date(2001, 1, 1) + timedelta(days=value),
            source="t",
            confidence="U",
        )
    got = StatutoryRule.objects.filter(key__startswith="median-").aggregate(
        m=Median(DaysBetween(F("effective_from"), Value(date(2001, 1, 1))))
    )["m"]
    if not values:
        assert got is None
    else:
        assert got == statistics.median(values)


def test_generate_synthetic_is_deterministic_and_refuses_twice(demo):
    with pytest.raises(CommandError):  # DEBUG is off in tests
        call_command("generate_synthetic", "--clients", "60", stdout=StringIO())
    out = StringIO()
    call_command("generate_synthetic", "--clients", "60", "--force", stdout=out)
    assert "60 clients" in out.getvalue()
    first = sorted(
        Client.objects.filter(external_id__startswith="SYN-").values_list(
            "external_id", "date_of_birth", "client_since", "permit_basis"
        )
    )
    assert len(first) == 60
    assert Client.objects.filter(external_id__startswith="SYN-", plans__isnull=False).exists()
    with pytest.raises(CommandError):
        call_command("generate_synthetic", "--clients", "10", "--force", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("generate_synthetic", "--clients", "0", "--force", stdout=StringIO())
    # The same seed gives the same data.
    from kotopolku.courses.models import Course

    Client.objects.filter(external_id__startswith="SYN-").delete()
    Course.objects.filter(code__startswith="SYN-").delete()
    call_command("generate_synthetic", "--clients", "60", "--force", stdout=StringIO())
    again = sorted(
        Client.objects.filter(external_id__startswith="SYN-").values_list(
            "external_id", "date_of_birth", "client_since", "permit_basis"
        )
    )
    assert again == first
