"""Background job of the compensation app: reading a large payment list.

The same service as the direct upload (`payment_list_upload`, all or nothing); the job only
moves it out of the request and reports the outcome on the job page.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kotopolku.access import compensation as perms
from kotopolku.access.policy import can
from kotopolku.jobs.registry import JobRefused, job_runner
from kotopolku.jobs.services import job_input
from kotopolku.organisations.models import Organisation

PAYMENT_LIST_UPLOAD = "payment_list_upload"


@job_runner(PAYMENT_LIST_UPLOAD, label=gettext_lazy("Payment list upload"))
def payment_list_upload_job(job, progress):
    from kotopolku.compensation import services

    params = job.params
    municipality = Organisation.objects.filter(pk=params.get("municipality")).first()
    # The requester's right is checked again when the job runs: it may have ended meanwhile.
    if municipality is None or not can(job.owner, perms.COMPENSATION_MANAGE, municipality):
        raise JobRefused(_("You may no longer upload payment lists for this municipality."))
    progress(10, _("Reading the file"))
    content = job_input(job)
    progress(30, _("Matching the rows to clients"))
    try:
        payment_list = services.payment_list_upload(
            actor=job.owner,
            municipality=municipality,
            month=date.fromisoformat(params["month"]),
            file_name=params.get("file_name", ""),
            content=content,
            mapping=params.get("mapping", {}),
        )
    except ValidationError as exc:
        raise JobRefused(" ".join(exc.messages)) from exc
    return {
        "rows": payment_list.row_count,
        "link": reverse("compensation:payment_list_detail", args=[payment_list.pk]),
    }
