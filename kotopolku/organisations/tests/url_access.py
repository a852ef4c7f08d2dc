from kotopolku.access.matrix import STAFF_ROLES, staff_page
from kotopolku.organisations.models import Membership, Organisation


def _jarvenpaa():
    return {"pk": Organisation.objects.get(municipality_code="186").pk}


def _jarvenpaa_membership():
    membership = Membership.objects.get(user__username="caseworker-jarvenpaa")
    return {"pk": membership.organisation_id, "membership_pk": membership.pk}


MANAGERS = {"admin", "coordinator"}  # the demo coordinator belongs to Järvenpää

URL_ACCESS = {
    "organisations:list": staff_page(STAFF_ROLES),
    "organisations:detail": staff_page(STAFF_ROLES, kwargs=_jarvenpaa),
    "organisations:membership_add": staff_page(MANAGERS, kwargs=_jarvenpaa),
    "organisations:membership_remove": staff_page(MANAGERS, kwargs=_jarvenpaa_membership),
}
