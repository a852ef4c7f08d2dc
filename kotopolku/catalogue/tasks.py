"""Tasks of the catalogue app: the nightly read of the national service catalogue (PTV)."""

from django.conf import settings
from django_tasks import task

from kotopolku.catalogue.models import PtvOrganisation, PtvSyncRun
from kotopolku.catalogue.ptv.client import default_transport
from kotopolku.catalogue.ptv.sync import sync_organisation


def organisations_to_sync() -> list[str]:
    """The PTV organisations named in PTV_ORGANISATIONS and those already matched to a local
    organisation by an earlier run, each once."""
    known = PtvOrganisation.objects.filter(organisation__isnull=False).values_list(
        "ptv_id", flat=True
    )
    return sorted({*settings.PTV_ORGANISATIONS, *known})


@task()
def ptv_sync_all() -> str:
    """Read each organisation's services from PTV and apply the changes (local edits are kept,
    as in a run a coordinator applies). A failed organisation is recorded as a failed run and
    the others still run."""
    transport = default_transport()  # PTV_API_URL: the API, or a file:// folder of answers
    runs = [
        sync_organisation(org_id, dry_run=False, transport=transport)
        for org_id in organisations_to_sync()
    ]
    failed = sum(run.status == PtvSyncRun.Status.FAILED for run in runs)
    return f"{len(runs)} organisation(s), {failed} failed"
