"""Background job of the clients app: the case file (docs/data-formats.md `export_cases`) of
the clients chosen on the client list."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kotopolku.access.clients import exportable_clients
from kotopolku.casework.exporting import export_cases
from kotopolku.jobs.registry import JobFile, JobRefused, job_runner

CASE_EXPORT = "case_export"
CASE_FILE_TYPE = "application/x-ndjson; charset=utf-8"


def case_file_name(day) -> str:
    return f"kotopolku-case-file-{day.isoformat()}.jsonl"


@job_runner(CASE_EXPORT, label=gettext_lazy("Case file export"))
def case_export_job(job, progress):
    # The scope is read again when the job runs: a client handed over meanwhile is left out.
    ids = [pk for pk in job.params.get("clients", []) if isinstance(pk, int)]
    external_ids = sorted(
        exportable_clients(job.owner).filter(pk__in=ids).values_list("external_id", flat=True)
    )
    if not external_ids:
        raise JobRefused(_("None of the chosen clients is your organisation's to export."))
    progress(10, _("Writing the case file"))
    stream = io.StringIO()
    export_cases(actor=job.owner, stream=stream, external_ids=external_ids, reason="case file")
    return JobFile(
        content=stream.getvalue().encode("utf-8"),
        filename=case_file_name(timezone.localdate()),
        content_type=CASE_FILE_TYPE,
    )
