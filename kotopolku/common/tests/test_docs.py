"""The documentation in docs/ stays true to the code.

- Every citation of the domain or data-format documents resolves to a file in the repository
  (the code cites `docs/domain.md` and `docs/data-formats.md`, never a file outside it).
- Every module path and dotted name that docs/DEVELOPING.md names exists.
- Every rule key of the seed is described in docs/domain.md.
"""

import importlib
import re
from pathlib import Path

import pytest
from django.conf import settings

from kotopolku.rules.seed import RULES

ROOT = Path(settings.BASE_DIR)
DOCS = ROOT / "docs"
SCANNED = ("kotopolku", "bench", "docs", "ops", ".ci")
TEXT_SUFFIXES = {".py", ".html", ".md", ".txt", ".toml", ".cfg", ".json", ".sh", ""}
# A bare DOMAIN.md / DATA-FORMATS.md (upper case, no docs/ in front) is a citation of a file the
# repository does not hold.
BARE_CITATION = re.compile(r"(?<![\w./-])(DOMAIN|DATA-FORMATS)\.md")
DOCS_CITATION = re.compile(r"(?<![\w.-])docs/[\w./-]*\.md")


def _text_files():
    for top in SCANNED:
        base = ROOT / top
        if not base.exists():
            continue
        for path in base.rglob("*"):
            if not path.is_file() or path.suffix not in TEXT_SUFFIXES:
                continue
            if any(
                part in {"node_modules", "__pycache__", "locale", "static"} for part in path.parts
            ):
                continue
            yield path
    yield ROOT / "README.md"
    yield ROOT / "Makefile"


def _citations():
    for path in _text_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            yield path.relative_to(ROOT), number, line


def test_the_scan_sees_the_code():
    cited = {str(p) for p, _n, line in _citations() if "docs/domain.md" in line}
    assert "kotopolku/casework/deadlines.py" in cited


def test_no_citation_of_a_document_outside_the_repository():
    bare = [
        f"{path}:{number}: {line.strip()}"
        for path, number, line in _citations()
        if BARE_CITATION.search(line) and path.name != "test_docs.py"
    ]
    assert bare == [], "cite docs/domain.md or docs/data-formats.md instead:\n" + "\n".join(bare)


def test_every_docs_citation_names_a_file_that_exists():
    missing = [
        f"{path}:{number}: {match}"
        for path, number, line in _citations()
        for match in DOCS_CITATION.findall(line)
        if not (ROOT / match.rstrip(".")).exists()
    ]
    assert missing == []


# "issue 14" means something only in the tracker of the day; the code and the docs point to the
# docs/ file that explains the why instead.
ISSUE_NUMBER = re.compile(r"\b[Ii]ssues? #?\d+")


def test_no_comment_or_doc_points_to_an_issue_number():
    found = [
        f"{path}:{number}: {line.strip()}"
        for path, number, line in _citations()
        if ISSUE_NUMBER.search(line) and path.name != "test_docs.py"
    ]
    assert found == [], "point to the docs/ file instead:\n" + "\n".join(found)


def _developing_names() -> tuple[set[str], set[str]]:
    text = (DOCS / "DEVELOPING.md").read_text(encoding="utf-8")
    code = re.findall(r"`([^`]+)`", text)
    paths, dotted = set(), set()
    for span in code:
        for token in span.split():
            token = token.strip("(),;:")
            if any(c in token for c in "<>{}*…=") or token.endswith("/"):
                continue
            if re.fullmatch(r"(kotopolku|docs|bench|ops)/[\w./-]+", token):
                paths.add(token)
            elif re.fullmatch(r"kotopolku(\.\w+)+", token):
                dotted.add(token)
    return paths, dotted


def test_developing_names_paths_and_modules():
    paths, dotted = _developing_names()
    assert "kotopolku/access/policy.py" in paths
    assert "kotopolku.access.views" in dotted


@pytest.mark.parametrize("path", sorted(_developing_names()[0]))
def test_every_path_in_developing_exists(path):
    assert (ROOT / path).exists(), f"docs/DEVELOPING.md names {path}, which does not exist"


def _resolve(dotted: str):
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            obj = getattr(obj, attribute)
        return obj
    raise ModuleNotFoundError(dotted)


@pytest.mark.parametrize("name", sorted(_developing_names()[1]))
def test_every_module_in_developing_exists(name):
    assert _resolve(name) is not None


def test_every_rule_key_is_described_in_the_domain_document():
    text = (DOCS / "domain.md").read_text(encoding="utf-8")
    missing = sorted({row["key"] for row in RULES} - set(re.findall(r"`(\w+)`", text)))
    assert missing == [], f"docs/domain.md §5 does not describe the rule keys {missing}"


@pytest.mark.parametrize(
    "document", ["domain.md", "data-formats.md", "DEVELOPING.md", "adr/0001-stack.md"]
)
def test_the_documents_exist(document):
    assert (DOCS / document).is_file()
