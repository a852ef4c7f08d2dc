"""The rule table reads in the administrator's language, sources and notes
included (the stored source is the msgid, so rows seeded before the translations read too)."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ENGLISH = ["assumed unchanged", "list verified", "old law", "same window", "rates for 2023"]
# Codes in rule values, named by their choices (the codes stay in a title attribute).
VALUE_CODES = ["trafficking_victim", "quota_refugee", "family_leave"]
CODES = re.compile(r"\b[a-z]+\.[a-z_]+\b|\b[A-Z][a-z]+[A-Z][A-Za-z]+\b")


def _visible_text(html: str) -> str:
    body = html.split("<main", 1)[-1].split("</main>", 1)[0]
    body = re.sub(r"<code>.*?</code>", " ", body)  # the rule key, shown as a secondary code
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", body))


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fi", ["oletettu ennallaan", "vanha laki", "kotoutumissuunnitelma kestää"]),
        ("sv", ["antas oförändrad", "gamla lagen", "Lag om främjande av integration 681/2023"]),
    ],
)
def test_rule_table_in_finnish_and_swedish(client_for, language, expected):
    http = client_for("admin")
    http.cookies["django_language"] = language
    text = _visible_text(http.get(reverse("rules:list")).content.decode())
    for word in expected:
        assert word in text, word
    for word in ENGLISH + VALUE_CODES:
        assert word not in text, word
    assert not CODES.findall(text.replace("P1–P8", "")), CODES.findall(text)[:5]
