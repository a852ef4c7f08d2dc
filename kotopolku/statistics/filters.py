"""The filters every indicator takes: a period (a year or a quarter) and who is counted.

Client attributes are read as follows:
- municipality: the client's home municipality on the day of the counted event (a client who
  moves mid-year counts where they lived when the event happened); for guidance contacts, the
  organisation that gave the guidance, since anonymous contacts have no client;
- organisation: the organisation of the counted record where it has one, else the client's
  responsible organisation;
- age band: completed years on the last day of the period (`common.dates.age_on`);
- language: the client's mother tongue (for guidance contacts, the language of the contact).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from kotopolku.clients.models import Client, ClientLanguage, HomeMunicipalityPeriod
from kotopolku.common.dates import add_years, age_on
from kotopolku.rules.periods import living_in

PERMIT_GROUPS: dict[str, tuple[str, ...]] = {
    "protection": tuple(sorted(Client.ELIGIBLE_BASES)),
    "work": (Client.PermitBasis.WORK,),
    "study": (Client.PermitBasis.STUDY,),
    "family": (Client.PermitBasis.FAMILY,),
    "other": (
        Client.PermitBasis.EU_REGISTRATION,
        Client.PermitBasis.NORDIC,
        Client.PermitBasis.OTHER,
    ),
}
PERMIT_GROUP_LABELS = {
    "protection": _("international protection and comparable"),
    "work": _("work"),
    "study": _("study"),
    "family": _("family ties"),
    "other": _("other grounds"),
}

# (key, lowest age, highest age or None)
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0-6", 0, 6),
    ("7-17", 7, 17),
    ("18-29", 18, 29),
    ("30-64", 30, 64),
    ("65+", 65, None),
)
GENDERS = (*Client.Gender.values, "")

PERIOD_RE = re.compile(r"^(?P<year>[0-9]{4})(-Q(?P<quarter>[1-4]))?$")


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str

    @classmethod
    def parse(cls, text: str) -> Period:
        """ "2025" or "2025-Q3"; ValueError for anything else."""
        match = PERIOD_RE.match((text or "").strip().upper())
        if not match:
            raise ValueError(text)
        year = int(match["year"])
        if not 2000 <= year <= 2100:
            raise ValueError(text)
        if match["quarter"]:
            quarter = int(match["quarter"])
            start = date(year, 3 * quarter - 2, 1)
            end = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - timedelta(days=1)
            return cls(start, end, f"{year}-Q{quarter}")
        return cls(date(year, 1, 1), date(year, 12, 31), str(year))

    @classmethod
    def year(cls, year: int) -> Period:
        return cls.parse(str(year))


def earliest_birth_for_age_below(on: date, age: int) -> date:
    """The earliest date of birth of a person whose age on `on` is below `age`."""
    day = add_years(on, -age)
    # add_years clamps 29 February; step until the first birth date that is still younger.
    while age_on(day, on) >= age:
        day += timedelta(days=1)
    while age_on(day - timedelta(days=1), on) < age:
        day -= timedelta(days=1)
    return day


def age_band_q(band: str, on: date, path: str = "") -> Q:
    for key, low, high in AGE_BANDS:
        if key == band:
            q = Q(**{f"{path}date_of_birth__lt": earliest_birth_for_age_below(on, low)})
            if high is not None:
                q &= Q(**{f"{path}date_of_birth__gte": earliest_birth_for_age_below(on, high + 1)})
            return q
    raise ValueError(band)


@dataclass(frozen=True)
class Filters:
    period: Period
    municipality_id: int | None = None
    organisation_id: int | None = None
    permit_group: str = ""
    age_band: str = ""
    gender: str = ""
    language: str = ""

    def with_period(self, period: Period) -> Filters:
        return replace(self, period=period)

    @property
    def has_client_filters(self) -> bool:
        return bool(self.permit_group or self.age_band or self.gender or self.language)

    def as_query(self) -> dict[str, str]:
        """The filters as GET parameters (for export links)."""
        values = {
            "period": self.period.label,
            "municipality": str(self.municipality_id or ""),
            "organisation": str(self.organisation_id or ""),
            "permit_group": self.permit_group,
            "age_band": self.age_band,
            "gender": self.gender,
            "language": self.language,
        }
        return {k: v for k, v in values.items() if v}


def municipality_exists(client_ref: str, day_ref, municipality_id: int) -> Exists:
    """True when the client's home municipality on the day is `municipality_id`.

    `client_ref` names the client id in the outer query; `day_ref` is an outer field name or a
    date.
    """
    return living_in(
        HomeMunicipalityPeriod.objects.all(),
        client_ref=client_ref,
        day=day_ref,
        municipality_id=municipality_id,
    )


def client_q(filters: Filters, path: str = "") -> Q:
    """The client-attribute filters, for a query whose client is reached through `path`."""
    q = Q()
    if filters.permit_group:
        q &= Q(**{f"{path}permit_basis__in": PERMIT_GROUPS[filters.permit_group]})
    if filters.gender:
        q &= Q(**{f"{path}gender": "" if filters.gender == "unknown" else filters.gender})
    if filters.age_band:
        q &= age_band_q(filters.age_band, filters.period.end, path)
    if filters.language:
        client_id = path.rstrip("_") + "_id" if path else "id"
        q &= Q(
            Exists(
                ClientLanguage.objects.filter(
                    client_id=OuterRef(client_id), mother_tongue=True, code=filters.language
                )
            )
        )
    return q
