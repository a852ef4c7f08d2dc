import pytest
from django.core.management import call_command

from kotopolku.governance.models import WorkingGroup
from kotopolku.programme.models import ProgrammeVersion

pytestmark = pytest.mark.django_db


def _render(tmp_path, version: ProgrammeVersion, language: str) -> str:
    out = tmp_path / f"doc-{version.number}-{language}.html"
    call_command(
        "programme_document",
        "--version",
        str(version.number),
        "--language",
        language,
        "--format",
        "html",
        "--output",
        str(out),
    )
    return out.read_text()


def test_draft_programme_document_has_the_working_groups_section(demo, tmp_path):
    draft = ProgrammeVersion.objects.filter(status=ProgrammeVersion.Status.DRAFT).get()
    groups = list(WorkingGroup.objects.filter(archived=False))
    assert len(groups) == 2
    finnish = _render(tmp_path, draft, "fi")
    assert "Työryhmät ja niiden tehtävät" in finnish
    swedish = _render(tmp_path, draft, "sv")
    assert "Arbetsgrupper och deras uppgifter" in swedish
    for group in groups:
        assert group.name_fi in finnish
        assert (group.name_sv or group.name_fi) in swedish


def test_approved_version_stays_as_it_was_frozen(demo, tmp_path):
    approved = ProgrammeVersion.objects.filter(status=ProgrammeVersion.Status.APPROVED).first()
    assert approved is not None
    html = _render(tmp_path, approved, "sv")
    assert "Arbetsgrupper och deras uppgifter" not in html
