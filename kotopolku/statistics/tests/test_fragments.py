"""The rendered tables kept in the process (`statistics.fragments`): a kept fragment is the HTML
rendered afresh, and it is never served to another suppression, scope, language or query."""

import re

from django.utils import translation

from kotopolku.statistics import fragments, reports, summaries, views
from kotopolku.statistics.filters import Filters, Period
from kotopolku.statistics.tests.factories import build_year, municipality

YEAR = Filters(Period.parse("2025"))
SECTION = re.compile(r'<section class="stat-table".*?</section>', re.S)


def sections(response) -> list[str]:
    assert response.status_code == 200
    return SECTION.findall(response.content.decode())


def test_a_kept_fragment_is_the_html_rendered_afresh(demo, client_for):
    build_year()
    viewer = client_for("viewer")
    for path in ("/statistics/?period=2025", "/statistics/overview/?period=2025"):
        viewer.get(path)  # computed live and stored
        fragments.TABLES.clear()
        summaries._REPLAYED.clear()
        fresh = sections(viewer.get(path))  # read from the summary, rendered
        hits = fragments.TABLES.hits
        kept = sections(viewer.get(path))  # read from the summary, the kept fragments
        assert fragments.TABLES.hits > hits
        assert fresh
        assert kept == fresh
        assert all("<caption>" in s and '<th scope="col"' in s for s in kept if "<table" in s)


def test_a_computed_table_is_rendered_in_the_request(demo, client_for):
    build_year()
    viewer = client_for("viewer")
    fragments.TABLES.clear()
    response = viewer.get("/statistics/?period=2025")  # nothing stored: computed live
    assert response.context["computed"].computed_live > 0
    assert set(response.context["computed"].keys) == {None}
    assert not fragments.TABLES._items  # nothing kept of tables computed in the request


def test_raw_and_suppressed_figures_never_share_a_fragment(demo, client_for):
    build_year()
    own = municipality("186").pk
    # The organisation-limited user sees their own organisation raw; a viewer asks for
    # the same filter set (the same stored rows) and must get it suppressed.
    client_for("caseworker").get("/statistics/?period=2025")  # computed live and stored
    raw = client_for("caseworker").get("/statistics/?period=2025")
    assert raw.context["raw"] is True
    query = f"/statistics/?period=2025&organisation={own}"
    protected = client_for("viewer").get(query)
    assert protected.context["raw"] is False
    assert protected.context["filters"] == raw.context["filters"]
    raw_keys, protected_keys = raw.context["computed"].keys, protected.context["computed"].keys
    assert None not in raw_keys
    assert None not in protected_keys
    assert not set(raw_keys) & set(protected_keys)
    # The raw page again, now from kept fragments, still shows the raw figures; and the
    # protected page its x's.
    again = client_for("caseworker").get("/statistics/?period=2025")
    assert sections(again) == sections(raw)
    assert "x</td>" in "".join(sections(client_for("viewer").get(query)))
    assert "x</td>" not in "".join(sections(again))


def test_the_fragment_key_names_the_language_and_the_query(demo):
    build_year()
    reports.dashboard_view(YEAR, by="municipality")  # stored
    tables, state = reports.dashboard_view(YEAR, by="municipality")
    table, key = tables[0], state.keys[0]
    assert key is not None
    fragments.TABLES.clear()
    with translation.override("fi"):
        finnish = views._table_html(table, key, "period=2025", owner=table)
    with translation.override("en"):
        english = views._table_html(table, key, "period=2025", owner=table)
        other_query = views._table_html(table, key, "period=2025&by=gender", owner=table)
        assert views._table_html(table, key, "period=2025", owner=table) is english
        # Another object under the same key (the table was built again): rendered again.
        copy = type(table)(**vars(table))
        assert views._table_html(copy, key, "period=2025", owner=copy) is not english
    assert finnish != english
    assert "by=gender" in other_query
    assert "by=gender" not in english
