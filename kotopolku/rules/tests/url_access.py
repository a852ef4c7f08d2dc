from datetime import date

from kotopolku.access.matrix import Expect, api, staff_page
from kotopolku.rules.models import DraftRuleRow, DraftRuleSet

DRAFTERS = {"admin", "coordinator"}


def _draft():
    draft = DraftRuleSet.objects.filter(status=DraftRuleSet.Status.DRAFT).first()
    if draft is None:
        draft = DraftRuleSet.objects.create(title="Matrix draft")
        DraftRuleRow.objects.create(
            draft=draft,
            key="compensation_period_years_other",
            value=2,
            effective_from=date(2027, 1, 1),
        )
    return {"pk": draft.pk}


def _with_query(expect: Expect, query: str) -> Expect:
    expect.query = query
    return expect


URL_ACCESS = {
    "rules:draft_create": staff_page(DRAFTERS),
    "rules:draft_detail": staff_page(DRAFTERS, kwargs=_draft),
    "rules:draft_publish": staff_page({"admin"}, kwargs=_draft),
    "rules:draft_preview": _with_query(
        staff_page(DRAFTERS, kwargs=_draft), "?municipality=186&year=2027&on=2027-06-01"
    ),
    # POST only (tests/test_preview_jobs.py): a GET by a drafter is 405.
    "rules:draft_preview_job": _with_query(
        staff_page(DRAFTERS, kwargs=_draft, ok=405), "?municipality=186&year=2027&on=2027-06-01"
    ),
    "rules:draft_preview_export": _with_query(
        staff_page(DRAFTERS, kwargs=lambda: {**_draft(), "fmt": "xlsx"}),
        "?municipality=186&year=2027&on=2027-06-01",
    ),
}


URL_ACCESS.update(
    {
        "api:rules-drafts": api(DRAFTERS),
        "api:rules-draft": api(DRAFTERS, kwargs=_draft),
        "api:rules-draft-rows": api(DRAFTERS, kwargs=_draft),
        "api:rules-draft-preview": _with_query(
            api(DRAFTERS, kwargs=_draft), "?municipality=186&year=2027&on=2027-06-01"
        ),
    }
)
