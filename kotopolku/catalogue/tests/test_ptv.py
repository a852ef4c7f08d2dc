"""PTV sync and export, replayed from the recorded fixtures (no network)."""

import copy
import json
from io import StringIO
from pathlib import Path

import jsonschema
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from kotopolku.catalogue.models import PtvOrganisation, PtvSyncRun, Service, ServiceChannel
from kotopolku.catalogue.ptv.client import FixtureTransport
from kotopolku.catalogue.ptv.export import service_document, service_problems
from kotopolku.catalogue.ptv.sync import changing, ptv_sync_apply, sync_organisation, validator
from kotopolku.organisations.models import Organisation

FIXTURES = Path(__file__).parent / "fixtures" / "ptv"
ORG = "7d5b4a2e-1f3c-4e8a-9b6d-2c1e0f9a8b71"
S1 = "0b7e3c1a-5d2f-4a8e-b1c9-6f4d2e8a1b30"
S2 = "3c9f6a2d-8e1b-4c7a-a5d3-9b2e7f1c4d62"
C1 = "5a1d9e4f-2b7c-4d8a-9e3f-1c6b8a2d7e54"


def _load(name):
    return json.loads((FIXTURES / name).read_text("utf-8"))


class EditedTransport(FixtureTransport):
    """The recorded answers, with a change made to them in the test."""

    def __init__(self, edit):
        super().__init__(FIXTURES)
        self.edit = edit

    def __call__(self, path):
        body = copy.deepcopy(super().__call__(path))
        self.edit(path, body)
        return body


def test_fixtures_follow_the_v11_schema():
    assert validator("Organization").is_valid(_load("organization.json"))
    services = _load("services_page1.json")
    channels = _load("channels_page1.json")
    validator("ServicesWithPaging").validate(services)
    validator("ServiceChannelsWithPaging").validate(channels)
    assert {c["serviceChannelType"] for c in channels["itemList"]} == {
        "ServiceLocation",
        "Phone",
        "EChannel",
    }
    # The schema can fail: a service without names or with an unknown area type is refused.
    broken = copy.deepcopy(services["itemList"][0])
    broken["areaType"] = "Everywhere"
    assert not validator("Service").is_valid(broken)
    del broken["serviceNames"]
    assert not validator("Service").is_valid(broken)


def test_dry_run_lists_changes_and_changes_nothing(demo):
    before = Service.objects.count()
    run = sync_organisation(ORG, dry_run=True, transport=FixtureTransport(FIXTURES))
    assert run.status == PtvSyncRun.Status.PREVIEWED
    creates = {(c["kind"], c["ptv_id"]) for c in run.changes if c["action"] == "create"}
    assert ("service", S1) in creates
    assert ("service", S2) in creates
    assert ("organisation", ORG) in creates
    assert ("channel", C1) in creates
    assert Service.objects.count() == before
    assert not PtvOrganisation.objects.exists()


def test_apply_creates_services_and_a_second_run_changes_nothing(demo):
    run = sync_organisation(ORG, dry_run=False, transport=FixtureTransport(FIXTURES))
    assert run.status == PtvSyncRun.Status.APPLIED, run.error
    service = Service.objects.get(ptv_id=S1)
    assert service.name_fi == "Maahanmuuttajien ohjaus ja neuvonta"
    assert service.name_sv == "Handledning och rådgivning för invandrare"
    assert service.description_fi.startswith("Ohjaamme ja neuvomme")
    assert service.language_codes == ["ar", "en", "fi", "sv"]
    assert [m.municipality_code for m in service.municipalities.all()] == ["186"]
    assert service.responsible_organisation == Organisation.objects.get(municipality_code="186")
    assert [c["code"] for c in service.ptv_classification["service_classes"]] == ["P10.1"]
    assert service.ptv_classification["target_groups"][0]["code"] == "KR1"
    assert len(service.ptv_classification["ontology_terms"]) == 2
    location = service.channels.get(ptv_id=C1)
    assert location.kind == ServiceChannel.Kind.LOCATION
    assert location.value == "Seutulantie 11, 04400 JÄRVENPÄÄ"
    assert location.details_sv == "Integrationstjänster, Träskända"
    assert location.opening_hours[0]["days"][0] == {
        "day": "Monday",
        "until_day": "",
        "from": "09:00",
        "to": "15:00",
    }
    assert location.opening_hours[1]["closed"] is True
    phone = service.channels.get(kind=ServiceChannel.Kind.PHONE)
    assert phone.value == "+358 92 123 4567"
    # The shared location channel belongs to both services.
    assert Service.objects.get(ptv_id=S2).channels.filter(ptv_id=C1).exists()
    assert PtvOrganisation.objects.get(ptv_id=ORG).organisation.municipality_code == "186"

    again = sync_organisation(ORG, dry_run=False, transport=FixtureTransport(FIXTURES))
    assert changing(again.changes) == []
    assert Service.objects.filter(ptv_id__in=[S1, S2]).count() == 2


def test_local_fields_are_kept(demo, user_for):
    sync_organisation(ORG, dry_run=False, transport=FixtureTransport(FIXTURES))
    service = Service.objects.get(ptv_id=S1)
    # Local edits: a better Finnish name, a category, a capacity, a local channel.
    Service.objects.filter(pk=service.pk).update(
        name_fi="Kotoutumisneuvonta", category_id="guidance", capacity=120
    )
    ServiceChannel.objects.create(service=service, kind="web", value="https://kunta.example/")

    def edit(path, body):
        if path.startswith("Service/"):
            item = body["itemList"][0]
            item["serviceNames"][0]["value"] = "Uusi nimi PTV:ssä"
            item["serviceNames"][1]["value"] = "Nytt namn i PTV"
        if path.startswith("ServiceChannel/"):
            body["itemList"] = [c for c in body["itemList"] if c["serviceChannelType"] != "Phone"]

    run = sync_organisation(ORG, dry_run=True, transport=EditedTransport(edit))
    actions = {(c["action"], c["kind"], c["field"]) for c in run.changes}
    assert ("keep_local", "service", "name_fi") in actions
    assert ("update", "service", "name_sv") in actions
    assert ("delete", "channel", "") in actions
    ptv_sync_apply(actor=user_for("coordinator"), run=run)
    service.refresh_from_db()
    assert service.name_fi == "Kotoutumisneuvonta"
    assert service.name_sv == "Nytt namn i PTV"
    assert service.category_id == "guidance"
    assert service.capacity == 120
    assert service.channels.filter(ptv_id="", value="https://kunta.example/").exists()
    assert not service.channels.filter(kind=ServiceChannel.Kind.PHONE).exists()
    run.refresh_from_db()
    with pytest.raises(Exception, match="previewed"):
        ptv_sync_apply(actor=None, run=run)


def test_data_outside_the_model_changes_nothing(demo):
    def edit(path, body):
        if path.startswith("Service/"):
            body["itemList"][1]["serviceNames"] = []

    run = sync_organisation(ORG, dry_run=False, transport=EditedTransport(edit))
    assert run.status == PtvSyncRun.Status.FAILED
    assert "services[1]/serviceNames" in run.error
    assert not Service.objects.filter(ptv_id__in=[S1, S2]).exists()
    assert sync_organisation("not-a-uuid", False, transport=FixtureTransport(FIXTURES)).status == (
        PtvSyncRun.Status.FAILED
    )


def test_command_dry_run_then_apply(demo):
    out = StringIO()
    call_command(
        "ptv_sync",
        organisation=ORG,
        dry_run=True,
        fixtures=str(FIXTURES),
        format="json",
        stdout=out,
    )
    listed = json.loads(out.getvalue())
    assert listed["dry_run"] is True
    assert listed["changes"]
    assert not Service.objects.filter(ptv_id=S1).exists()
    call_command("ptv_sync", organisation=ORG, fixtures=str(FIXTURES), stdout=StringIO())
    out = StringIO()
    call_command("ptv_sync", organisation=ORG, dry_run=True, fixtures=str(FIXTURES), stdout=out)
    assert out.getvalue().strip().endswith(f"0 would change; run {PtvSyncRun.objects.first().pk}")
    with pytest.raises(CommandError) as failed:
        call_command("ptv_sync", organisation="0" * 8, fixtures=str(FIXTURES), stdout=StringIO())
    assert failed.value.returncode == 1


def test_export_validates_against_the_schema(demo, tmp_path):
    sync_organisation(ORG, dry_run=False, transport=FixtureTransport(FIXTURES))
    service = Service.objects.get(ptv_id=S1)
    document = service_document(service)
    assert service_problems(document) == []
    validator("ServiceIn").validate(document)
    assert document["mainResponsibleOrganization"] == ORG
    assert document["areas"] == [{"type": "Municipality", "areaCodes": ["186"]}]
    assert {"type": "Name", "language": "sv", "value": service.name_sv} in document["serviceNames"]
    path = tmp_path / "service.json"
    call_command("ptv_export", service=service.pk, output=str(path))
    assert json.loads(path.read_text("utf-8")) == document
    # Against the schema itself, not only through our helper.
    schema = json.loads((FIXTURES.parents[2] / "ptv" / "ptv_v11.schema.json").read_text())
    jsonschema.validate(document, {"$ref": "#/$defs/ServiceIn", "$defs": schema["$defs"]})


def test_export_of_a_local_service_names_what_ptv_lacks(demo):
    local = Service.objects.filter(ptv_id="", archived=False).first()
    with translation.override("en"):
        problems = service_problems(service_document(local))
    assert any("service class" in p for p in problems)
    with pytest.raises(CommandError) as failed:
        call_command("ptv_export", service=local.pk, stdout=StringIO())
    assert failed.value.returncode == 1


def test_coordinator_previews_then_applies_on_the_page(demo, client_for, settings):
    settings.PTV_API_URL = f"file://{FIXTURES}"
    coordinator = client_for("coordinator")
    page = coordinator.get("/catalogue/ptv/")
    assert page.status_code == 200
    response = coordinator.post("/catalogue/ptv/", {"organisation": ORG})
    assert response.status_code == 302
    preview = coordinator.get(response["Location"])
    assert "Maahanmuuttajien ohjaus ja neuvonta" in preview.content.decode()
    assert not Service.objects.filter(ptv_id=S1).exists()
    coordinator.post(response["Location"])
    service = Service.objects.get(ptv_id=S1)
    detail = coordinator.get(f"/catalogue/{service.pk}/").content.decode()
    assert "Seutulantie 11" in detail
    assert "09:00–15:00" in detail
    exported = coordinator.get(f"/catalogue/{service.pk}/ptv.json")
    assert exported.status_code == 200
    validator("ServiceIn").validate(exported.json())
    # Editing the service here keeps the PTV channels as they are.
    assert service.channels.exclude(ptv_id="").count() == 2
    bad = coordinator.post("/catalogue/ptv/", {"organisation": "no"})
    assert bad.status_code == 200
    assert PtvSyncRun.objects.filter(status="failed").exists()
    assert client_for("caseworker").get("/catalogue/ptv/").status_code == 403


def test_editing_a_synced_service_keeps_its_ptv_channels(demo, user_for):
    from kotopolku.catalogue.services import service_input_from, service_update

    sync_organisation(ORG, dry_run=False, transport=FixtureTransport(FIXTURES))
    service = Service.objects.get(ptv_id=S1)
    data = service_input_from(service)
    assert data.channels == []
    data.capacity = 30
    service_update(actor=user_for("coordinator"), service=service, data=data)
    assert service.channels.exclude(ptv_id="").count() == 2
    again = sync_organisation(ORG, dry_run=True, transport=FixtureTransport(FIXTURES))
    assert changing(again.changes) == []


def test_the_nightly_schedule_syncs_named_and_known_organisations(demo, settings):
    from kotopolku.catalogue.tasks import organisations_to_sync, ptv_sync_all
    from kotopolku.jobs.schedules import by_name

    settings.PTV_API_URL = FIXTURES.as_uri()  # recorded answers, as an offline installation
    settings.PTV_ORGANISATIONS = [ORG, "not-a-uuid"]
    # The schedule runs the task; the immediate backend of the tests runs it at once.
    result = by_name("ptv_sync").enqueue()
    assert result.return_value == "2 organisation(s), 1 failed"
    applied = PtvSyncRun.objects.get(organisation_ptv_id=ORG)
    assert applied.status == PtvSyncRun.Status.APPLIED
    assert Service.objects.filter(ptv_id__in=[S1, S2]).count() == 2
    assert PtvSyncRun.objects.filter(status=PtvSyncRun.Status.FAILED).count() == 1
    # Once matched to a local organisation, the organisation is read every night without
    # being named in the settings.
    settings.PTV_ORGANISATIONS = []
    assert organisations_to_sync() == [ORG]
    assert ptv_sync_all.call() == "1 organisation(s), 0 failed"
