"""The statistics period is picked (a year or a quarter), not typed; CSV
exports open in Finnish and Swedish Excel and name their period and filters."""

import csv
import io

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_period_is_a_year_or_quarter_picker_in_the_language(client_for):
    http = client_for("coordinator")
    http.cookies["django_language"] = "fi"
    page = http.get("/statistics/?period=2025").content.decode()
    this_year = timezone.localdate().year
    assert '<select name="period"' in page
    assert f'<option value="{this_year}">' in page
    assert '<option value="2025" selected>' in page
    assert '<option value="2025-Q3">2025, 3. neljännes</option>' in page


def test_free_text_period_is_refused_with_a_clear_message(client_for):
    response = client_for("coordinator").get("/statistics/", {"period": "viime vuosi"})
    assert response.status_code in (200, 400)
    assert "2025-Q3" in response.content.decode()  # the message says what a period is


@pytest.mark.parametrize(("language", "delimiter"), [("fi", ";"), ("sv", ";"), ("en", ",")])
def test_csv_export_separator_and_file_name(client_for, language, delimiter):
    from kotopolku.organisations.models import Organisation

    http = client_for("coordinator")
    http.cookies["django_language"] = language
    tuusula = Organisation.objects.get(municipality_code="858")
    response = http.get(
        "/statistics/export/new_clients.csv",
        {"period": "2025-Q3", "municipality": tuusula.pk, "by": "age_band"},
    )
    assert response.status_code == 200
    assert "2025-Q3-858" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=delimiter))
    assert len(rows[0]) > 1  # the header splits into columns with this separator
