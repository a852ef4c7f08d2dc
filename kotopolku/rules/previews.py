"""The what-if comparison wired to the domain functions (docs/data-formats.md): the compensation
forecast
(`compensation.selectors.forecast`) and the client deadlines (`casework.selectors.deadlines`),
each under the live book and under the draft book.

Like a URL conf or a management command, this is an entry-point module: the `rules_whatif`
command, the preview page and the API all call `whatif_compute`, so they agree by
construction. `rules.whatif` stays pure (it compares results it is given).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q

from kotopolku.casework.selectors import clients_of_municipality, deadlines
from kotopolku.common.collector import collector_paused
from kotopolku.compensation.computation import candidates
from kotopolku.compensation.selectors import forecast, people_for
from kotopolku.rules import whatif
from kotopolku.rules.book import RuleBook

ZERO = Decimal("0.00")


@dataclass
class WhatIfResult:
    preview: whatif.Preview
    # Twelve (label, current, draft) rows: the forecast per month under both books.
    months: list[tuple[str, Decimal, Decimal]] = field(default_factory=list)
    persons_counted: int = 0
    clients_compared: int = 0


def people_under_either(code: str, year: int, live: RuleBook, draft: RuleBook) -> list:
    """The people of municipality `code` who can count or be unresolved in `year` under either
    rule book (C1 first, in SQL), read once for both forecasts of a preview."""
    return people_for(
        municipality_code=code,
        first_day=date(year, 1, 1),
        last_day=date(year, 12, 31),
        candidates=candidates(year=year, rules=live).merged(candidates(year=year, rules=draft)),
    )


def whatif_compute(
    *,
    municipality_codes: list[str],
    year: int,
    on: date,
    title: str,
    live: RuleBook,
    draft: RuleBook,
    label: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> WhatIfResult:
    """The forecast and the deadlines of the municipalities' clients, now and under `draft`.
    With several municipalities (the whole region) the results are summed and listed together;
    a client listed under two municipalities is compared once.

    `progress(done, total, code)` is called after each municipality (the background job's
    bar)."""
    current_months = [ZERO] * 12
    draft_months = [ZERO] * 12
    totals = [ZERO, ZERO]
    persons: list[whatif.PersonDelta] = []
    pairs: dict[str, tuple[str, Any, Any]] = {}
    counted = 0
    for done, code in enumerate(municipality_codes, start=1):
        # One pause of the cyclic collector over the read, both forecasts and their comparison,
        # not one each (its pass over what they built then runs once, `common.collector`).
        with collector_paused():
            # The same people under both books: read the registry once.
            people = people_under_either(code, year, live, draft)
            counted += len(people)
            forecasts = (
                forecast(code, year, book=live, people=people),
                forecast(code, year, book=draft, people=people),
            )
            now_total, then_total, differing = whatif.compare_forecasts(*forecasts)
        totals[0] += now_total
        totals[1] += then_total
        persons.extend(differing)
        for sums, result in ((current_months, forecasts[0]), (draft_months, forecasts[1])):
            for index, row in enumerate(result.by_month()):
                sums[index] += row["total"]
        for c in clients_of_municipality(municipality_code=code, on=on):
            if c.external_id not in pairs:
                pairs[c.external_id] = (
                    c.external_id,
                    deadlines(c, on=on, book=live),
                    deadlines(c, on=on, book=draft),
                )
        if progress is not None:
            progress(done, len(municipality_codes), code)
    persons.sort(key=lambda p: p.external_id)
    preview = whatif.Preview(
        municipality=label if label is not None else ",".join(municipality_codes),
        year=year,
        on=on,
        title=title,
        current_total=totals[0],
        draft_total=totals[1],
        persons=persons,
        deadlines=whatif.compare_deadlines(pairs.values()),
    )
    months = [(f"{year}-{n + 1:02d}", current_months[n], draft_months[n]) for n in range(12)]
    return WhatIfResult(
        preview=preview, months=months, persons_counted=counted, clients_compared=len(pairs)
    )


def preview_client_count(*, municipality_codes: list[str], on: date) -> int:
    """How many clients `whatif_compute` compares for these municipalities on `on` (each once):
    the same selection as its deadline comparison, counted in one SQL query. The page decides by
    it whether the preview is computed in the request or by a background job."""
    from kotopolku.clients.models import Client

    if not municipality_codes:
        return 0
    chosen = Q()
    for code in municipality_codes:
        listed = clients_of_municipality(municipality_code=code, on=on).order_by().values("pk")
        chosen |= Q(pk__in=listed)
    return Client.objects.filter(chosen).count()


def background_clients(*, municipality_codes: list[str], on: date) -> int | None:
    """The number of clients when the preview is too large to compute in a request (more than
    `WHATIF_BACKGROUND_CLIENTS`), else None. The page and the API decide by it alike."""
    from django.conf import settings

    count = preview_client_count(municipality_codes=municipality_codes, on=on)
    return count if count > settings.WHATIF_BACKGROUND_CLIENTS else None


def preview_data(result: WhatIfResult) -> dict[str, Any]:
    """The API's answer and the background job's JSON file: the `rules_whatif` output plus the
    forecast per month under both tables."""
    data = result.preview.as_data()
    data["months"] = [
        {"month": m, "current": f"{c:.2f}", "draft": f"{d:.2f}"} for m, c, d in result.months
    ]
    return data


def draft_preview(
    *,
    draft: Any,
    municipality_codes: list[str],
    year: int,
    on: date,
    label: str,
    progress: Callable[[int, int, str], None] | None = None,
) -> WhatIfResult:
    """`whatif_compute` for a stored draft (`DraftRuleSet`) against the live table."""
    from kotopolku.rules.services import draft_book_rows

    live = RuleBook.load()
    book = live.with_draft(draft_book_rows(draft), source=draft.title)
    return whatif_compute(
        municipality_codes=municipality_codes,
        year=year,
        on=on,
        title=draft.title,
        live=live,
        draft=book,
        label=label,
        progress=progress,
    )
