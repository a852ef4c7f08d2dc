"""The rendered tables and filter forms kept in the process (`statistics.fragments`): a kept
fragment is the HTML rendered afresh, and it is never served to another suppression, scope,
language, query or form data."""

import re

from django.utils import translation

from kotopolku.statistics import fragments, reports, summaries, views
from kotopolku.statistics.filters import Filters, Period
from kotopolku.statistics.tests.factories import build_year, municipality

YEAR = Filters(Period.parse("2025"))
SECTION = re.compile(r'<section class="stat-table".*?</section>', re.S)
FORM = re.compile(r'<form method="get" class="filters".*?</form>', re.S)


def sections(response) -> list[str]:
    assert response.status_code == 200
    return SECTION.findall(response.content.decode())


def form(response) -> str:
    assert response.status_code == 200
    (found,) = FORM.findall(response.content.decode())
    return found


def test_a_kept_fragment_is_the_html_rendered_afresh(demo, client_for):
    build_year()
    viewer = client_for("viewer")
    for path in ("/statistics/?period=2025", "/statistics/overview/?period=2025"):
        viewer.get(path)  # computed live and stored
        fragments.TABLES.clear()
        fragments.FORMS.clear()
        summaries._REPLAYED.clear()
        first = viewer.get(path)  # read from the summary, rendered
        fresh = sections(first)
        hits, form_hits = fragments.TABLES.hits, fragments.FORMS.hits
        second = viewer.get(path)  # read from the summary, the kept fragments
        kept = sections(second)
        assert fragments.TABLES.hits > hits
        assert fragments.FORMS.hits == form_hits + 1
        assert fresh
        assert kept == fresh
        assert form(second) == form(first)
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


def test_the_kept_filter_form_follows_the_data_and_the_errors(demo, client_for):
    viewer = client_for("viewer")
    fragments.FORMS.clear()
    plain = form(viewer.get("/statistics/?period=2025"))
    by_gender = form(viewer.get("/statistics/?period=2025&gender=female"))
    assert by_gender != plain
    assert '<option value="female" selected>' in by_gender
    assert '<option value="female" selected>' not in plain
    bad = viewer.get("/statistics/?period=2025&language=1")
    assert bad.context["form"].errors
    assert "hds-text-input--invalid" in form(bad)
    assert form(viewer.get("/statistics/?period=2025")) == plain
    with translation.override("en"):
        fragments.FORMS.clear()
        english = views._filters_html(viewer.get("/statistics/?period=2025").context["form"])
    assert english != plain
