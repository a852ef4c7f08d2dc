"""Education and work history as rows: the migration that turns the old text
into rows, and rows that round-trip through the assessment form."""

import importlib
import re

import pytest
from django.apps import apps
from django.urls import reverse

from kotopolku.casework.history import EDUCATION_KEYS, WORK_KEYS, normalise_rows
from kotopolku.casework.models import Assessment
from kotopolku.casework.tests.factories import make_case
from kotopolku.casework.tests.test_views import login
from kotopolku.clients.tests.test_pickers import form_fields

migration = importlib.import_module("kotopolku.casework.migrations.0006_history_rows")


def test_old_text_lines_become_rows_and_no_text_is_lost():
    old = [
        "upper secondary; commerce; Syyria; 3",
        "Studied nursing in Damascus for two years",
        {"level": "university", "field": "law", "country": "Aleppo", "years": "4"},
        {"level": "basic", "field": "", "country": "af", "years": "9", "note": "evening school"},
        "vocational; welding; SY; 2; certificate lost",
        {"level": "", "field": "", "country": "", "years": ""},
    ]
    assert normalise_rows(old, EDUCATION_KEYS) == [
        {"level": "upper secondary", "field": "commerce", "country": "SY", "years": "3"},
        {
            "level": "",
            "field": "Studied nursing in Damascus for two years",
            "country": "",
            "years": "",
        },
        {"level": "university", "field": "law; Aleppo", "country": "", "years": "4"},
        {"level": "basic", "field": "evening school", "country": "AF", "years": "9"},
        {
            "level": "vocational",
            "field": "welding; certificate lost",
            "country": "SY",
            "years": "2",
        },
    ]
    assert normalise_rows([{"occupation": "cook", "country": "Irak", "years": "5"}], WORK_KEYS) == [
        {"occupation": "cook", "field": "", "country": "IQ", "years": "5"}
    ]
    # An old work line had three parts: occupation; country; years.
    assert normalise_rows("cook; Syria; 5\nwelder; metal; TR; 2", WORK_KEYS) == [
        {"occupation": "cook", "field": "", "country": "SY", "years": "5"},
        {"occupation": "welder", "field": "metal", "country": "TR", "years": "2"},
    ]


@pytest.mark.django_db
def test_the_migration_rewrites_stored_rows(demo):
    _, assessment, _, _ = make_case("HIST-1")
    Assessment.all_rows.filter(pk=assessment.pk).update(
        education=["upper secondary; commerce; Syria; 3", "free text only"],
        work_history=[{"occupation": "cook", "country": "Syyria", "years": "5"}],
    )
    migration.to_rows(apps, None)
    assessment.refresh_from_db()
    assert assessment.education == [
        {"level": "upper secondary", "field": "commerce", "country": "SY", "years": "3"},
        {"level": "", "field": "free text only", "country": "", "years": ""},
    ]
    assert assessment.work_history == [
        {"occupation": "cook", "field": "", "country": "SY", "years": "5"}
    ]


@pytest.mark.django_db
def test_rows_round_trip_through_the_assessment_form(demo):
    _, assessment, _, _ = make_case("HIST-2")
    Assessment.all_rows.filter(pk=assessment.pk).update(
        education=[{"level": "Lukio Damaskoksessa", "field": "", "country": "", "years": ""}],
        work_history=[],
    )
    http = login("caseworker-jarvenpaa")
    url = reverse("casework:assessment_edit", kwargs={"pk": assessment.pk})
    page = http.get(url).content.decode()
    assert 'id="education-rows"' in page
    assert "; ; ;" not in page
    data = form_fields(page)
    assert data["education-0-level"] == "Lukio Damaskoksessa"
    assert data["education-TOTAL_FORMS"] == "2"  # the stored row and an empty one
    data.update(
        {
            "education-1-level": "ammattikoulu",
            "education-1-field": "hitsaus",
            "education-1-country": "Turkki",
            "education-1-years": "2015–2017",
            "work_history-0-occupation": "kokki",
            "work_history-0-country": "Syyria (SY)",
            "work_history-0-years": "5",
        }
    )
    assert http.post(url, data).status_code == 302
    assessment.refresh_from_db()
    first = {"level": "Lukio Damaskoksessa", "field": "", "country": "", "years": ""}
    second = {"level": "ammattikoulu", "field": "hitsaus", "country": "TR", "years": "2015–2017"}
    assert assessment.education == [first, second]
    assert assessment.work_history == [
        {"occupation": "kokki", "field": "", "country": "SY", "years": "5"}
    ]

    # Unchanged, the page posts back the same rows; a bad country is an error that keeps all.
    page = http.get(url).content.decode()
    assert 'value="Turkki (TR)"' in page
    data = form_fields(page)
    assert http.post(url, data).status_code == 302
    assessment.refresh_from_db()
    assert assessment.education == [first, second]
    data["education-1-country"] = "Turkmenia?"
    data["work_history-0-DELETE"] = "on"
    response = http.post(url, data)
    assert response.status_code == 400
    assert re.search(r'value="Turkmenia\?"', response.content.decode())
    assert 'value="hitsaus"' in response.content.decode()
    assessment.refresh_from_db()
    assert len(assessment.work_history) == 1  # nothing saved

    # Remove a row.
    data["education-1-country"] = "Turkki"
    response = http.post(url, data)
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.work_history == []
    assert assessment.education == [first, second]
