"""Acceptance 2: the Finnish programme document from the demo data, as DOCX and PDF, read back."""

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext, override
from docx import Document as Docx
from pypdf import PdfReader

from kotopolku.documents.render import render_docx, render_pdf
from kotopolku.programme import selectors
from kotopolku.programme.document import programme_document
from kotopolku.programme.models import Programme

pytestmark = pytest.mark.django_db

SECTION_HEADINGS = [
    "Purpose and legal basis",
    "Region and parties",
    "The service package",
    "Policy lines",
    "Goals, measures and indicators",
    "Monitoring and reporting",
    "Approval history",
]


def _flat(text: str) -> str:
    return " ".join(text.split())


def _demo_version(number=None):
    programme = Programme.objects.get(name_fi="Keski-Uudenmaan kotoutumisohjelma")
    return selectors.document_version(programme=programme, number=number)


def _headings_in(language):
    with override(language):
        return [f"{n} {gettext(h)}" for n, h in enumerate(SECTION_HEADINGS, start=1)]


def test_finnish_headings_are_translated(demo):
    headings = _headings_in("fi")
    assert headings[0] == "1 Tarkoitus ja oikeusperusta"
    assert _headings_in("sv")[0] == "1 Syfte och rättslig grund"


def test_docx_has_word_headings_tables_and_every_service(demo):
    version = _demo_version()
    document = programme_document(version=version, language="fi", day=timezone.localdate())
    docx = Docx(io.BytesIO(render_docx(document)))
    headings = [p.text for p in docx.paragraphs if p.style.name == "Heading 1"]
    for heading in _headings_in("fi"):
        assert heading in headings
    assert len(docx.tables) >= 20
    table_text = {cell.text for table in docx.tables for row in table.rows for cell in row.cells}
    for service in version.content["services"]:
        assert service["name"]["fi"] in table_text
    # The header and the page-number field are there for every page.
    section = docx.sections[0]
    assert "Keski-Uudenmaan kotoutumisohjelma" in section.header.paragraphs[0].text
    assert "PAGE" in section.footer.paragraphs[0]._p.xml


def test_pdf_shows_every_heading_and_service_with_page_numbers(demo):
    version = _demo_version()
    document = programme_document(version=version, language="fi", day=timezone.localdate())
    reader = PdfReader(io.BytesIO(render_pdf(document)))
    pages = [page.extract_text() for page in reader.pages]
    text = _flat(" ".join(pages))
    for heading in _headings_in("fi"):
        assert heading in text
    for service in version.content["services"]:
        assert _flat(service["name"]["fi"]) in text
    total = len(pages)
    assert total > 5
    for number, page in enumerate(pages, start=1):
        assert re.search(rf"{number} / {total}", page), number
        assert "Keski-Uudenmaan kotoutumisohjelma 2025–2028" in _flat(page)


def test_swedish_document_uses_swedish_names(demo):
    version = _demo_version()
    document = programme_document(version=version, language="sv", day=timezone.localdate())
    text = _flat(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(document))).pages)
    )
    assert "Integrationsprogrammet för Mellersta Nyland" in text
    assert "Träskända" in text
    assert "Flerspråkig samhällsorientering" in text
    for heading in _headings_in("sv"):
        assert heading in text


def test_command_writes_one_file_per_format(demo, tmp_path):
    for fmt in ("html", "docx", "pdf"):
        target = tmp_path / f"ohjelma.{fmt}"
        call_command("programme_document", language="fi", fmt=fmt, output=target)
        assert target.stat().st_size > 1000
    assert len(list(tmp_path.iterdir())) == 3
    # Without --version: the latest approved version, which predates the 2025 figures.
    assert "Ennakkotieto" not in (tmp_path / "ohjelma.html").read_text()
    draft = tmp_path / "draft.html"
    call_command("programme_document", number=2, language="fi", fmt="html", output=draft)
    assert "Ennakkotieto" in draft.read_text()


def test_command_bad_arguments_exit_with_status_2(demo, tmp_path):
    with pytest.raises(CommandError) as missing:
        call_command(
            "programme_document", number=99, language="fi", fmt="pdf", output=tmp_path / "x.pdf"
        )
    assert missing.value.returncode == 2
    with pytest.raises(CommandError) as folder:
        call_command(
            "programme_document", language="fi", fmt="pdf", output=tmp_path / "no" / "x.pdf"
        )
    assert folder.value.returncode == 2
    assert not list(tmp_path.iterdir())


def test_command_line_errors_are_one_line_with_status_2(demo, tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "programme_document",
            "--language",
            "de",
            "--format",
            "pdf",
            "--output",
            str(tmp_path / "x.pdf"),
        ],
        capture_output=True,
        text=True,
        env={"DJANGO_SETTINGS_MODULE": "kotopolku.config.settings_test", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_later_app_can_add_a_frozen_section(demo, monkeypatch):
    from kotopolku.documents.model import Paragraph, Section
    from kotopolku.programme import document as doc_module

    # Start from the programme's own sections, without those other apps registered.
    own = [b for b in doc_module.SECTIONS if b.__module__ == doc_module.__name__]
    monkeypatch.setattr(doc_module, "SECTIONS", own)
    monkeypatch.setattr(selectors, "CONTENT_PROVIDERS", {})

    def working_groups(ctx):
        groups = ctx.content.get("working_groups")
        if not groups:
            return None  # a version frozen before the groups existed
        return Section("Työryhmät", [Paragraph(", ".join(groups))])

    doc_module.register_section(working_groups, after="_goals")
    selectors.register_content("working_groups", lambda programme, day: ["Yhteistyöryhmä"])

    approved = _demo_version(1)
    titles = [
        s.title
        for s in programme_document(
            version=approved, language="fi", day=timezone.localdate()
        ).sections
    ]
    assert "Työryhmät" not in titles
    draft = _demo_version(2)
    titles = [
        s.title
        for s in programme_document(version=draft, language="fi", day=timezone.localdate()).sections
    ]
    assert titles.index("Työryhmät") == titles.index(_headings_in("fi")[4][2:]) + 1


@pytest.mark.skipif(
    not __import__("shutil").which("soffice") and not __import__("os").environ.get("KOTOPOLKU_CI"),
    reason="LibreOffice is not installed (CI installs it from .ci/apt-packages.txt)",
)
def test_libreoffice_converts_the_docx(demo, tmp_path):
    import subprocess

    version = _demo_version()
    document = programme_document(version=version, language="fi", day=timezone.localdate())
    source = tmp_path / "ohjelma.docx"
    source.write_bytes(render_docx(document))
    result = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    converted = PdfReader(str(tmp_path / "ohjelma.pdf"))
    text = _flat(" ".join(page.extract_text() for page in converted.pages))
    for heading in _headings_in("fi"):
        assert heading in text
