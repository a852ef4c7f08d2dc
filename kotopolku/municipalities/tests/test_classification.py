"""Statistics Finland's municipality classification: the shipped data, the refresh command and
the picker."""

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from kotopolku.municipalities.forms import MunicipalityCodeField
from kotopolku.municipalities.models import Municipality
from kotopolku.municipalities.selectors import Classification, municipality_picker

pytestmark = pytest.mark.django_db


def test_every_current_municipality_and_the_merged_codes_are_shipped():
    current = Municipality.objects.filter(valid_until__isnull=True)
    assert current.count() == 309  # 1.1.2021 onwards (Honkajoki merged into Kankaanpää)
    helsinki = Municipality.objects.get(code="091")
    assert (helsinki.name_fi, helsinki.name_sv) == ("Helsinki", "Helsingfors")
    assert set(current.values_list("code", flat=True)) >= {"106", "186", "505", "543", "611"}
    assert Municipality.objects.get(code="858").name_sv == "Tusby"
    classification = Classification.load()
    # Maaninka (476) was merged into Kuopio (297) on 1.1.2015.
    assert classification.valid_on("476", date(2014, 12, 31))
    assert not classification.valid_on("476", date(2015, 1, 1))
    assert Municipality.objects.get(code="476").merged_into == "297"
    # Sastamala (790) was formed in 2009.
    assert not classification.valid_on("790", date(2008, 12, 31))
    assert classification.valid_on("790", date(2009, 1, 1))
    assert classification.problem("999", date(2020, 1, 1)) == "unknown municipality code '999'"
    assert Municipality.objects.filter(valid_until__isnull=False).count() >= 100


def test_refresh_from_a_statistics_finland_file_ends_missing_codes(tmp_path):
    codes = list(
        Municipality.objects.filter(valid_until__isnull=True)
        .exclude(code="611")
        .values_list("code", "name_fi", "name_sv")
    )
    lines = ["KUNTA;NIMI;NAMN"] + [f"{int(c)};{fi};{sv}" for c, fi, sv in codes]
    lines.append("998;Uusikunta;Nykommun")
    path = tmp_path / "kunta_1_20270101.csv"
    path.write_bytes("\n".join(lines).encode("cp1252"))  # Windows-1252, as often published
    out = io.StringIO()
    call_command("municipalities_refresh", str(path), "--valid-from", "2027-01-01", stdout=out)
    assert "1 added" in out.getvalue()
    assert "1 ended" in out.getvalue()
    pornainen = Municipality.objects.get(code="611")
    assert pornainen.valid_until == date(2026, 12, 31)
    new = Municipality.objects.get(code="998")
    assert (new.valid_from, new.name_sv) == (date(2027, 1, 1), "Nykommun")
    assert Municipality.objects.get(code="005").name_fi == "Alajärvi"  # cp1252 read right


def test_refresh_refuses_a_file_without_codes(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("name;other\nx;y\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 1: header"):
        call_command("municipalities_refresh", str(path), stdout=io.StringIO())


def test_picker_lists_names_and_takes_names_or_codes():
    choices = dict(municipality_picker("sv"))
    assert choices["091"] == "Helsingfors (091)"
    assert choices["476"].startswith("Maaninka (476, –2014)")
    field = MunicipalityCodeField()
    assert field.clean("Helsinki (091)") == "091"
    assert field.clean("helsingfors") == "091"
    assert field.clean("186") == "186"
    with pytest.raises(ValidationError) as refused:
        field.clean("Atlantis")
    assert refused.value.code == "municipality"
    html = field.widget.render("municipality", "", {"id": "id_municipality"})
    assert 'list="id_municipality_options"' in html
    assert '<datalist id="id_municipality_options">' in html
