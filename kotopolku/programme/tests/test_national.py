"""National statistics beside programme indicators: Sotkanet and Statistics Finland (PxWeb
JSON-stat 2.0), from recorded files; the URL path through a fake fetch."""

import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation

from kotopolku.programme import national
from kotopolku.programme.document import programme_document
from kotopolku.programme.management.commands.import_national_indicator import Command
from kotopolku.programme.models import ContextSeries, ContextValue, Indicator, ProgrammeVersion
from kotopolku.programme.selectors import programme_content

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "national"
SOTKANET = FIXTURES / "sotkanet_3226.json"
STATFIN = FIXTURES / "statfin_vaerak_11rl.json"


def _json(path):
    return json.loads(path.read_text("utf-8"))


def test_fixtures_follow_their_schemas():
    national.check(_json(SOTKANET), "sotkanet.schema.json", "Bundle")
    national.check(_json(STATFIN), "jsonstat2.schema.json")
    broken = _json(SOTKANET)
    broken["data"][0]["gender"] = "both"
    with pytest.raises(national.NationalDataError, match="data/0/gender"):
        national.check(broken, "sotkanet.schema.json", "Bundle")
    dataset = _json(STATFIN)
    dataset["version"] = "1.0"
    with pytest.raises(national.NationalDataError):
        national.check(dataset, "jsonstat2.schema.json")


def test_sotkanet_reader_maps_regions_and_skips_hidden_values():
    data = national.read_sotkanet(_json(SOTKANET), areas=["186", "SSS"])
    assert data.source_reference == "3226"
    assert data.title["sv"].startswith("Andelen personer")
    assert {(r.area_code, r.period, r.value) for r in data.rows if r.area_code == "186"} == {
        ("186", "2021", Decimal("9.1000")),
        ("186", "2022", Decimal("9.9000")),
        ("186", "2023", Decimal("10.8000")),
    }
    assert {r.area_code for r in data.rows} == {"186", "SSS"}
    tuusula = national.read_sotkanet(_json(SOTKANET), areas=["858"])
    assert [r.period for r in tuusula.rows] == ["2021", "2022", "2023"]  # 2020 is null


def test_jsonstat_reader_walks_the_cube_in_row_major_order():
    data = national.read_jsonstat(_json(STATFIN), table="statfin_vaerak_pxt_11rl")
    cells = {(r.area_code, r.variant, r.period): r.value for r in data.rows}
    assert cells[("186", "Kieli=vieras", "2023")] == Decimal("4904")
    assert cells[("858", "Kieli=SSS", "2021")] == Decimal("39603")
    assert cells[("858", "Kieli=vieras", "2022")] == Decimal("2427")
    assert len(data.rows) == 12
    assert data.rows[0].area_name == {"fi": "Järvenpää"}
    # The object form of value (sparse) reads the same cells.
    sparse = _json(STATFIN)
    sparse["value"] = {str(i): v for i, v in enumerate(sparse["value"]) if i % 2 == 0}
    again = national.read_jsonstat(sparse, table="t")
    assert len(again.rows) == 6


def test_jsonstat_reader_refuses_a_cube_that_does_not_add_up():
    dataset = _json(STATFIN)
    dataset["value"] = dataset["value"][:-1]
    with pytest.raises(national.NationalDataError, match="11 values for 12 cells"):
        national.read_jsonstat(dataset, table="t")
    dataset = _json(STATFIN)
    dataset["dimension"]["Vuosi"]["category"]["index"] = {"2021M01": 0, "2022": 1, "2023": 2}
    with pytest.raises(national.NationalDataError, match="only years, quarters"):
        national.read_jsonstat(dataset, table="t")


def _indicator():
    return Indicator.objects.filter(archived=False).order_by("pk").first()


def test_command_imports_sotkanet_beside_the_indicator_and_replaces_on_reimport(demo):
    indicator = _indicator()
    out = StringIO()
    call_command(
        "import_national_indicator",
        indicator=indicator.pk,
        sotkanet=True,
        file=str(SOTKANET),
        area=["186"],
        retrieved="2026-11-30",
        stdout=out,
    )
    assert "stored 1 series, 3 values" in out.getvalue()
    series = ContextSeries.objects.get(indicator=indicator)
    assert series.source == "sotkanet"
    assert series.area_code == "186"
    assert series.retrieved_on.isoformat() == "2026-11-30"
    assert [v.period for v in series.values.all()] == ["2021", "2022", "2023"]
    # Again with all areas: the series is replaced, not doubled, and the others are added.
    call_command(
        "import_national_indicator",
        indicator=indicator.pk,
        sotkanet=True,
        file=str(SOTKANET),
        stdout=StringIO(),
    )
    assert ContextSeries.objects.filter(indicator=indicator).count() == 3
    assert ContextValue.objects.filter(series__indicator=indicator).count() == 9
    assert ContextSeries.objects.get(pk=series.pk).retrieved_on == timezone.localdate()


def test_bad_file_changes_nothing(demo, tmp_path):
    indicator = _indicator()
    bad = _json(STATFIN)
    bad["value"][3] = "many"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    with pytest.raises(CommandError, match="value/3") as failed:
        call_command(
            "import_national_indicator",
            indicator=indicator.pk,
            pxweb=True,
            file=str(path),
            stdout=StringIO(),
        )
    assert failed.value.returncode == 1
    assert not ContextSeries.objects.exists()
    with translation.override("en"), pytest.raises(CommandError, match="no values"):
        call_command(
            "import_national_indicator",
            indicator=indicator.pk,
            sotkanet=True,
            file=str(SOTKANET),
            area=["999"],
            stdout=StringIO(),
        )


def test_url_path_uses_the_fetch_it_is_given(demo, monkeypatch):
    asked = []
    bundle = _json(SOTKANET)
    dataset = _json(STATFIN)

    def fake_fetch(url, body):
        asked.append((url, body))
        if "/regions" in url:
            return bundle["regions"]
        if "/indicators/" in url:
            return bundle["indicator"]
        if "sotkanet" in url:
            return bundle["data"]
        return dataset

    monkeypatch.setattr(Command, "fetch", staticmethod(fake_fetch))
    indicator = _indicator()
    call_command(
        "import_national_indicator",
        indicator=indicator.pk,
        sotkanet=True,
        url="",
        sotkanet_indicator=3226,
        years="2021-2023",
        area=["SSS"],
        stdout=StringIO(),
    )
    assert asked[0][0].endswith(
        "json?indicator=3226&years=2021&years=2022&years=2023&genders=total"
    )
    call_command(
        "import_national_indicator",
        indicator=indicator.pk,
        pxweb=True,
        url="https://pxdata.example/PXWeb/api/v1/fi/StatFin/vaerak/statfin_vaerak_pxt_11rl.px",
        area=["186"],
        stdout=StringIO(),
    )
    px = ContextSeries.objects.get(source="statfin", variant="Kieli=vieras")
    assert px.source_reference == "statfin_vaerak_pxt_11rl.px"
    assert px.url.startswith("https://pxdata.example/")


def test_goal_page_dashboard_and_document_show_both(demo, client_for):
    indicator = _indicator()
    from kotopolku.programme.services import monitoring_entry_record

    monitoring_entry_record(
        actor=None, indicator=indicator, period="2023", value=Decimal("12.5"), comment=""
    )
    call_command(
        "import_national_indicator",
        indicator=indicator.pk,
        sotkanet=True,
        file=str(SOTKANET),
        area=["186"],
        stdout=StringIO(),
    )
    goal = indicator.goal
    page = client_for("coordinator").get(f"/programme/{goal.programme_id}/goals/{goal.pk}/")
    html = page.content.decode()
    assert "Vieraskielisten osuus väestöstä" in html
    assert "10,8" in html or "10.8" in html
    dashboard = client_for("viewer").get("/statistics/").content.decode()
    assert "Vieraskielisten osuus väestöstä" in dashboard
    content = programme_content(programme=goal.programme, day=timezone.localdate())
    found = [i for g in content["goals"] for i in g["indicators"] if i["id"] == indicator.pk][0]
    assert found["context"][0]["values"][-1] == {"period": "2023", "value": "10.8000"}
    version = ProgrammeVersion.objects.filter(programme=goal.programme).order_by("-number").first()
    document = programme_document(version=version, language="fi", day=timezone.localdate())
    text = json.dumps(
        document, default=lambda o: getattr(o, "__dict__", str(o)), ensure_ascii=False
    )
    assert "Sotkanet (THL)" in text
    assert "10,8" in text
