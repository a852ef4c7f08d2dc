"""Test-only front-end assets stay out of production (docs/adr/0007-fast-test-suite.md)."""

from django.contrib.staticfiles import finders

TEST_ONLY = ("axe",)  # axe-core: the browser tests inject it from node_modules


def _static_files() -> list[str]:
    """Every path `collectstatic` would copy into the production static files."""
    return [path for finder in finders.get_finders() for path, _storage in finder.list([])]


def test_the_static_set_is_found():
    # Guards the test below against passing on an empty list.
    assert "admin/css/base.css" in _static_files()


def test_axe_core_is_not_a_production_static_file():
    leaked = [p for p in _static_files() if any(name in p.lower() for name in TEST_ONLY)]
    assert leaked == []
