"""Citizenship, mother tongue and other languages through the client form:
names in fi, sv or en or codes in, codes stored; an unknown value is an error that keeps the rest
of what was typed; language rows round-trip through the edit form."""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse

from kotopolku.clients.models import Client

pytestmark = pytest.mark.django_db


def _rows(prefix, rows, initial=0):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial)}
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def _new(**overrides):
    data = {
        "external_id": "PICK-1",
        "first_names": "Abdi",
        "last_name": "Warsame",
        "date_of_birth": "1994-05-01",
        "permit_basis": "quota_refugee",
        "home_municipality": "Järvenpää (186)",
        **_rows("other_languages", [{"code": "", "level": ""}]),
    }
    data.update(overrides)
    return data


class _Fields(HTMLParser):
    """The values a browser would send for the page's post form."""

    def __init__(self):
        super().__init__()
        self.data, self.select, self.in_form = {}, None, False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method") == "post":
            self.in_form = True
        if not self.in_form:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.data[a["name"]] = a.get("value", "on")
            elif a.get("type") != "submit":
                self.data[a["name"]] = a.get("value", "")
        elif tag == "select":
            self.select = a.get("name")
            self.data.setdefault(self.select, "")
        elif tag == "option" and self.select and "selected" in a:
            self.data[self.select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        if tag == "form":
            self.in_form = False


def form_fields(page: str) -> dict:
    parser = _Fields()
    parser.feed(re.sub(r"<template.*?</template>", "", page, flags=re.S))
    return parser.data


def _in_language(http, language):
    http.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return http


@pytest.mark.parametrize(
    ("language", "citizenship", "mother_tongue"),
    [
        ("fi", "Somalia", "somali"),
        ("sv", "Somalia", "Somaliska"),
        ("en", "SO", "so"),
        ("fi", "Somalia (SO)", "Somali (so)"),
    ],
)
def test_citizenship_and_mother_tongue_by_name_or_code(
    http_for, language, citizenship, mother_tongue
):
    http = _in_language(http_for("caseworker-jarvenpaa"), language)
    response = http.post(
        reverse("clients:create"),
        _new(citizenship=citizenship, mother_tongue=mother_tongue),
    )
    assert response.status_code in (302, 303), response.content.decode()[:2000]
    client = Client.objects.get(external_id="PICK-1")
    assert client.citizenship == "SO"
    assert [(lang.code, lang.mother_tongue) for lang in client.languages.all()] == [("so", True)]


def test_the_form_offers_names_in_the_users_language(http_for, demo):
    http = _in_language(http_for("caseworker-jarvenpaa"), "sv")
    page = http.get(reverse("clients:create")).content.decode()
    assert '<datalist id="id_citizenship_options">' in page
    assert '<option value="Sverige (SE)">' in page
    assert '<datalist id="language-options">' in page
    assert '<option value="Arabiska (ar)">' in page
    assert 'maxlength="3"' not in page


def test_unknown_country_is_an_error_that_keeps_the_other_values(http_for, demo):
    http = _in_language(http_for("caseworker-jarvenpaa"), "fi")
    response = http.post(
        reverse("clients:create"),
        _new(
            citizenship="Somalimaa",
            mother_tongue="arabia",
            **_rows("other_languages", [{"code": "englanti", "level": "B1.1"}]),
        ),
    )
    assert response.status_code == 400
    assert not Client.objects.exists()
    page = response.content.decode()
    assert "Somalimaa" in str(response.context["form"].errors["citizenship"])
    assert "ei ole tuntemamme maa" in page  # the message in the user's language
    # What was typed stays in the form: nothing cut, nothing dropped.
    assert 'value="Somalimaa"' in page
    assert 'value="Abdi"' in page
    assert 'value="arabia"' in page
    assert 'value="englanti"' in page
    assert re.search(r'<option value="B1.1" selected>', page)


def test_unknown_language_in_a_row_is_an_error_naming_the_row(http_for, demo):
    http = _in_language(http_for("caseworker-jarvenpaa"), "en")
    response = http.post(
        reverse("clients:create"),
        _new(**_rows("other_languages", [{"code": "fi"}, {"code": "elvish", "level": "A1.1"}])),
    )
    assert response.status_code == 400
    assert not Client.objects.exists()
    errors = " ".join(response.context["form"].non_field_errors())
    assert "Other languages, row 2" in errors
    assert "elvish" in errors


def test_language_rows_round_trip_through_edit(http_for, demo):
    http = _in_language(http_for("caseworker-jarvenpaa"), "fi")
    response = http.post(
        reverse("clients:create"),
        _new(
            citizenship="SO",
            mother_tongue="so",
            **_rows(
                "other_languages",
                [{"code": "suomi", "level": "A1.2"}, {"code": "English", "level": "B2.1"}],
            ),
        ),
    )
    assert response.status_code == 302
    client = Client.objects.get(external_id="PICK-1")
    stored = {(lang.code, lang.level, lang.mother_tongue) for lang in client.languages.all()}
    assert stored == {("so", "", True), ("fi", "A1.2", False), ("en", "B2.1", False)}

    edit = http.get(reverse("clients:edit", args=[client.pk]))
    form = edit.context["form"]
    rows = form.rows_forms["other_languages"]
    assert rows.total_form_count() == 3  # the two stored rows and an empty one
    page = edit.content.decode()
    assert 'value="Somalia (SO)"' in page
    assert 'value="Englanti (en)"' in page
    # Post the page back as the browser would, unchanged: nothing changes.
    data = form_fields(page)
    assert data["other_languages-0-code"] == "Englanti (en)"
    assert http.post(reverse("clients:edit", args=[client.pk]), data).status_code == 302
    again = {(lang.code, lang.level, lang.mother_tongue) for lang in client.languages.all()}
    assert again == stored
    client.refresh_from_db()
    assert client.citizenship == "SO"

    # Remove one row, change one, fill in the empty one.
    data.update(
        {
            "other_languages-0-DELETE": "on",
            "other_languages-1-level": "A2.1",
            "other_languages-2-code": "ruotsi",
            "other_languages-2-level": "A1.1",
        }
    )
    assert http.post(reverse("clients:edit", args=[client.pk]), data).status_code == 302
    assert {(lang.code, lang.level) for lang in client.languages.filter(mother_tongue=False)} == {
        ("fi", "A2.1"),
        ("sv", "A1.1"),
    }


def test_the_client_page_names_country_and_languages(http_for, demo):
    http = _in_language(http_for("caseworker-jarvenpaa"), "sv")
    http.post(
        reverse("clients:create"),
        _new(
            citizenship="SO",
            mother_tongue="so",
            interpreter_needed="on",
            interpreter_language="prs",
            **_rows("other_languages", [{"code": "fi", "level": "A1.2"}]),
        ),
    )
    client = Client.objects.get(external_id="PICK-1")
    page = http.get(reverse("clients:detail", args=[client.pk])).content.decode()
    assert "<dd>Somalia</dd>" in page
    assert "Somaliska" in page
    assert "Finska A1.2" in page
    assert "Dari" in page
