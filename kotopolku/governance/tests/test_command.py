import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from docx import Document as Docx
from pypdf import PdfReader

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["html", "docx", "pdf"])
def test_annual_report_writes_exactly_one_file(demo, tmp_path, fmt):
    out = tmp_path / f"report.{fmt}"
    call_command(
        "annual_report",
        "--region=keski-uusimaa",
        "--year=2025",
        "--language=sv",
        f"--format={fmt}",
        f"--output={out}",
        stdout=io.StringIO(),
    )
    assert [p.name for p in tmp_path.iterdir()] == [out.name]
    if fmt == "html":
        text = out.read_text()
    elif fmt == "docx":
        text = "\n".join(p.text for p in Docx(str(out)).paragraphs)
    else:
        text = "\n".join(page.extract_text() for page in PdfReader(str(out)).pages)
    assert "Programrapport 2025" in text
    assert "Mätare i förhållande till målen" in text


def test_unknown_region_exits_2_and_writes_nothing(demo, tmp_path):
    with pytest.raises(CommandError) as exc:
        call_command(
            "annual_report",
            "--region=kerava",
            "--year=2025",
            "--language=fi",
            "--format=pdf",
            f"--output={tmp_path / 'x.pdf'}",
        )
    assert exc.value.returncode == 2
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    "args",
    [
        ["--region=keski-uusimaa", "--year=2025", "--language=en", "--format=pdf"],
        ["--region=keski-uusimaa", "--year=20x5", "--language=fi", "--format=pdf"],
        ["--region=keski-uusimaa", "--language=fi", "--format=odt"],
    ],
)
def test_bad_arguments_exit_2_with_one_line(tmp_path, args):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["DEBUG"] = "true"
    result = subprocess.run(
        [sys.executable, "manage.py", "annual_report", *args, f"--output={tmp_path / 'r.pdf'}"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not list(tmp_path.iterdir())
