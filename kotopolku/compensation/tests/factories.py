"""Test data set up through the clients app's real services."""

from datetime import date

from kotopolku.clients.services import client_create, home_period_add
from kotopolku.organisations.models import Organisation


def municipality(code: str) -> Organisation:
    return Organisation.objects.get(municipality_code=code)


def protected_person(
    external_id: str,
    *,
    basis: str = "asylum",
    dob: date = date(1990, 5, 1),
    periods=(("186", date(2024, 4, 1), None),),
    actor=None,
    first_names: str = "Amina",
    last_name: str = "Hassan",
    hetu: str = "",
):
    """A client with the given home-municipality periods, in order of start."""
    first, *rest = periods
    client = client_create(
        actor=actor,
        external_id=external_id,
        first_names=first_names,
        last_name=last_name,
        date_of_birth=dob,
        permit_basis=basis,
        hetu=hetu,
        home_municipality=municipality(first[0]),
        home_start=first[1],
    )
    if first[2] is not None:
        client.home_periods.update(end=first[2])
    for code, start, end in rest:
        home_period_add(
            actor=actor, client=client, municipality=municipality(code), start=start, end=end
        )
    return client
