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
