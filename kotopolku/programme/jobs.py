"""Background job of the programme app: the programme document as PDF or DOCX."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kotopolku.documents import render as docs
from kotopolku.jobs.registry import JobFile, JobRefused, job_runner
from kotopolku.programme.document import DOCUMENT_LANGUAGES, programme_document
from kotopolku.programme.models import ProgrammeVersion

PROGRAMME_DOCUMENT = "programme_document"


def document_filename(version: ProgrammeVersion, language: str, fmt: str) -> str:
    return f"kotoutumisohjelma-v{version.number}-{language}.{fmt}"


@job_runner(PROGRAMME_DOCUMENT, label=gettext_lazy("Programme document"))
def programme_document_job(job, progress):
    params = job.params
    language, fmt = params.get("language"), params.get("format")
    if language not in DOCUMENT_LANGUAGES or fmt not in ("pdf", "docx"):
        raise JobRefused(_("Choose the language fi or sv and the format docx or pdf."))
    version = (
        ProgrammeVersion.objects.select_related("programme")
        .filter(pk=params.get("version"))
        .first()
    )
    if version is None:
        raise JobRefused(_("The programme version no longer exists."))
    progress(10, _("Gathering the programme's content"))
    document = programme_document(version=version, language=language, day=timezone.localdate())
    progress(30, _("Writing the document"))
    body = docs.render(document, fmt, progress=lambda percent: progress(percent, ""))
    return JobFile(
        content=body,
        filename=document_filename(version, language, fmt),
        content_type=docs.CONTENT_TYPES[fmt],
    )
