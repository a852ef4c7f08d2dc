"""Visual regression: screenshots of the main pages against stored baselines
(docs/DEVELOPING.md, "Screenshots and visual regression").

Each page is photographed at 1280×800 (the viewport, not the whole page) and compared with
`baselines/<name>.png` pixel by pixel: the test fails when more than MAX_CHANGED_SHARE of the
pixels differ by more than PIXEL_TOLERANCE in any colour channel. That lets anti-aliasing
jitter pass and catches a moved block, a lost stylesheet or a broken layout. Regions that
depend on today's date or on the demo's random data are masked (Playwright paints them one
colour in both images).

    KOTOPOLKU_UPDATE_BASELINES=1 .venv/bin/pytest -n 0 kotopolku/e2e/test_visual_regression.py

rewrites the baselines; look at them before committing. On a failure the actual image and a
diff (changed pixels in red) are written to a temporary folder named in the message.
"""

import os
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from playwright.sync_api import expect

from kotopolku.e2e import conftest
from kotopolku.e2e.conftest import logged_in

# One xdist group: the module's own server (below) starts once.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("visual")]
# Slow (several seconds per test): a real browser against a real server; pages are checked
# with axe-core in fi, sv and en. One worker runs them all, sharing one server and log-ins.

BASELINES = Path(__file__).resolve().parent / "baselines"
UPDATE = os.environ.get("KOTOPOLKU_UPDATE_BASELINES") == "1"
PIXEL_TOLERANCE = 48  # of 255, per channel
MAX_CHANGED_SHARE = 0.005  # 0.5 % of the pixels

# name, user (None: not logged in), path, CSS selectors of regions to mask
PAGES = [
    ("login", None, "/login/", []),
    ("public-catalogue", None, "/catalogue/public/", []),
    # The viewer's home: the coordinator's and the case worker's list today's deadlines.
    ("viewer-home", "viewer", "/", []),
    ("catalogue-list", "coordinator", "/catalogue/", []),
    ("organisations", "coordinator", "/organisations/", []),
    # The heading and the period field name the current year; the figures are below the fold.
    ("statistics-dashboard", "coordinator", "/statistics/", ["main h1", "input[name=period]"]),
]


@pytest.fixture(scope="module")
def live_url(tmp_path_factory):
    """A server of its own on a fresh demo database: the journeys that run before this file
    change the shared server's catalogue, organisations and tasks, and the baselines would
    depend on the order of the tests. Started exactly as conftest's `live_url`."""
    yield from conftest.live_url.__wrapped__(tmp_path_factory)


def changed_share(actual: Image.Image, expected: Image.Image) -> tuple[float, Image.Image]:
    """The share of pixels that differ by more than the tolerance, and a picture of them."""
    diff = ImageChops.difference(actual.convert("RGB"), expected.convert("RGB"))
    red, green, blue = diff.split()
    worst = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    changed = worst.point(lambda v: 255 if v > PIXEL_TOLERANCE else 0)
    count = changed.histogram()[255]
    picture = Image.composite(
        Image.new("RGB", actual.size, (220, 0, 0)),
        actual.convert("RGB").point(lambda v: 160 + v // 3),  # faded, so the red stands out
        changed,
    )
    return count / (actual.width * actual.height), picture


@pytest.mark.parametrize(("name", "user", "path", "masks"), PAGES, ids=[p[0] for p in PAGES])
def test_page_looks_like_its_baseline(page, tmp_path, name, user, path, masks):
    if user:
        logged_in(page, user)
        expect(page.get_by_role("heading", level=1)).to_contain_text("Tervetuloa")
    response = page.goto(path)
    assert response is not None, path
    assert response.status == 200, (path, response.status)
    page.wait_for_load_state("networkidle")
    shot = page.screenshot(
        animations="disabled",
        caret="hide",
        mask=[page.locator(selector) for selector in masks],
        mask_color="#777777",
    )
    baseline = BASELINES / f"{name}.png"
    actual_path = tmp_path / f"{name}-actual.png"
    actual_path.write_bytes(shot)
    if UPDATE or not baseline.exists():
        BASELINES.mkdir(exist_ok=True)
        baseline.write_bytes(shot)
        if not UPDATE:
            pytest.fail(f"no baseline for {name}: wrote {baseline}; look at it and commit it")
        return
    with Image.open(actual_path) as actual, Image.open(baseline) as expected:
        assert actual.size == expected.size, (
            f"{name}: {actual.size} against the baseline's {expected.size}; actual: {actual_path}"
        )
        share, picture = changed_share(actual, expected)
    diff_path = tmp_path / f"{name}-diff.png"
    picture.save(diff_path)
    assert share <= MAX_CHANGED_SHARE, (
        f"{name} differs from {baseline} in {share:.2%} of its pixels "
        f"(allowed {MAX_CHANGED_SHARE:.2%}); actual: {actual_path}, diff: {diff_path}"
    )
