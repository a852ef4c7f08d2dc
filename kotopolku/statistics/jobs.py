"""Background job of the statistics app: the dashboard document as PDF (always suppressed)."""

from types import SimpleNamespace

from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kotopolku.documents import render as docs
from kotopolku.jobs.registry import JobFile, JobRefused, job_runner

STATISTICS_DOCUMENT = "statistics_document"


@job_runner(STATISTICS_DOCUMENT, label=gettext_lazy("Statistics document"))
def statistics_document_job(job, progress):
    from kotopolku.statistics import reports
    from kotopolku.statistics.views import _form, filter_summary

    # The filters are read again as the requester: an organisation limit that applied when they
    # asked applies when the document is made.
    asked = SimpleNamespace(user=job.owner, GET=QueryDict(job.params.get("query", "")))
    form, filters, by, _forced = _form(asked)
    if not form.is_valid():
        raise JobRefused(_("Check the filters and ask for the document again."))
    progress(10, _("Computing the figures"))
    document = reports.dashboard_document(
        filters, by=by, language=job.language, filter_summary=filter_summary(form, filters)
    )
    progress(30, _("Writing the document"))
    body = docs.render(document, "pdf", progress=lambda percent: progress(percent, ""))
    return JobFile(
        content=body,
        filename=f"kotopolku-statistics-{filters.period.label}.pdf",
        content_type=docs.CONTENT_TYPES["pdf"],
    )
