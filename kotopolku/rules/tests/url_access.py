from datetime import date, timedelta

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


def _preview_job():
    """A finished JSON preview job of the administrator (the first role the matrix asks): the
    coordinator may preview drafts too, but another user's job is not found (404)."""
    import json

    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from kotopolku.jobs.models import Job
    from kotopolku.rules.jobs import RULES_WHATIF_PREVIEW

    draft = _draft()["pk"]
    owner = get_user_model().objects.get(username="admin")
    job = Job.objects.filter(owner=owner, kind=RULES_WHATIF_PREVIEW, params__draft=draft).first()
    if job is None:
        params = {"draft": draft, "municipality": "", "year": 2027, "on": "2027-06-01"}
        job = Job.objects.create(
            owner=owner,
            kind=RULES_WHATIF_PREVIEW,
            params=params | {"format": "json"},
            title="Matrix preview",
            status=Job.Status.SUCCEEDED,
            progress=100,
            finished_at=timezone.now(),
            expires_at=timezone.now() + timedelta(hours=1),
            result_name="whatif.json",
            result_type="application/json",
        )
        total = {"total": "0.00"}
        body = {"municipality": "region", "year": 2027, "on": "2027-06-01", "title": "t"}
        body |= {"current": total, "draft": total, "delta": "0.00", "persons": []}
        body |= {"deadlines": [], "months": []}
        job.result_file.save("matrix-whatif.json", ContentFile(json.dumps(body).encode()))
    return {"pk": draft, "job": job.pk}


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
        # Drafters only, and only their own job: the coordinator asks for the admin's.
        "api:rules-draft-preview-job": Expect(
            api(DRAFTERS).status | {"coordinator": 404}, kwargs=_preview_job
        ),
    }
)
