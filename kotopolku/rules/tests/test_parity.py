"""Property test (docs/domain.md §5): pathways generated across the 2025 boundary get the same
dates from
the Python form and from the SQL form of every date rule (P1–P5, C3), read from the seeded rule
history, and from a draft that moves a value. The SQL form runs on the database in use
(SQLite by default, PostgreSQL with DATABASE_URL)."""

from datetime import date, timedelta

import pytest
from django.db.models import DateField, IntegerField, Value
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kotopolku.casework.statutory import (
    FIRST_PLAN_END,
    MAX_PLAN_END,
    PLAN_WINDOW,
    REFERRAL_DUE,
    REVIEW_DUE,
)
from kotopolku.compensation.computation import (
    PERIOD_END_OTHER,
    PERIOD_END_QUOTA,
    HomePeriod,
    eligibility_period,
)
from kotopolku.rules.book import DraftRow, RuleBook, RuleMissing
from kotopolku.rules.models import StatutoryRule

pytestmark = pytest.mark.django_db

BOUNDARY = date(2025, 1, 1)
days = st.integers(min_value=-3 * 365, max_value=3 * 365).map(
    lambda n: BOUNDARY + timedelta(days=n)
)
# Month ends and 29 February are where month arithmetic goes wrong.
edge_days = st.sampled_from(
    [
        date(2024, 2, 29),
        date(2024, 12, 31),
        date(2025, 1, 1),
        date(2023, 1, 31),
        date(2025, 8, 31),
        date(2024, 8, 31),
    ]
)


@st.composite
def pathways(draw):
    permit = draw(st.one_of(days, edge_days))
    first = draw(st.one_of(days, edge_days))
    latest = first + timedelta(days=draw(st.integers(0, 900)))
    counted_from = latest + timedelta(days=draw(st.integers(0, 500)))
    return {
        "permit": permit,
        "first": first,
        "latest": latest,
        "counted_from": counted_from,
        "extension": draw(st.integers(0, 30)),
        "basis": draw(st.sampled_from(["asylum", "trafficking_victim", "quota_refugee"])),
    }


def _python(p, book):
    def attempt(compute):
        try:
            return compute()
        except RuleMissing:
            return None

    return {
        "window": attempt(lambda: PLAN_WINDOW.window_end(p["permit"], p["basis"], rules=book)),
        "first_end": attempt(lambda: FIRST_PLAN_END.on(p["first"], rules=book)),
        "max_end": attempt(
            lambda: MAX_PLAN_END.on(p["first"], rules=book, extra_months=p["extension"])
        ),
        "referral": attempt(lambda: REFERRAL_DUE.on(p["latest"], rules=book)),
        "review": attempt(
            lambda: REVIEW_DUE.on(p["counted_from"], rules=book, reference=p["latest"])
        ),
        "c3_quota": attempt(lambda: PERIOD_END_QUOTA.on(p["first"], rules=book)),
        "c3_other": attempt(lambda: PERIOD_END_OTHER.on(p["first"], rules=book)),
    }


def _sql(p, book):
    carrier = StatutoryRule.objects.order_by("pk")[:1]
    row = (
        carrier.annotate(
            permit=Value(p["permit"], DateField()),
            first=Value(p["first"], DateField()),
            latest=Value(p["latest"], DateField()),
            counted_from=Value(p["counted_from"], DateField()),
            extension=Value(p["extension"], IntegerField()),
            basis=Value(p["basis"]),
        )
        .annotate(
            window=PLAN_WINDOW.window_end_expression("permit", "basis", rules=book),
            first_end=FIRST_PLAN_END.expression("first", rules=book),
            max_end=MAX_PLAN_END.expression(
                "first", rules=book, extra_months=Value(p["extension"])
            ),
            referral=REFERRAL_DUE.expression("latest", rules=book),
            review=REVIEW_DUE.expression("counted_from", rules=book, reference="latest"),
            c3_quota=PERIOD_END_QUOTA.expression("first", rules=book),
            c3_other=PERIOD_END_OTHER.expression("first", rules=book),
        )
        .values("window", "first_end", "max_end", "referral", "review", "c3_quota", "c3_other")
        .get()
    )
    return {k: (date.fromisoformat(v) if isinstance(v, str) else v) for k, v in row.items()}


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


@PROPERTY
@given(pathway=pathways())
def test_python_and_sql_forms_agree_across_2025(pathway):
    book = RuleBook.load()
    assert _sql(pathway, book) == _python(pathway, book)


@PROPERTY
@given(pathway=pathways(), months=st.integers(6, 48), start=days)
def test_python_and_sql_forms_agree_under_a_draft(pathway, months, start):
    book = RuleBook.load().with_draft(
        [
            DraftRow("plan_total_base_months", months, start),
            DraftRow("referral_due_months", months // 6, start),
            DraftRow("compensation_period_years_other", months // 12, start),
        ]
    )
    assert _sql(pathway, book) == _python(pathway, book)


@PROPERTY
@given(start=st.one_of(days, edge_days), basis=st.sampled_from(["asylum", "quota_refugee"]))
def test_the_c3_rule_objects_give_the_eligibility_periods_end(start, basis):
    book = RuleBook.load()
    period = eligibility_period(
        permit_basis=basis, home_periods=[HomePeriod("186", start)], rules=book
    )
    rule = PERIOD_END_QUOTA if basis == "quota_refugee" else PERIOD_END_OTHER
    assert period.end == rule.on(start, rules=book)


def test_the_regimes_meet_at_the_boundary():
    book = RuleBook.load()
    # P3: 2024-12-31 + 36 months − 1 day; 2025-01-01 + 24 months − 1 day.
    assert MAX_PLAN_END.on(date(2024, 12, 31), rules=book) == date(2027, 12, 30)
    assert MAX_PLAN_END.on(date(2025, 1, 1), rules=book) == date(2026, 12, 31)
    # C3 others: 3 years, then 2 years.
    assert PERIOD_END_OTHER.on(date(2024, 12, 31), rules=book) == date(2027, 12, 30)
    assert PERIOD_END_OTHER.on(date(2025, 1, 1), rules=book) == date(2026, 12, 31)


# ---------------------------------------------------------------- home municipality on a day

# The region's own municipalities (organisations) and one from outside it (no organisation).
HOME_CODES = ("186", "858", "106", "091")
period_days = st.integers(min_value=0, max_value=120).map(
    lambda n: date(2024, 12, 1) + timedelta(days=n)
)


@st.composite
def home_histories(draw):
    """One person's periods: overlapping, open-ended, with gaps and back-to-back moves. The
    services refuse overlaps; stored rows from before that check (or written by hand) may
    still have them, and the choice must be the same in Python and in SQL."""
    periods, starts = [], set()
    for _ in range(draw(st.integers(0, 4))):
        start = draw(period_days)
        if start in starts:  # one current row per start (home_period_unique_start)
            continue
        starts.add(start)
        length = draw(st.one_of(st.none(), st.integers(0, 60)))
        end = None if length is None else start + timedelta(days=length)
        periods.append((draw(st.sampled_from(HOME_CODES)), start, end))
    return periods


@pytest.fixture
def home_person(demo):
    from kotopolku.compensation.tests.factories import protected_person

    return protected_person("HOME-PROPERTY", periods=[("186", date(2020, 1, 1), None)])


@PROPERTY
@given(history=home_histories())
def test_home_municipality_python_and_sql_agree_on_every_day(home_person, history):
    from django.db import transaction

    from kotopolku.clients.models import Client, HomeMunicipalityPeriod
    from kotopolku.organisations.models import Organisation
    from kotopolku.rules.periods import home_municipality_on, living_in, municipality_on

    organisations = dict(
        Organisation.objects.filter(municipality_code__in=HOME_CODES).values_list(
            "municipality_code", "pk"
        )
    )
    with transaction.atomic():
        HomeMunicipalityPeriod.all_rows.filter(client=home_person).delete()
        # Raw rows on purpose: `home_period_add` would refuse the overlaps under test.
        HomeMunicipalityPeriod.objects.bulk_create(
            HomeMunicipalityPeriod(
                client=home_person,
                municipality_code=code,
                municipality_id=organisations.get(code),
                start=start,
                end=end,
            )
            for code, start, end in history
        )
        stored = list(HomeMunicipalityPeriod.objects.filter(client=home_person))
        periods = HomeMunicipalityPeriod.objects.all()
        # Every day where an answer can change, and one on each side.
        days = {date(2024, 11, 30), date(2025, 4, 30)}
        for _code, start, end in history:
            for edge in (start, end):
                if edge is not None:
                    days |= {edge - timedelta(days=1), edge, edge + timedelta(days=1)}
        for day in sorted(days):
            python_code = home_municipality_on(stored, day, attribute="municipality_code")
            python_org = home_municipality_on(stored, day, attribute="municipality_id")
            # The day as a date, and as a field of the outer row (as the statistics pass it).
            row = (
                Client.objects.filter(pk=home_person.pk)
                .annotate(on=Value(day, DateField()))
                .annotate(
                    code=municipality_on(
                        periods, client_ref="pk", day=day, value="municipality_code"
                    ),
                    org=municipality_on(periods, client_ref="pk", day="on"),
                    **{
                        f"in_{code}": living_in(
                            periods,
                            client_ref="pk",
                            day="on",
                            municipality_id=code,
                            field="municipality_code",
                        )
                        for code in HOME_CODES
                    },
                )
                .get()
            )
            assert (row.code, row.org) == (python_code, python_org), (history, day)
            for code in HOME_CODES:
                assert getattr(row, f"in_{code}") == (python_code == code), (history, day, code)
        transaction.set_rollback(True)
