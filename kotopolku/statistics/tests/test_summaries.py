"""The summary table of the indicators (docs/adr/0010-statistics-summary-table.md): tables read
from it are the live tables, it is read instead of computing, writes make it stale, the
scheduled refresh recomputes it, suppression is applied when it is read, and an
organisation-limited user is never served another scope's figures."""

from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils.module_loading import import_string

from kotopolku.casework import services as casework
from kotopolku.jobs.schedules import by_name
from kotopolku.statistics import reports, selectors, summaries
from kotopolku.statistics.filters import Filters, Period
from kotopolku.statistics.models import DataVersion, IndicatorSummary
from kotopolku.statistics.suppression import suppress
from kotopolku.statistics.tests.factories import build_year, clock, municipality

YEAR = Filters(Period.parse("2025"))


@pytest.fixture
def year(demo):
    return build_year()


def cells(table):
    return [
        (
            row.key,
            str(row.label),
            {k: (c.value, c.persons, c.suppressed) for k, c in row.cells.items()},
        )
        for row in table.all_rows()
    ]


def breakdowns(function):
    own = {
        selectors.guidance_contacts: ("topic", "channel", "organisation"),
        selectors.referrals: ("route",),
    }.get(function, ())
    return ("", *selectors.CLIENT_DIMENSIONS, *own)


def test_filter_key_names_every_filter_and_reads_back():
    filters = Filters(
        Period.parse("2025-Q3"),
        municipality_id=7,
        organisation_id=12,
        permit_group="work",
        age_band="30-64",
        gender="female",
        language="ar",
    )
    assert summaries.filter_key(filters) == "2025-Q3|m7|o12|pwork|a30-64|gfemale|lar"
    assert summaries.filters_from_key(summaries.filter_key(filters)) == filters
    assert summaries.filters_from_key(summaries.filter_key(YEAR)) == YEAR
    assert summaries.filter_key(YEAR) != summaries.filter_key(
        Filters(YEAR.period, organisation_id=12)
    )


def test_a_table_read_from_the_summary_is_the_live_table(year):
    """Every table by every breakdown, with and without filters: stored, then replayed without
    a figure query, to the same rows, labels and cells as computing it."""
    filtered = Filters(YEAR.period, organisation_id=municipality("186").pk, language="ar")
    for filters in (YEAR, filtered):
        for function in selectors.TABLES:
            for by in breakdowns(function):
                live = function(filters, by=by)
                first = summaries.table(function, filters, by=by)
                with CaptureQueriesContext(connection) as replay:
                    stored = summaries.table(function, filters, by=by)
                assert cells(first) == cells(live), (function.__name__, by)
                assert cells(stored) == cells(live), (function.__name__, by)
                assert not any(
                    "UNION ALL" in q["sql"] or "COUNT(" in q["sql"].upper()
                    for q in replay.captured_queries
                ), (function.__name__, by)
    assert IndicatorSummary.objects.filter(filter_key=summaries.filter_key(filtered)).exists()


def test_the_dashboard_is_read_from_the_summary_in_queries_that_do_not_depend_on_the_data(
    demo, client_for, django_capture_on_commit_callbacks
):
    viewer = client_for("viewer")
    with CaptureQueriesContext(connection) as first:
        assert viewer.get("/statistics/?period=2025").status_code == 200
    with CaptureQueriesContext(connection) as empty:
        response = viewer.get("/statistics/?period=2025")
    assert response.context["computed"].from_summary == len(selectors.TABLES)
    assert response.context["computed"].computed_live == 0
    assert len(empty.captured_queries) < len(first.captured_queries) - 10
    # Read again in this process: the tables built from the stored rows are kept.
    with CaptureQueriesContext(connection) as again:
        viewer.get("/statistics/?period=2025")
    assert len(again.captured_queries) <= len(empty.captured_queries)
    with django_capture_on_commit_callbacks(execute=True):
        build_year()
    assert summaries.refresh_summaries().computed >= len(selectors.TABLES)
    with CaptureQueriesContext(connection) as full:
        response = viewer.get("/statistics/?period=2025")
    assert response.context["computed"].from_summary == len(selectors.TABLES)
    assert response.context["computed"].current
    assert contacts([v["table"] for v in response.context["views"]]) is not None
    assert len(full.captured_queries) == len(empty.captured_queries)
    page = response.content.decode()
    assert "figures-computed" in page


def test_the_stored_figures_are_what_is_shown(year):
    """Proof that the tables come from the stored rows: a stored figure changed by hand shows."""
    reports.dashboard_view(YEAR, by="municipality", raw_allowed=True)
    row = IndicatorSummary.objects.get(
        filter_key=summaries.filter_key(YEAR), table="new_clients", by="municipality"
    )
    for rows in row.figures:
        for values in rows:
            if values["whole"] == 1:
                values["clients"] = 777
    row.save()
    tables, state = reports.dashboard_view(YEAR, by="municipality", raw_allowed=True)
    assert state.from_summary == len(selectors.TABLES)
    assert tables[0].key == "new_clients"
    assert tables[0].total.cells["clients"].value == 777


def _contact(on: date):
    user = casework_user()
    with clock(on):
        casework.contact_record(
            actor=user,
            organisation=municipality("186"),
            day=on,
            language="ar",
            channel="phone",
            outcome="information",
            topics=["work"],
            persons=4,
        )


def casework_user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="caseworker-jarvenpaa")


def contacts(tables):
    table = next(t for t in tables if t.key == "guidance_contacts")
    return table.total.cells["contacts"].value


@pytest.fixture
def committed_year(demo, django_capture_on_commit_callbacks):
    """The year, its writes' on-commit hooks run (as after the commit of each)."""
    with django_capture_on_commit_callbacks(execute=True):
        return build_year()


def test_a_write_makes_the_summary_stale_and_the_refresh_recomputes_the_live_figures(
    committed_year, django_capture_on_commit_callbacks
):
    wanted = summaries.dashboard_wanted("municipality")
    before, state = summaries.tables(YEAR, wanted)
    assert state.computed_live == len(wanted)
    _again, state = summaries.tables(YEAR, wanted)
    assert (state.from_summary, state.current) == (len(wanted), True)
    version = summaries.current_version()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _contact(date(2025, 5, 6))
    # Once per transaction, after the commit; nothing computed by the write.
    assert sum(getattr(c, "statistics_bump", False) for c in callbacks) == 1
    assert summaries.current_version() == version + 1

    live = selectors.indicator_tables(YEAR, by="municipality")
    assert contacts(live) == contacts(before) + 1
    # Stale: served with its time (the page says changes are being counted) ...
    stale, state = summaries.tables(YEAR, wanted)
    assert (state.from_summary, state.current) == (len(wanted), False)
    assert contacts(stale) == contacts(before)
    # ... but never to a document, which computes the current figures.
    current, state = summaries.tables(YEAR, wanted, accept_stale=False)
    assert state.computed_live == len(wanted)
    assert [cells(t) for t in current] == [cells(t) for t in live]

    IndicatorSummary.objects.update(data_version=version)  # stale again, as after the write
    result = summaries.refresh_summaries()
    assert result.computed >= len(wanted)
    refreshed, state = summaries.tables(YEAR, wanted)
    assert (state.from_summary, state.current, state.computed_live) == (len(wanted), True, 0)
    assert [cells(t) for t in refreshed] == [cells(t) for t in live]


def test_a_rolled_back_write_leaves_the_summary_current(
    committed_year, django_capture_on_commit_callbacks
):
    version = summaries.current_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                _contact(date(2025, 5, 6))
                raise RuntimeError
        except RuntimeError:
            pass
    assert summaries.current_version() == version
    assert not callbacks  # the hook went with the rolled-back savepoint
    with django_capture_on_commit_callbacks(execute=True):
        _contact(date(2025, 5, 7))
    assert summaries.current_version() == version + 1


def test_a_stale_summary_past_the_serving_limit_is_computed_again(year):
    wanted = summaries.dashboard_wanted("municipality")
    summaries.tables(YEAR, wanted)
    summaries.bump_version()
    old = IndicatorSummary.objects.first().computed_at - summaries.STALE_SERVED * 2
    IndicatorSummary.objects.update(computed_at=old)
    _tables, state = summaries.tables(YEAR, wanted)
    assert state.computed_live == len(wanted)
    assert state.current


def test_suppression_is_applied_to_the_tables_read_from_the_summary(year, client_for):
    reports.dashboard_view(YEAR, by="municipality")  # stores the raw figures
    stored = IndicatorSummary.objects.get(
        filter_key=summaries.filter_key(YEAR), table="new_clients", by="municipality"
    )
    # The stored figures are raw (2 new clients, under the minimum of 5) ...
    assert any(r["clients"] == 2 for rows in stored.figures for r in rows if r["whole"] == 1)
    tables, state = reports.dashboard_view(YEAR, by="municipality")
    assert state.from_summary == len(selectors.TABLES)
    live = selectors.indicator_tables(YEAR, by="municipality")
    # ... and what is read from them is suppressed as the live tables would be.
    for shown, raw in zip(tables, live, strict=True):
        assert shown.suppressed_applied
        assert cells(shown) == cells(suppress(raw))
    assert tables[0].total.cells["clients"].suppressed
    response = client_for("viewer").get("/statistics/?period=2025")
    assert response.context["computed"].from_summary == len(selectors.TABLES)
    assert "x</td>" in response.content.decode()
    overview = client_for("viewer").get("/statistics/overview/?period=2025")
    assert overview.status_code == 200
    assert overview.context["computed"].from_summary == len(selectors.OVERVIEW_TABLES)


def test_an_organisation_limited_user_gets_the_summary_of_their_own_scope(year, client_for):
    client_for("coordinator").get("/statistics/?period=2025")
    region = IndicatorSummary.objects.get(
        filter_key=summaries.filter_key(YEAR), table="new_clients", by="municipality"
    )
    for rows in region.figures:
        for values in rows:
            values["clients"] = 777
    region.save()
    own = municipality("186").pk
    response = client_for("caseworker").get("/statistics/?period=2025")
    assert response.context["filters"].organisation_id == own
    scoped = Filters(YEAR.period, organisation_id=own)
    assert IndicatorSummary.objects.filter(
        filter_key=summaries.filter_key(scoped), table="new_clients"
    ).exists()
    shown = response.context["views"][0]["table"]
    assert shown.key == "new_clients"
    assert cells(shown) == cells(selectors.new_clients(scoped))
    assert all(c.value != 777 for row in shown.all_rows() for c in row.cells.values())


def test_the_refresh_is_scheduled():
    every = by_name("statistics_refresh")
    nightly = by_name("statistics_nightly")
    assert every.task == nightly.task == "kotopolku.statistics.tasks.refresh_summaries"
    assert nightly.args == (True,)
    assert import_string(every.task).func is not None
    assert every.cron.startswith("*/")


def test_the_nightly_refresh_computes_the_standard_views_and_prunes_unread_ones(demo):
    stale = IndicatorSummary.objects.create(
        filter_key="2019|m|o|p|a|g|l",
        period="2019",
        table="new_clients",
        by="municipality",
        as_of=date(2019, 12, 31),
        data_version=0,
        format=summaries.FORMAT,
        figures=[[]],
        computed_at="2020-01-01T00:00Z",
        read_at="2020-01-01T00:00Z",
    )
    result = summaries.refresh_summaries(full=True)
    assert result.pruned == 1
    assert not IndicatorSummary.objects.filter(pk=stale.pk).exists()
    standard = summaries.standard_views()
    assert result.computed == sum(len(wanted) for _f, wanted in standard)
    # Nothing has changed since: the next run computes nothing.
    assert summaries.refresh_summaries().computed == 0
    DataVersion.objects.all().delete()
    summaries.bump_version()
    assert summaries.refresh_summaries().computed == result.computed


def test_a_bulk_insert_of_the_imports_makes_the_summary_stale(
    committed_year, django_capture_on_commit_callbacks
):
    """The imports write with `insert_rows` (no post_save): `rows_written` marks the figures."""
    from kotopolku.clients.models import ClientLanguage
    from kotopolku.common.bulk import insert_rows

    version = summaries.current_version()
    client = committed_year["A"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        insert_rows(ClientLanguage, [ClientLanguage(client=client, code="fi", level="A1")])
    assert ClientLanguage.objects.filter(client=client, code="fi").exists()
    assert len(callbacks) == 1
    assert summaries.current_version() == version + 1


def test_the_audit_rows_of_a_list_page_leave_the_summary_current(
    committed_year, django_capture_on_commit_callbacks, user_for
):
    """A list page writes its audit rows in bulk too (`audit_client_reads` → `insert_rows`); no
    indicator reads the audit table, so the figures stay current."""
    from kotopolku.audit.models import AuditEvent
    from kotopolku.audit.services import audit_client_reads

    version = summaries.current_version()
    client = committed_year["A"]
    with django_capture_on_commit_callbacks(execute=True):
        written = audit_client_reads(
            actor=user_for("caseworker"),
            action=AuditEvent.Action.VIEW,
            object_type="Worklist",
            client_ids=[client.pk],
            path="/casework/",
        )
    assert written == 1
    assert AuditEvent.objects.filter(client_id=client.pk, object_type="Worklist").count() == 1
    assert summaries.current_version() == version
