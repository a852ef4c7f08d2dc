"""Every catalogue is complete in fi, sv and en, and up to date with the code."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

PACKAGE = Path(settings.BASE_DIR) / "kotopolku"
LANGUAGES = ("fi", "sv", "en")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


def catalogues():
    return sorted(PACKAGE.rglob("locale/*/LC_MESSAGES/django.po"))


def locale_dirs():
    return sorted({p.parents[2] for p in catalogues()})


def test_each_locale_dir_has_all_three_languages():
    assert locale_dirs(), "no catalogues found"
    for locale_dir in locale_dirs():
        for lang in LANGUAGES:
            assert (locale_dir / lang / "LC_MESSAGES" / "django.po").exists(), (locale_dir, lang)


@pytest.mark.parametrize("path", catalogues(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_catalogue_is_complete(path):
    po = polib.pofile(str(path))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated in {path}: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy in {path}: {fuzzy[:10]}"
    for entry in po.translated_entries():
        wanted = set(PLACEHOLDER.findall(entry.msgid))
        got = (
            set().union(*(PLACEHOLDER.findall(s) for s in entry.msgstr_plural.values()))
            if entry.msgid_plural
            else set(PLACEHOLDER.findall(entry.msgstr))
        )
        assert wanted <= got | {"%(counter)s"}, f"{path}: placeholders differ in {entry.msgid!r}"


def msgids(path: Path) -> set[str]:
    return {e.msgid for e in polib.pofile(str(path)) if not e.obsolete}


def test_catalogues_match_the_strings_in_the_code(tmp_path):
    """Extract afresh in a copy of the tree; a string missing or no longer used fails."""
    assert shutil.which("xgettext"), "gettext is needed: `make test` installs it (Debian package)"
    copy = tmp_path / "tree"
    shutil.copytree(
        PACKAGE,
        copy / "kotopolku",
        ignore=shutil.ignore_patterns("__pycache__", "*.mo", "vendor", "*.pyc"),
    )
    shutil.copy(Path(settings.BASE_DIR) / "manage.py", copy / "manage.py")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        {
            "DEBUG": "true",
            "DJANGO_SETTINGS_MODULE": "kotopolku.config.settings",
            "PYTHONPATH": str(copy),
        }
    )
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "fi",
            "-l",
            "sv",
            "-l",
            "en",
            "--no-location",
            "--no-obsolete",
        ],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    problems = []
    for original in catalogues():
        fresh = copy / original.relative_to(PACKAGE.parent)
        missing = msgids(fresh) - msgids(original)
        unused = msgids(original) - msgids(fresh)
        if missing or unused:
            problems.append(
                f"{original.relative_to(PACKAGE)}: missing {sorted(missing)[:8]}, "
                f"no longer used {sorted(unused)[:8]}"
            )
    assert not problems, "run `make messages` and translate:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_one_msgid_has_one_translation_in_every_catalogue(lang):
    """Gettext reads the app catalogues as one: when two apps translate the same msgid (and
    context) differently, the first catalogue wins everywhere and the other app shows a foreign
    word ("From" as the referral's sender on a date column). Give one of them a context
    (pgettext) or agree on one translation."""
    seen: dict[tuple[str | None, str], dict[str, str]] = {}
    for path in catalogues():
        if path.parts[-3] != lang:
            continue
        for entry in polib.pofile(str(path)):
            if entry.obsolete or not entry.translated():
                continue
            text = repr(sorted(entry.msgstr_plural.items())) if entry.msgid_plural else entry.msgstr
            owner = str(path.relative_to(PACKAGE).parts[0])
            seen.setdefault((entry.msgctxt, entry.msgid), {})[owner] = text
    collisions = {key: found for key, found in seen.items() if len(set(found.values())) > 1}
    assert not collisions, "\n".join(
        f"{key}: {found}"
        for key, found in sorted(collisions.items(), key=lambda kv: (kv[0][0] or "", kv[0][1]))
    )
