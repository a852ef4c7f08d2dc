"""Synthetic demo clients for the Keski-Uusimaa demo. All names and codes are invented.

Deterministic: client number i always gets the same data (its own seeded random generator),
whatever N is. Idempotent by external id: running the seed again adds only missing clients.
"""

import random
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kotopolku.clients import selectors, services
from kotopolku.clients.models import Client, Consent
from kotopolku.organisations.models import Organisation

PREFIX = "DEMO-"

# (language code, citizenship, first names by gender, last names)
GROUPS = {
    "arabic": (
        "ar",
        "SY",
        {
            "female": ["Amina", "Fatima", "Layla", "Noor", "Rania", "Huda", "Salma", "Yasmin"],
            "male": ["Ahmad", "Omar", "Khaled", "Yousef", "Hassan", "Tariq", "Samir", "Bilal"],
        },
        ["Al-Hassan", "Haddad", "Khalil", "Nasser", "Saleh", "Mansour", "Darwish", "Aziz"],
    ),
    "somali": (
        "so",
        "SO",
        {
            "female": ["Hodan", "Faadumo", "Sahra", "Ayaan", "Hibaaq", "Nimco", "Ubah", "Deeqa"],
            "male": ["Abdi", "Mohamed", "Abdirahman", "Liban", "Farah", "Guled", "Yusuf", "Hassan"],
        },
        ["Warsame", "Ali", "Farah", "Jama", "Osman", "Hirsi", "Nur", "Abdullahi"],
    ),
    "ukrainian": (
        "uk",
        "UA",
        {
            "female": ["Olena", "Iryna", "Oksana", "Kateryna", "Nataliia", "Yuliia", "Sofiia"],
            "male": ["Oleksandr", "Andrii", "Dmytro", "Serhii", "Mykola", "Taras", "Bohdan"],
        },
        ["Kovalenko", "Shevchenko", "Bondarenko", "Tkachenko", "Melnyk", "Kravchenko", "Boiko"],
    ),
    "dari": (
        "prs",
        "AF",
        {
            "female": ["Mariam", "Zahra", "Parwana", "Shabnam", "Farzana", "Nilofar", "Roya"],
            "male": ["Ahmad", "Mohammad", "Farid", "Jawad", "Karim", "Nasir", "Wahid"],
        },
        ["Ahmadi", "Rahimi", "Karimi", "Hosseini", "Sultani", "Nazari", "Azizi"],
    ),
}
# Group, its share, and the permit bases typical for it.
GROUP_WEIGHTS = [("arabic", 30), ("somali", 15), ("ukrainian", 30), ("dari", 15), ("finnish", 10)]
BASES = {
    "arabic": ["asylum", "subsidiary_protection", "quota_refugee", "family_of_protected", "work"],
    "somali": ["family_of_protected", "asylum", "quota_refugee", "family"],
    "ukrainian": ["temporary_protection", "temporary_protection", "work", "study"],
    "dari": ["quota_refugee", "family_of_quota_refugee", "asylum", "humanitarian_admission"],
    "finnish": ["family", "work", "eu_registration", "nordic", "other"],
}
# The six municipalities, weighted roughly by population.
MUNICIPALITY_WEIGHTS = [("106", 47), ("186", 45), ("505", 21), ("543", 44), ("611", 5), ("858", 40)]
_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def demo_hetu(born: date, individual: int, rng: random.Random) -> str:
    """A synthetic, valid identity code; the 2023 century signs are used for some."""
    if born.year >= 2000:
        sign = rng.choice("ABCDEF")
    elif born.year >= 1900:
        sign = rng.choice("-YXWVU")
    else:
        sign = "+"
    body = f"{born:%d%m%y}{individual:03d}"
    return f"{born:%d%m%y}{sign}{individual:03d}{_CHECK[int(body) % 31]}"


def _name(group: str, gender: str, rng: random.Random, index: int) -> tuple[str, str]:
    if group == "finnish":
        from faker import Faker

        fake = Faker("fi_FI")
        fake.seed_instance(index)
        first = fake.first_name_female() if gender == "female" else fake.first_name_male()
        return first, fake.last_name()
    _, _, first_names, last_names = GROUPS[group]
    first = rng.choice(first_names[gender])
    if rng.random() < 0.3:
        first = f"{first} {rng.choice(first_names[gender])}"
    return first, rng.choice(last_names)


def _weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([k for k, _ in pairs], weights=[w for _, w in pairs])[0]


def demo_client_data(index: int, today: date) -> dict:
    """The arguments for client number `index`; the same index always gives the same client."""
    rng = random.Random(f"kotopolku-demo-client-{index}")  # noqa: S311 (synthetic data)
    group = _weighted(rng, GROUP_WEIGHTS)
    gender = rng.choice(["female", "male"])
    first, last = _name(group, gender, rng, index)
    permit = today - timedelta(days=rng.randint(20, 3 * 365 + 200))
    age = rng.choices([rng.randint(1, 17), rng.randint(18, 64), rng.randint(65, 80)], [2, 7, 1])[0]
    born = permit - timedelta(days=age * 365 + rng.randint(0, 364))
    basis = rng.choice(BASES[group])
    arrival = (
        permit + timedelta(days=rng.randint(0, 30))
        if basis.startswith("quota")
        else (permit - timedelta(days=rng.randint(30, 400)))
    )
    arrival = max(arrival, born)
    home_start = max(permit, arrival) + timedelta(days=rng.randint(0, 60))
    home_start = min(home_start, today)
    municipality = _weighted(rng, MUNICIPALITY_WEIGHTS)
    language, citizenship = ("fi", "FI") if group == "finnish" else GROUPS[group][:2]
    if group == "finnish":
        citizenship = rng.choice(["SE", "EE", "RU", "TH"])
        language = {"SE": "sv", "EE": "et", "RU": "ru", "TH": "th"}[citizenship]
    levels = ["A1.1", "A1.1", "A1.2", "A1.3", "A2.1", "A2.2", "B1.1"]
    languages = [{"code": language, "mother_tongue": True}]
    if rng.random() < 0.8:
        languages.append({"code": "fi", "level": rng.choice(levels)})
    if rng.random() < 0.4:
        languages.append({"code": "en", "level": rng.choice(["A2.1", "B1.1", "B1.2", "B2.1"])})
    hetu = ""
    if rng.random() < 0.6:
        individual = rng.randint(900, 999) if rng.random() < 0.2 else rng.randint(2, 899)
        hetu = demo_hetu(born, individual, rng)
    return {
        "external_id": f"{PREFIX}{index:04d}",
        "first_names": first,
        "last_name": last,
        "date_of_birth": born,
        "gender": gender,
        "citizenship": citizenship,
        "hetu": hetu,
        "permit_basis": basis,
        "first_permit_date": permit,
        "arrival_date": arrival,
        "jobseeker": 18 <= age <= 64 and rng.random() < 0.5,
        "interpreter_needed": rng.random() < 0.6,
        "interpreter_language": language if language not in ("fi", "sv") else "",
        "phone": f"040 {rng.randint(1000000, 9999999)}",
        "client_since": min(home_start + timedelta(days=rng.randint(0, 45)), today),
        "home_municipality_code": municipality,
        "home_start": home_start,
        "languages": languages,
        "move": rng.random() < 0.1,
        "move_to": _weighted(rng, MUNICIPALITY_WEIGHTS),
        "consent": rng.random() < 0.2,
        "rng_state": rng.random(),
    }


@transaction.atomic
def seed_clients(count: int = 200, *, actor=None) -> int:
    """Create the first `count` demo clients that are missing; returns how many were created."""
    today = timezone.localdate()
    municipalities = {
        o.municipality_code: o
        for o in Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).select_related(
            "employment_area"
        )
    }
    if not municipalities:
        return 0
    existing = set(
        Client.objects.filter(external_id__startswith=PREFIX).values_list("external_id", flat=True)
    )
    # Two clients of three get a case worker of their responsible organisation (when the demo
    # users exist), so that the worklist's worker filter has something to show.
    workers: dict[int, list] = {}
    for organisation in municipalities.values():
        for responsible in (organisation, organisation.employment_area):
            if responsible is not None and responsible.pk not in workers:
                workers[responsible.pk] = list(
                    selectors.responsible_workers(organisation_ids=[responsible.pk])
                )
    created = 0
    for index in range(1, count + 1):
        data = demo_client_data(index, today)
        if data["external_id"] in existing:
            continue
        home = municipalities.get(data.pop("home_municipality_code"))
        move, move_to = data.pop("move"), municipalities.get(data.pop("move_to"))
        consent = data.pop("consent")
        data.pop("rng_state")
        responsible = services.derived_responsible(municipality=home, jobseeker=data["jobseeker"])
        staff = workers.get(responsible.pk, []) if responsible is not None else []
        if staff and index % 3:
            data["responsible_worker"] = staff[index % len(staff)]
        try:
            client = services.client_create(actor=actor, home_municipality=home, **data)
        except ValidationError:
            # An invented code may collide with another invented one; keep the client without.
            data["hetu"] = ""
            client = services.client_create(actor=actor, home_municipality=home, **data)
        created += 1
        moved_on = data["home_start"] + timedelta(days=200)
        if move and move_to and move_to != home and moved_on < today:
            services.home_period_add(
                actor=actor, client=client, municipality=move_to, start=moved_on
            )
            if consent:
                target = services.transfer_target(client)
                if target is not None:
                    services.consent_add(
                        actor=actor,
                        client=client,
                        organisation=target,
                        purpose=Consent.Purpose.TRANSFER,
                        valid_from=moved_on,
                        valid_until=moved_on + timedelta(days=730),
                    )
    return created
