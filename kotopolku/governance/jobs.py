"""Background job of the governance app: the annual programme report as PDF."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kotopolku.documents import render as docs
from kotopolku.governance.documents import DOCUMENT_LANGUAGES, annual_report_document
from kotopolku.governance.models import AnnualReport
from kotopolku.jobs.registry import JobFile, JobRefused, job_runner

ANNUAL_REPORT_DOCUMENT = "annual_report_document"


@job_runner(ANNUAL_REPORT_DOCUMENT, label=gettext_lazy("Annual programme report"))
def annual_report_job(job, progress):
    language = job.params.get("language")
    if language not in DOCUMENT_LANGUAGES:
        raise JobRefused(_("Choose the language fi or sv."))
    report = AnnualReport.objects.select_related("region").filter(pk=job.params.get("report"))
    report = report.first()
    if report is None:
        raise JobRefused(_("The report no longer exists."))
    progress(10, _("Gathering the report's content"))
    document = annual_report_document(
        region=report.region, year=report.year, language=language, report=report
    )
    progress(30, _("Writing the document"))
    body = docs.render(document, "pdf", progress=lambda percent: progress(percent, ""))
    return JobFile(
        content=body,
        filename=f"ohjelmaraportti-{report.year}-{language}.pdf",
        content_type=docs.CONTENT_TYPES["pdf"],
    )
