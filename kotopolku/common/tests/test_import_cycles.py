"""The three import cycles the structure once had stay broken: imports are read from the source
(module level and inside functions alike), so a lazy import cannot hide a cycle."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]


def imported_modules(app: str) -> set[str]:
    found = set()
    for path in (PACKAGE / app).rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize(
    ("app", "forbidden"),
    [
        # The bulk-read check subscribes to audit's on-commit hook; audit never calls security.
        ("audit", "kotopolku.security"),
        # The change history belongs to clients; privacy only reads it.
        ("clients", "kotopolku.privacy"),
        # access keeps the engine; privacy's selectors build on it, not the other way round.
        ("access", "kotopolku.privacy.selectors"),
    ],
)
def test_no_import_cycle(app, forbidden):
    modules = imported_modules(app)
    assert modules, f"no imports read in kotopolku/{app}"
    offending = sorted(m for m in modules if m == forbidden or m.startswith(forbidden + "."))
    assert not offending, f"kotopolku/{app} imports {offending}"
