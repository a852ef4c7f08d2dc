"""Test data through the real services. Others' tests may use these too.

client = ClientFactory(municipality_code="186")            # a Järvenpää client
client = ClientFactory(jobseeker=True, hetu=valid_hetu(date(1990, 1, 2)))
consent = ConsentFactory(client=client, organisation=tuusula)
"""

import random
from datetime import date, timedelta
from typing import Any

import factory
from django.contrib.auth import get_user_model

from kotopolku.clients import services
from kotopolku.clients.models import Client, Consent
from kotopolku.organisations.models import Organisation

_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
_SIGN = {1800: "+", 1900: "-", 2000: "A"}


def valid_hetu(
    born: date, *, individual: int | None = None, sign: str | None = None, seed: int = 0
) -> str:
    """A valid synthetic identity code for `born` (temporary 900–999 unless told otherwise)."""
    number = individual if individual is not None else random.Random(seed).randint(900, 999)  # noqa: S311
    century_sign = sign or _SIGN[born.year // 100 * 100]
    body = f"{born:%d%m%y}{number:03d}"
    return f"{born:%d%m%y}{century_sign}{number:03d}{_CHECK[int(body) % 31]}"


def municipality(code: str = "186") -> Organisation:
    return Organisation.objects.get(municipality_code=code)


def staff_user(username: str = "factory-actor"):
    user, _ = get_user_model().objects.get_or_create(username=username)
    return user


class ClientFactory(factory.Factory):
    """Builds arguments and calls `services.client_create`.

    `municipality_code` (default 186, Järvenpää) opens the first home-municipality period;
    pass `municipality_code=None` for a client without one. The demo region must exist.
    """

    class Meta:
        model = Client

    external_id = factory.Sequence(lambda n: f"TEST-{n:05d}")
    first_names = factory.Faker("first_name", locale="fi_FI")
    last_name = factory.Faker("last_name", locale="fi_FI")
    date_of_birth = date(1990, 5, 17)
    permit_basis = Client.PermitBasis.ASYLUM
    first_permit_date = date(2024, 3, 15)
    arrival_date = date(2024, 2, 20)
    client_since = date(2024, 4, 1)
    jobseeker = False

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Client:
        actor = kwargs.pop("actor", None) or staff_user()
        code = kwargs.pop("municipality_code", "186")
        if code is not None and "home_municipality" not in kwargs:
            kwargs["home_municipality"] = municipality(code)
        return services.client_create(actor=actor, **kwargs)


class ConsentFactory(factory.Factory):
    class Meta:
        model = Consent

    purpose = Consent.Purpose.PLANNING
    valid_from = factory.LazyFunction(lambda: date.today() - timedelta(days=30))  # noqa: DTZ011
    valid_until = factory.LazyFunction(lambda: date.today() + timedelta(days=365))  # noqa: DTZ011

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Consent:
        actor = kwargs.pop("actor", None) or staff_user()
        return services.consent_add(actor=actor, **kwargs)
