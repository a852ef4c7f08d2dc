import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kotopolku.audit.models import AuditEvent
from kotopolku.catalogue.models import Service
from kotopolku.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def _post_data(**extra):
    jarvenpaa = Organisation.objects.get(municipality_code="186")
    tuusula = Organisation.objects.get(municipality_code="858")
    data = {
        "name_fi": "Kotoutumisen kesäkoulu",
        "name_sv": "Integrationens sommarskola",
        "name_en": "",
        "description_fi": "Kesän kielikurssi nuorille.",
        "description_sv": "Sommarens språkkurs för unga.",
        "category": "language_studies",
        "responsible_organisation": jarvenpaa.pk,
        "municipalities": [jarvenpaa.pk, tuusula.pk],
        "target_groups": ["minors"],
        "languages": "fi, sv, ar",
        "capacity": "40",
        "active_from": "2025-01-01",
        "active_to": "",
        "ptv_id": "",
        "channel_location": "Kirkkotie 1, Järvenpää",
        "channel_location_details_fi": "ovi B",
        "channel_location_details_sv": "dörr B",
        "channel_location_details_en": "",
        "channel_web": "https://example.fi/kesakoulu",
    }
    data.update(extra)
    return data


def _public(client, language):
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    return client.get(reverse("catalogue:public")).content.decode()


def test_coordinator_adds_service_in_two_languages_and_archives_it(client_for):
    coordinator = client_for("coordinator")
    response = coordinator.post(reverse("catalogue:create"), _post_data())
    assert response.status_code == 302
    service = Service.objects.get(name_fi="Kotoutumisen kesäkoulu")
    assert service.name_sv == "Integrationens sommarskola"
    assert service.language_codes == ["ar", "fi", "sv"]
    assert {m.municipality_code for m in service.municipalities.all()} == {"186", "858"}
    assert [(c.kind, c.details_sv) for c in service.channels.all()] == [
        ("location", "dörr B"),
        ("web", ""),
    ]

    public = client_for("anonymous")
    assert "Kotoutumisen kesäkoulu" in _public(public, "fi")
    swedish = _public(public, "sv")
    assert "Integrationens sommarskola" in swedish
    assert "Kotoutumisen kesäkoulu" not in swedish

    archive_url = reverse("catalogue:archive", kwargs={"pk": service.pk})
    assert coordinator.get(archive_url).status_code == 200  # the confirmation step
    service.refresh_from_db()
    assert not service.archived
    assert coordinator.post(archive_url).status_code == 302
    service.refresh_from_db()
    assert service.archived
    assert "Kotoutumisen kesäkoulu" not in _public(public, "fi")
    assert "Integrationens sommarskola" not in _public(public, "sv")

    audited = list(
        AuditEvent.objects.filter(object_type="Service", object_id=str(service.pk))
        .order_by("id")
        .values_list("action", "reason", "actor__username")
    )
    assert audited == [
        ("create", "language_studies", "coordinator"),
        ("update", "archive", "coordinator"),
    ]


def test_edit_changes_the_service_and_is_audited(client_for):
    client = client_for("coordinator")
    service = Service.objects.get(name_fi="Hyvinkään kotoutumisneuvonta")
    edit = client.get(reverse("catalogue:edit", kwargs={"pk": service.pk}))
    assert edit.status_code == 200
    assert edit.context["form"].initial["languages"] == ["en", "fa", "fi", "ru"]
    data = _post_data(name_fi="Hyvinkään kotoutumisneuvonta ja ohjaus", category="guidance")
    assert (
        client.post(reverse("catalogue:edit", kwargs={"pk": service.pk}), data).status_code == 302
    )
    service.refresh_from_db()
    assert service.name_fi == "Hyvinkään kotoutumisneuvonta ja ohjaus"
    assert AuditEvent.objects.filter(
        object_type="Service", object_id=str(service.pk), action="update"
    ).exists()


def test_edit_form_shows_the_dates_to_the_date_input(client_for):
    """A date input shows only an ISO value: a Finnish "1.1.2025" left it empty, and saving
    the form then failed on a date the user never touched."""
    client = client_for("coordinator")
    service = Service.objects.get(name_fi="Hyvinkään kotoutumisneuvonta")
    page = client.get(reverse("catalogue:edit", kwargs={"pk": service.pk})).content.decode()
    assert f'name="active_from" value="{service.active_from.isoformat()}"' in page


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name_fi", ""),
        ("languages", "fi, suomi, haltiakieli"),
        ("active_to", "2024-01-01"),
        ("ptv_id", "not-a-uuid"),
        ("channel_web", "javascript:alert(1)"),
        ("category", "no_such_category"),
    ],
)
def test_bad_input_is_a_form_error_and_changes_nothing(client_for, field, value):
    before = Service.objects.count()
    response = client_for("coordinator").post(
        reverse("catalogue:create"), _post_data(**{field: value})
    )
    assert response.status_code == 400
    assert response.context["form"].errors
    assert Service.objects.count() == before


def test_only_coordinators_write(client_for):
    for role in ("caseworker", "viewer", "provider", "admin"):
        response = client_for(role).post(reverse("catalogue:create"), _post_data())
        assert response.status_code == 403, role
    assert not Service.objects.filter(name_fi="Kotoutumisen kesäkoulu").exists()


def test_staff_list_search_filters_and_empty_state(client_for):
    client = client_for("viewer")
    page = client.get(reverse("catalogue:list"), {"q": "terveydenhoitaja"})
    assert [s.name_fi for s in page.context["page"].object_list] == [
        "Maahanmuuttaneiden terveydenhoitajan vastaanotto"
    ]
    by_language = client.get(reverse("catalogue:list"), {"language": "so"})
    assert {s.category_id for s in by_language.context["page"].object_list} >= {"guidance"}
    assert all("so" in s.language_codes for s in by_language.context["page"].object_list)
    nothing = client.get(reverse("catalogue:list"), {"q": "zzzz"})
    assert nothing.context["page"].paginator.count == 0
    assert "empty-state" in nothing.content.decode()


def test_public_page_filters_by_municipality_and_language(client_for):
    client = client_for("anonymous")
    pornainen = client.get(reverse("catalogue:public"), {"municipality": "611"})
    names = {s.name_fi for _, services in pornainen.context["groups"] for s in services}
    assert "Maahanmuuttajien ohjaus- ja neuvontapiste Järvenpää" in names
    assert "Hyvinkään kotoutumisneuvonta" not in names
    swedish = client.get(reverse("catalogue:public"), {"language": "sv"})
    for _, services in swedish.context["groups"]:
        assert all("sv" in s.language_codes for s in services)
    junk = client.get(reverse("catalogue:public"), {"municipality": "<x>", "language": "1234"})
    assert junk.status_code == 200


def test_list_and_public_query_counts_do_not_grow(client_for):
    client = client_for("coordinator")
    for url in (reverse("catalogue:list"), reverse("catalogue:public")):
        client.get(url)
        with CaptureQueriesContext(connection) as first:
            client.get(url)
        client.post(reverse("catalogue:create"), _post_data(name_fi=f"Uusi palvelu {url}"))
        with CaptureQueriesContext(connection) as second:
            client.get(url)
        assert len(second) == len(first), url
        assert len(first) <= 16


def test_completeness_flags_category_once_last_service_is_archived(client_for):
    client = client_for("coordinator")
    page = client.get(reverse("catalogue:completeness"))
    assert not [w for w in page.context["warnings"] if w.category.code == "literacy"]
    literacy = Service.objects.get(category_id="literacy", archived=False)
    client.post(reverse("catalogue:archive", kwargs={"pk": literacy.pk}))
    page = client.get(reverse("catalogue:completeness"))
    flagged = [(w.category.code, w.code) for w in page.context["warnings"]]
    assert ("literacy", "no_active_service") in flagged
    assert literacy.category.name in page.content.decode()


def test_languages_of_service_by_name_are_stored_as_codes(client_for):
    response = client_for("coordinator").post(
        reverse("catalogue:create"), _post_data(languages="suomi, englanti")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    service = Service.objects.order_by("-pk").first()
    assert service.language_codes == ["en", "fi"]


def test_unknown_language_of_service_is_named_and_nothing_saved(client_for):
    before = Service.objects.count()
    response = client_for("coordinator").post(
        reverse("catalogue:create"), _post_data(languages="suomi, haltiakieli")
    )
    assert response.status_code == 400
    assert "haltiakieli" in str(response.context["form"].errors["languages"])
    assert 'value="suomi, haltiakieli"' in response.content.decode()
    assert Service.objects.count() == before


def test_public_catalogue_names_each_language_in_itself(client_for):
    service = Service.objects.get(name_fi="Hyvinkään kotoutumisneuvonta")
    service.languages.create(code="ar")
    page = client_for("anonymous").get(reverse("catalogue:public")).content.decode()
    assert '<span lang="ar" dir="rtl">العربية</span> (Arabia)' in page
    assert '<span lang="ru" dir="ltr">Русский</span> (Venäjä)' in page
