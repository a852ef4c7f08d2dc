"""Background job of the courses app: reading a large attendance spreadsheet.

The same reading and the same service as the direct upload (all or nothing); the job only moves
it out of the request and reports the outcome, or every wrong row, on the job page.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kotopolku.jobs.registry import JobRefused, job_runner
from kotopolku.jobs.services import job_input

ATTENDANCE_UPLOAD = "attendance_upload"


@job_runner(ATTENDANCE_UPLOAD, label=gettext_lazy("Attendance upload"))
def attendance_upload_job(job, progress):
    from kotopolku.courses import importing, selectors, services

    progress(10, _("Reading the file"))
    try:
        rows, parse_errors = importing.read_attendance(
            job.params.get("file_name", ""), job_input(job)
        )
        progress(40, _("Checking the rows against the courses"))
        # The courses the requester delivers now: a right that ended meanwhile is not used.
        changed = services.attendance_import(
            actor=job.owner,
            rows=rows,
            parse_errors=parse_errors,
            courses=selectors.deliverable_courses(user=job.owner),
        )
    except importing.FileUnreadable as exc:
        raise JobRefused(str(exc)) from exc
    except services.AttendanceInvalid as exc:
        lines = [_("line %(line)s: %(error)s") % {"line": e.key, "error": e} for e in exc.errors]
        raise JobRefused(
            _("Nothing was imported. Correct these rows and upload the file again:")
            + " "
            + "; ".join(lines)
        ) from exc
    return {"rows": len(rows), "changed": changed, "link": reverse("courses:list")}
