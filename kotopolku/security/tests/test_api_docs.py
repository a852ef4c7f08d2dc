"""With DEBUG off the API schema and docs need a log-in, or API_DOCS_PUBLIC (docs/security.md)."""

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=False, API_DOCS_PUBLIC=False)
def test_in_production_the_schema_and_docs_need_a_log_in(demo, client_for, user_for):
    anonymous = Client()
    schema = anonymous.get("/api/schema/")
    assert schema.status_code in (401, 403)
    assert b"openapi" not in schema.content
    docs = anonymous.get("/api/docs/")
    assert docs.status_code == 302
    assert docs["Location"].startswith("/login/")
    # Signed in with a session, or with an API token, they are there.
    signed_in = client_for("viewer")
    assert signed_in.get("/api/schema/").status_code == 200
    assert signed_in.get("/api/docs/").status_code == 200
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=user_for("viewer"))
    with_token = Client(HTTP_AUTHORIZATION=f"Token {token.key}").get("/api/schema/")
    assert with_token.status_code == 200
    assert b"openapi" in with_token.content


@override_settings(DEBUG=False, API_DOCS_PUBLIC=True)
def test_a_setting_publishes_them():
    assert Client().get("/api/schema/").status_code == 200
    assert Client().get("/api/docs/").status_code == 200


@override_settings(DEBUG=True, API_DOCS_PUBLIC=False)
def test_in_development_they_are_open():
    assert Client().get("/api/schema/").status_code == 200
