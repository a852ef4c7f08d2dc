import uuid

from kotopolku.access.matrix import STAFF_ROLES, Expect, staff_page

ADMIN = {"admin"}
SOMEONE_ELSES = uuid.UUID("00000000-0000-4000-8000-000000000001")


def _not_found_for_staff() -> dict[str, int]:
    status = dict.fromkeys(STAFF_ROLES, 404)
    status["anonymous"] = 302
    return status


URL_ACCESS = {
    "jobs:list": staff_page(STAFF_ROLES),
    "jobs:schedules": staff_page(ADMIN),
    # POST only: a GET is refused (405) to those who may, 403 to the rest.
    "jobs:schedule_run": staff_page(ADMIN, ok=405, kwargs=lambda: {"name": "security_checks"}),
    # A job that is not the user's own is not found, whoever asks.
    "jobs:detail": Expect(_not_found_for_staff(), kwargs=lambda: {"pk": SOMEONE_ELSES}),
    "jobs:status": Expect(_not_found_for_staff(), kwargs=lambda: {"pk": SOMEONE_ELSES}),
    "jobs:download": Expect(_not_found_for_staff(), kwargs=lambda: {"pk": SOMEONE_ELSES}),
}
