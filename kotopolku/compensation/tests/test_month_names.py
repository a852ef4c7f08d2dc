"""Months are named in the reader's language (the forecast said "2026-01",
payment lists "03/2025")."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "january"), [("fi", "Tammikuu"), ("sv", "Januari")])
def test_forecast_names_its_months(client_for, language, january):
    http = client_for("coordinator")
    http.cookies["django_language"] = language
    page = http.get(reverse("compensation:forecast")).content.decode()
    assert january in page
    assert not re.search(r"<th scope=\"row\">20\d\d-\d\d</th>", page)
