"""The one rule book: picking the row in force, code lists before the first row, drafts, and the
per-request scope. Pure tests build a book in memory and touch no database."""

from datetime import date
from decimal import Decimal

import pytest

from kotopolku.rules.book import (
    DraftError,
    RuleBook,
    RuleMissing,
    RuleRow,
    book_scope,
    parse_draft,
)


def row(key, start, end, value, unit="months"):
    return RuleRow(key=key, effective_from=start, effective_to=end, value=value, unit=unit)


BOOK = RuleBook(
    [
        row("base", date(1999, 5, 1), date(2024, 12, 31), 36),
        row("base", date(2025, 1, 1), None, 24),
        row("rate", date(2023, 1, 1), date(2023, 12, 31), Decimal("1955.00"), "eur_per_year"),
        row("rate", date(2024, 1, 1), None, Decimal("1955.00"), "eur_per_year"),
        row("bases", date(1999, 5, 1), date(2011, 8, 31), frozenset({"asylum"}), "codes"),
        row("bases", date(2011, 9, 1), None, frozenset({"asylum", "quota"}), "codes"),
    ]
)


def test_the_row_in_force_on_the_reference_date_decides():
    assert BOOK.value("base", on=date(2024, 12, 31)) == 36
    assert BOOK.value("base", on=date(2025, 1, 1)) == 24
    assert BOOK("base", date(1999, 5, 1)) == 36


def test_a_day_before_every_row_raises_rule_missing_with_key_and_day():
    with pytest.raises(RuleMissing) as caught:
        BOOK.value("base", on=date(1999, 4, 30))
    assert caught.value.key == "base"
    assert caught.value.on == date(1999, 4, 30)
    with pytest.raises(RuleMissing):
        BOOK.value("rate", on=date(2022, 12, 31))


def test_membership_before_the_first_row_is_known_only_when_every_row_agrees():
    early = date(1990, 1, 1)
    assert BOOK.member("bases", "asylum", on=early) is True  # in every version of the list
    assert BOOK.member("bases", "work", on=early) is False  # in no version
    with pytest.raises(RuleMissing):
        BOOK.member("bases", "quota", on=early)  # the versions disagree
    assert BOOK.member("bases", "quota", on=date(2012, 1, 1)) is True


def test_a_draft_row_closes_the_row_in_force_the_day_before_and_changes_nothing_else():
    draft = BOOK.with_draft(
        parse_draft(
            {"title": "t", "rows": [{"key": "base", "value": 18, "effective_from": "2027-01-01"}]},
            BOOK,
        )[1]
    )
    assert draft.value("base", on=date(2026, 12, 31)) == 24
    assert draft.value("base", on=date(2027, 1, 1)) == 18
    assert draft.rows("base")[1] == (date(2025, 1, 1), date(2026, 12, 31), 24)
    # The live book is untouched.
    assert BOOK.value("base", on=date(2027, 1, 1)) == 24
    assert BOOK.rows("base")[0] == (date(2025, 1, 1), None, 24)


def test_a_draft_row_on_an_existing_start_replaces_it_and_later_rows_still_win():
    rows = [
        {"key": "rate", "value": "2100.00", "effective_from": "2023-01-01"},
    ]
    draft = BOOK.with_draft(parse_draft({"rows": rows}, BOOK)[1])
    assert draft.value("rate", on=date(2023, 6, 30)) == Decimal("2100.00")
    assert draft.value("rate", on=date(2024, 1, 31)) == Decimal("1955.00")
    assert len(draft.rows("rate")) == 2


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"key": "nope", "value": 1, "effective_from": "2027-01-01"}], "unknown rule key"),
        ([{"key": "base", "value": "x", "effective_from": "2027-01-01"}], "bad value"),
        ([{"key": "base", "value": -3, "effective_from": "2027-01-01"}], "bad value"),
        ([{"key": "base", "value": 1.5, "effective_from": "2027-01-01"}], "bad value"),
        ([{"key": "rate", "value": "12,50", "effective_from": "2027-01-01"}], "bad value"),
        ([{"key": "rate", "value": "NaN", "effective_from": "2027-01-01"}], "bad value"),
        ([{"key": "bases", "value": "asylum", "effective_from": "2027-01-01"}], "bad value"),
        ([{"key": "base", "value": 1, "effective_from": "2027-02-30"}], "not a date"),
        ([{"key": "base", "value": 1, "effective_from": "1.1.2027"}], "not a date"),
        ([{"key": "base", "value": 1}], "effective_from is missing"),
        ("rows", "rows: must be a list"),
    ],
)
def test_a_bad_draft_names_its_problem(rows, message):
    with pytest.raises(DraftError, match=message):
        parse_draft({"title": "t", "rows": rows}, BOOK)


def test_draft_values_are_typed_by_the_units_of_the_key():
    _, rows = parse_draft(
        {
            "rows": [
                {"key": "rate", "value": "2100", "effective_from": "2027-01-01"},
                {"key": "base", "value": "18", "effective_from": "2027-01-01"},
                {"key": "bases", "value": ["asylum"], "effective_from": "2027-01-01"},
            ]
        },
        BOOK,
    )
    assert [r.value for r in rows] == [Decimal("2100.00"), 18, frozenset({"asylum"})]


@pytest.mark.django_db
def test_within_a_scope_the_table_is_read_once_and_a_write_is_seen(django_assert_num_queries):
    from kotopolku.rules.models import StatutoryRule

    with book_scope():
        with django_assert_num_queries(1):
            first = RuleBook.load()
            first.value("plan_window_years", on=date(2025, 1, 1))
            assert RuleBook.load() is first
            RuleBook.load().value("referral_due_months", on=date(2025, 1, 1))
        row = StatutoryRule.objects.get(key="referral_due_months", effective_to=None)
        row.value = 3
        row.save()
        assert RuleBook.load().value("referral_due_months", on=date(2025, 1, 1)) == 3
    # Outside a scope every load reads afresh.
    assert RuleBook.load() is not RuleBook.load()


@pytest.mark.django_db
def test_each_request_reads_the_rule_table_afresh(client, demo, user_for):
    from kotopolku.rules.models import StatutoryRule

    client.force_login(user_for("coordinator"))
    assert client.get("/rules/").status_code == 200
    StatutoryRule.objects.filter(key="referral_due_months").update(value=5)
    # No scope is left over from the request: a direct read sees the update.
    assert RuleBook.load().value("referral_due_months", on=date(2025, 1, 1)) == 5
