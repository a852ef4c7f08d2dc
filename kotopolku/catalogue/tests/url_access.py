from kotopolku.access.matrix import STAFF_ROLES, Expect, api, public_page, staff_page


def _service():
    from kotopolku.catalogue.models import Service

    return {"pk": Service.objects.filter(archived=False).order_by("pk").first().pk}


MANAGERS = {"coordinator"}

URL_ACCESS = {
    "catalogue:list": staff_page(STAFF_ROLES),
    "catalogue:public": public_page(),
    "catalogue:completeness": staff_page(STAFF_ROLES),
    "catalogue:create": staff_page(MANAGERS),
    "catalogue:detail": staff_page(STAFF_ROLES, kwargs=_service),
    "catalogue:edit": staff_page(MANAGERS, kwargs=_service),
    "catalogue:archive": staff_page(MANAGERS, kwargs=_service),
    "api:category-list": public_page(),
    "api:public-service-list": public_page(),
    "api:service-list": api(STAFF_ROLES),
    "api:service-detail": api(STAFF_ROLES, kwargs=_service),
    "api:completeness": api(STAFF_ROLES),
    # POST only: GET is refused after the permission check.
    "api:service-archive": Expect(
        status={**api(MANAGERS).status, "coordinator": 405}, kwargs=_service
    ),
}


def _ptv_run():
    from kotopolku.catalogue.models import PtvSyncRun

    run = PtvSyncRun.objects.create(
        organisation_ptv_id="7d5b4a2e-1f3c-4e8a-9b6d-2c1e0f9a8b71", status="previewed"
    )
    return {"pk": run.pk}


URL_ACCESS |= {
    "catalogue:ptv": staff_page(MANAGERS),
    "catalogue:ptv-run": staff_page(MANAGERS, kwargs=_ptv_run),
    # A demo service made here has no PTV classification: the page names what PTV lacks.
    "catalogue:ptv-export": staff_page(STAFF_ROLES, kwargs=_service, ok=409),
}
