"""Tasks of the jobs app. Scheduled tasks of all apps are listed in jobs/schedules.py."""

from django_tasks import task

from kotopolku.jobs import services


@task()
def run_job(job_id: str) -> str:
    """Run one user job (a document, an upload, an export); see jobs.registry."""
    return services.job_execute(job_id=job_id)


@task()
def expire_job_results() -> int:
    """Delete job result files past their expiry."""
    return services.jobs_expire()


@task()
def recover_jobs() -> str:
    """Queue again the jobs whose task was lost; fail those that will not finish."""
    requeued, failed = services.jobs_recover()
    return f"requeued {requeued}, failed {failed}"


@task()
def run_command(name: str, *args: str) -> str:
    """Run a management command by name (retention, monitoring, document publication).

    By name, so that this app never imports the domain apps; returns the command's last lines
    of output, which the schedules page shows as the outcome.
    """
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command(name, *args, stdout=out, stderr=out)
    lines = out.getvalue().strip().splitlines()
    return "\n".join(lines[-5:])


@task()
def publish_programme() -> str:
    """Publish the approved programme document (fi and sv, PDF and DOCX) to PUBLISH_DIR.

    Writes to a temporary name and renames, so that a reader never sees half a file.
    """
    import os
    from pathlib import Path

    from django.conf import settings
    from django.core.management import call_command

    folder = Path(settings.PUBLISH_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for language in ("fi", "sv"):
        for fmt in ("pdf", "docx"):
            target = folder / f"kotoutumisohjelma-{language}.{fmt}"
            partial = target.with_suffix(f".{fmt}.partial")
            call_command(
                "programme_document",
                "--language",
                language,
                "--format",
                fmt,
                "--output",
                str(partial),
            )
            os.replace(partial, target)
            written.append(target.name)
    return ", ".join(written)
