from kotopolku.access.matrix import STAFF_ROLES, Expect, api, public_page, staff_page
from kotopolku.organisations.models import Organisation


def _jarvenpaa():
    return {"pk": Organisation.objects.get(municipality_code="186").pk}


URL_ACCESS = {
    "home": staff_page(STAFF_ROLES),
    # A logged-in user who opens the log-in page is sent home.
    "login": public_page(302, per_role={"anonymous": 200}),
    "logout": public_page(405),  # POST only
    "set_language": public_page(302),
    "healthz": public_page(),
    "accessibility": public_page(),
    "privacy_notice": public_page(),
    "favicon": public_page(301),
    "readyz": public_page(),
    # Slow (seconds per role): drf-spectacular builds the whole OpenAPI schema.
    # With DEBUG off (as in tests) the schema and docs need a log-in (config/api_docs.py).
    "schema": api(STAFF_ROLES),
    "api-docs": staff_page(STAFF_ROLES),
    # Django's admin sends everyone but admins to its own log-in page.
    "admin:index": Expect(
        status={
            "anonymous": 302,
            "admin": 200,
            "coordinator": 302,
            "caseworker": 302,
            "provider": 302,
            "viewer": 302,
        }
    ),
    "api:organisation-list": api(STAFF_ROLES),
    "api:organisation-detail": api(STAFF_ROLES, kwargs=_jarvenpaa),
    "api:membership-list": api({"admin", "coordinator", "caseworker"}, kwargs=_jarvenpaa),
    "rules:list": staff_page({"admin", "coordinator"}),
    "audit:list": staff_page({"admin"}),
    "api:audit-list": api({"admin"}),
}
