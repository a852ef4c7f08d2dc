"""Demo data: one realistic draft rule set, so a newcomer can open the what-if preview at
once (docs/data-formats.md). The rates are read from the live table and lowered by 5 %, so no
legal number
is written here. Running it twice changes nothing."""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from kotopolku.rules.book import RuleBook, RuleMissing
from kotopolku.rules.models import DraftRuleSet
from kotopolku.rules.services import draft_create

DEMO_DRAFT_TITLE = "Hallituksen esitys 2027: laskennalliset korvaukset −5 %"
DEMO_FROM = date(2027, 1, 1)
DEMO_FACTOR = Decimal("0.95")
RATE_KEYS = (
    "compensation_rate_municipality_7_plus",
    "compensation_rate_municipality_under_7",
)


@transaction.atomic
def seed_rules_demo() -> DraftRuleSet | None:
    existing = DraftRuleSet.objects.filter(title=DEMO_DRAFT_TITLE).first()
    if existing is not None:
        return existing
    book = RuleBook.load()
    rows = []
    for key in RATE_KEYS:
        try:
            now = Decimal(book.value(key, on=DEMO_FROM - timedelta(days=1)))
        except RuleMissing:
            continue
        lower = (now * DEMO_FACTOR).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        rows.append({"key": key, "value": str(lower), "effective_from": DEMO_FROM.isoformat()})
    if not rows:
        return None
    return draft_create(actor=None, data={"title": DEMO_DRAFT_TITLE, "rows": rows})
