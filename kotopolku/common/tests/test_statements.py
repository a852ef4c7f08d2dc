"""The accessibility statement (Act 306/2019) and the privacy notice (GDPR
art. 13–14) in fi, sv and en, linked from every page's footer, editable by an administrator;
and a favicon."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from kotopolku.common.models import Statement

pytestmark = pytest.mark.django_db

TITLES = {
    "fi": ("Saavutettavuusseloste", "Tietosuojaseloste"),
    "sv": ("Tillgänglighetsutlåtande", "Dataskyddsbeskrivning"),
    "en": ("Accessibility statement", "Privacy notice"),
}


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_both_statements_are_public_and_in_the_language(client, demo, language):
    client.cookies["django_language"] = language
    accessibility, privacy = TITLES[language]
    page = client.get(reverse("accessibility")).content.decode()
    assert f"<h1>{accessibility}</h1>" in page
    assert "306/2019" in page
    page = client.get(reverse("privacy_notice")).content.decode()
    assert f"<h1>{privacy}</h1>" in page
    assert "13" in page
    assert "<h2>" in page  # the administrator's ## lines are headings


@pytest.mark.parametrize("role", ["anonymous", "caseworker", "provider", "viewer", "admin"])
def test_every_page_footer_links_both_statements(client_for, role):
    http = client_for(role)
    url = reverse("login") if role == "anonymous" else reverse("home")
    page = http.get(url).content.decode()
    footer = page[page.index('<footer class="site-footer">') :]
    assert f'href="{reverse("accessibility")}"' in footer
    assert f'href="{reverse("privacy_notice")}"' in footer


def test_an_administrator_edits_the_statement_and_the_page_shows_it(client_for):
    statement = Statement.objects.get(kind="accessibility")
    admin = client_for("admin")
    url = reverse("admin:common_statement_change", args=[statement.pk])
    form = admin.get(url)
    assert form.status_code == 200
    data = {
        "title_fi": "Saavutettavuusseloste",
        "title_sv": "Tillgänglighetsutlåtande",
        "title_en": "Accessibility statement",
        "body_fi": "## Palaute\nKirjoita osoitteeseen saavutettavuus@jarvenpaa.fi.",
        "body_sv": "## Respons\nSkriv till saavutettavuus@jarvenpaa.fi.",
        "body_en": "## Feedback\nWrite to saavutettavuus@jarvenpaa.fi.",
    }
    response = admin.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client_for("anonymous").get(reverse("accessibility")).content.decode()
    assert "saavutettavuus@jarvenpaa.fi" in page
    # Only an administrator may edit: a coordinator does not reach the admin.
    assert client_for("coordinator").get(url).status_code == 302


def test_favicon_is_linked_and_served(client_for):
    page = client_for("anonymous").get(reverse("login")).content.decode()
    assert 'rel="icon"' in page
    response = client_for("anonymous").get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.ico")
    assert finders.find("favicon.ico")
    assert finders.find("favicon.svg")
