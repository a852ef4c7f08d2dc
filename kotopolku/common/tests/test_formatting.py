"""Euro amounts in the locale's format, through the one helper and its template filter."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from kotopolku.common.formatting import euro_number, euros, short_date

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("language", "amount", "expected"),
    [
        ("fi", Decimal("1234.5"), f"1{NBSP}234,50{NBSP}€"),
        ("sv", Decimal("1234.5"), f"1{NBSP}234,50{NBSP}€"),
        ("en", Decimal("1234.5"), "€1,234.50"),
        ("fi", Decimal("-1234567.891"), f"-1{NBSP}234{NBSP}567,89{NBSP}€"),
        ("en", Decimal("-1234567.891"), "-€1,234,567.89"),
        ("fi", Decimal("0.005"), f"0,01{NBSP}€"),
        ("fi", 162.92, f"162,92{NBSP}€"),
        ("en", "12", "€12.00"),
        ("fi", None, "–"),
    ],
)
def test_euros_per_language(language, amount, expected):
    assert euros(amount, language=language) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fi", f"<dd>1{NBSP}955,04{NBSP}€</dd><td>1{NBSP}955,04</td>"),
        ("sv", f"<dd>1{NBSP}955,04{NBSP}€</dd><td>1{NBSP}955,04</td>"),
        ("en", "<dd>€1,955.04</dd><td>1,955.04</td>"),
    ],
)
def test_template_filter_follows_the_active_language(language, expected):
    template = Template(
        '{% load formatting %}<dd>{{ amount|euros }}</dd><td>{{ amount|euros:"number" }}</td>'
    )
    with translation.override(language):
        html = template.render(Context({"amount": Decimal("1955.04")}))
    assert html == expected


@given(
    st.decimals(
        min_value=Decimal("-10000000"),
        max_value=Decimal("10000000"),
        allow_nan=False,
        allow_infinity=False,
        places=4,
    )
)
def test_the_finnish_and_english_numbers_read_back_to_the_cent(amount):
    cents = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    finnish = euro_number(amount, language="fi").replace(NBSP, "").replace(",", ".")
    english = euro_number(amount, language="en").replace(",", "")
    assert Decimal(finnish) == cents
    assert Decimal(english) == cents


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fi", "27.11.2026"), ("sv", "27.11.2026"), ("en", "27 Nov 2026")],
)
def test_short_date_follows_the_language_and_english_puts_the_day_first(language, expected):
    assert short_date(date(2026, 11, 27), language=language) == expected
    assert short_date(None, language=language) == "–"


def test_english_date_input_reads_day_before_month():
    from django import forms

    with translation.override("en"):
        field = forms.DateField()
        assert field.clean("03/04/2026") == date(2026, 4, 3)
        assert field.clean("3.4.2026") == date(2026, 4, 3)


def test_date_range_breaks_only_between_the_dates():
    with translation.override("fi"):
        html = Template("{% load formatting %}{% date_range a b %}").render(
            Context({"a": date(2026, 11, 9), "b": None})
        )
    assert html == '<span class="nowrap">9.11.2026–</span><span class="nowrap">…</span>'
