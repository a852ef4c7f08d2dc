"""Background job of the rules app: a large what-if preview of a draft (docs/data-formats.md).

The same computation and file as the direct export (`views.draft_preview_export`); the job only
moves it out of the request when the chosen municipalities hold many clients
(`WHATIF_BACKGROUND_CLIENTS`), and reports the progress per municipality.
"""

import json
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kotopolku.access import organisations as perms
from kotopolku.access.compensation import compensation_municipalities
from kotopolku.access.policy import can
from kotopolku.jobs.models import Job
from kotopolku.jobs.registry import JobFile, JobRefused, job_runner
from kotopolku.jobs.services import AuditAs, job_start

RULES_WHATIF_PREVIEW = "rules_whatif_preview"

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def preview_filename(draft_pk: int, label: str, year: int, fmt: str) -> str:
    """The download's name, the same for the direct export and the job."""
    return f"whatif-{draft_pk}-{label}-{year}.{fmt}"


def preview_job_start(*, actor: Any, draft: Any, label: str, year: int, on: date, fmt: str) -> Job:
    """Queue the background preview; the page's button and the API start it the same way (the
    same parameters, title and audit of the download)."""
    return job_start(
        actor=actor,
        kind_name=RULES_WHATIF_PREVIEW,
        params={
            "draft": draft.pk,
            "municipality": "" if label == "region" else label,
            "year": year,
            "on": on.isoformat(),
            "format": fmt,
        },
        title=_("What-if preview: %(title)s, %(municipality)s, %(year)s (%(format)s)")
        % {
            "title": draft.title,
            "municipality": label if label != "region" else _("the whole region"),
            "year": year,
            "format": fmt.upper(),
        },
        audit_as=AuditAs(object_type="RulesWhatIf", object_id=f"{draft.pk}:{label}:{year}"),
    )


@job_runner(RULES_WHATIF_PREVIEW, label=gettext_lazy("What-if preview"))
def rules_whatif_preview_job(job, progress):
    from kotopolku.rules import whatif
    from kotopolku.rules.book import DraftError, RuleMissing
    from kotopolku.rules.models import DraftRuleSet
    from kotopolku.rules.previews import draft_preview, preview_data

    params = job.params
    fmt = params.get("format", "")
    if fmt not in CONTENT_TYPES:
        raise JobRefused(_("Choose the file format again: XLSX, CSV or JSON."))
    # The requester's rights are checked again when the job runs: they may have ended meanwhile.
    if not can(job.owner, perms.RULES_DRAFT):
        raise JobRefused(_("You may no longer preview drafts of the rule table."))
    code = params.get("municipality", "")
    chosen = [
        m.municipality_code
        for m in compensation_municipalities(job.owner)
        if m.municipality_code and (not code or m.municipality_code == code)
    ]
    if not chosen:
        raise JobRefused(_("You may no longer see the compensation of this municipality."))
    draft = DraftRuleSet.objects.filter(pk=params.get("draft")).first()
    if draft is None:
        raise JobRefused(_("The draft was deleted before the preview was made."))
    if draft.published_at is not None and draft.published_at >= job.created_at:
        raise JobRefused(
            _(
                "The draft was published before the preview was made: it is now part of the "
                "live rule table. Make a new draft to compare."
            )
        )
    year = int(params["year"])
    label = code or "region"

    def municipality_done(done: int, total: int, municipality_code: str) -> None:
        progress(
            5 + 85 * done // total,
            _("Municipality %(code)s computed (%(done)s of %(total)s)")
            % {"code": municipality_code, "done": done, "total": total},
        )

    progress(5, _("Computing the preview"))
    try:
        result = draft_preview(
            draft=draft,
            municipality_codes=chosen,
            year=year,
            on=date.fromisoformat(params["on"]),
            label=label,
            progress=municipality_done,
        )
    except (RuleMissing, DraftError) as exc:
        raise JobRefused(
            _("The draft cannot be previewed: %(reason)s") % {"reason": str(exc)}
        ) from exc
    progress(95, _("Writing the file"))
    if fmt == "json":  # the API's answer for a small preview, with the months
        content = (json.dumps(preview_data(result), ensure_ascii=False, indent=2) + "\n").encode()
    else:  # the page's direct download
        content = whatif.render(result.preview, fmt)
    return JobFile(
        content=content,
        filename=preview_filename(draft.pk, label, year, fmt),
        content_type=CONTENT_TYPES[fmt],
    )
