"""Lint is part of the suite, so CI fails on it: ruff over the tree, mypy on the typed core."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent


def test_ruff_check_is_clean():
    result = subprocess.run(
        [str(BIN / "ruff"), "check", "--quiet", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_passes_on_access_and_rules():
    result = subprocess.run(
        [str(BIN / "mypy"), "kotopolku/access", "kotopolku/rules"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
