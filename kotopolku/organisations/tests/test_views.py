import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kotopolku.audit.models import AuditEvent
from kotopolku.organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db

MUNICIPALITIES = ["Hyvinkää", "Järvenpää", "Mäntsälä", "Nurmijärvi", "Pornainen", "Tuusula"]


def jarvenpaa():
    return Organisation.objects.get(municipality_code="186")


def test_coordinator_sees_the_six_municipalities_on_home_and_list(client_for):
    client = client_for("coordinator")
    home = client.get(reverse("home")).content.decode()
    listing = client.get(reverse("organisations:list"), {"kind": "municipality"}).content.decode()
    for name in MUNICIPALITIES:
        assert name in home
        assert name in listing
    assert "Kerava" not in home


def test_swedish_names_in_swedish(client_for):
    client = client_for("coordinator")
    client.post(reverse("set_language"), {"language": "sv", "next": "/"})
    page = client.get(reverse("organisations:list")).content.decode()
    assert 'lang="sv"' in page
    for name in ["Träskända", "Tusby", "Hyvinge", "Borgnäs"]:
        assert name in page
    assert "Organisationer" in page


def test_search_by_name_and_code(client_for):
    client = client_for("coordinator")
    by_name = client.get(reverse("organisations:list"), {"q": "tuus"})
    assert [o.name for o in by_name.context["page"].object_list] == ["Tuusula"]
    by_code = client.get(reverse("organisations:list"), {"q": "543"})
    assert [o.municipality_code for o in by_code.context["page"].object_list] == ["543"]
    empty = client.get(reverse("organisations:list"), {"q": "Kerava"})
    assert empty.context["page"].paginator.count == 0
    assert "Haulla ei löytynyt organisaatioita" in empty.content.decode()


def test_list_query_count_does_not_grow_with_rows(client_for):
    client = client_for("coordinator")
    client.get(reverse("organisations:list"))
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("organisations:list"))
    Organisation.objects.create(kind="ngo", name="Extra ry", name_fi="Extra ry")
    with CaptureQueriesContext(connection) as second:
        client.get(reverse("organisations:list"))
    assert len(second) == len(first)
    assert len(first) <= 8


def test_detail_shows_members_to_coordinator_but_not_to_viewer(client_for):
    url = reverse("organisations:detail", kwargs={"pk": jarvenpaa().pk})
    assert "caseworker-jarvenpaa" in client_for("coordinator").get(url).content.decode()
    viewer_page = client_for("viewer").get(url)
    assert viewer_page.status_code == 200
    assert "caseworker-jarvenpaa" not in viewer_page.content.decode()


def test_coordinator_adds_and_removes_a_member(client_for, user_for):
    client = client_for("coordinator")
    org = jarvenpaa()
    tuusula_worker = user_for("caseworker").__class__.objects.get(username="caseworker-tuusula")
    response = client.post(
        reverse("organisations:membership_add", kwargs={"pk": org.pk}),
        {"user": tuusula_worker.pk, "role": "caseworker", "title": "Sijainen"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=tuusula_worker, organisation=org)
    assert AuditEvent.objects.filter(
        action="create", object_type="Membership", object_id=str(membership.pk)
    ).exists()

    remove_url = reverse(
        "organisations:membership_remove", kwargs={"pk": org.pk, "membership_pk": membership.pk}
    )
    confirm = client.get(remove_url)
    assert confirm.status_code == 200
    assert Membership.objects.filter(pk=membership.pk).exists()  # GET only asks
    assert client.post(remove_url).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_duplicate_membership_is_a_form_error_not_a_crash(client_for, user_for):
    client = client_for("coordinator")
    org = jarvenpaa()
    existing = user_for("caseworker")
    response = client.post(
        reverse("organisations:membership_add", kwargs={"pk": org.pk}),
        {"user": existing.pk, "role": "caseworker"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["user"]
    assert Membership.objects.filter(user=existing, organisation=org).count() == 1


def test_invalid_member_form_changes_nothing(client_for):
    client = client_for("coordinator")
    before = Membership.objects.count()
    response = client.post(
        reverse("organisations:membership_add", kwargs={"pk": jarvenpaa().pk}),
        {"user": "999999", "role": "emperor"},
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"user", "role"}
    assert Membership.objects.count() == before


def test_coordinator_cannot_manage_another_organisation(client_for):
    tuusula = Organisation.objects.get(municipality_code="858")
    response = client_for("coordinator").post(
        reverse("organisations:membership_add", kwargs={"pk": tuusula.pk}),
        {"user": "1", "role": "viewer"},
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(organisation=tuusula, role="viewer").exists()


def test_membership_of_other_organisation_is_404_not_removed(client_for):
    tuusula_membership = Membership.objects.get(user__username="caseworker-tuusula")
    url = reverse(
        "organisations:membership_remove",
        kwargs={"pk": jarvenpaa().pk, "membership_pk": tuusula_membership.pk},
    )
    assert client_for("admin").post(url).status_code == 404
    assert Membership.objects.filter(pk=tuusula_membership.pk).exists()
