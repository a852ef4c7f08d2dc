"""The main navigation links a page only for the roles that may open it."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "linked"),
    [
        ("coordinator", True),
        ("admin", True),
        ("caseworker", False),
        ("provider", False),
        ("viewer", False),
    ],
)
def test_privacy_overview_is_in_the_navigation_of_those_who_may_open_it(client_for, role, linked):
    http = client_for(role)
    html = http.get(reverse("home")).content.decode()
    url = reverse("privacy:overview")
    assert (f'href="{url}"' in html) is linked
    assert http.get(url).status_code == (200 if linked else 403)
