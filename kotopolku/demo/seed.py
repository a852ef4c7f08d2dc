"""The Keski-Uusimaa demo: region, organisations, demo users. Running it twice changes nothing."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from kotopolku.casework.demo import seed_casework
from kotopolku.catalogue.demo import seed_catalogue
from kotopolku.clients.demo import seed_clients
from kotopolku.compensation.demo import seed_compensation_demo
from kotopolku.courses.demo import seed_courses_demo
from kotopolku.governance.demo import seed_governance
from kotopolku.organisations.models import Membership, Organisation, Region
from kotopolku.privacy.demo import seed_privacy_demo
from kotopolku.programme.demo import seed_programme
from kotopolku.rules.demo import seed_rules_demo
from kotopolku.rules.models import StatutoryRule
from kotopolku.rules.seed import load_rules

DEMO_PASSWORD = "kotopolku-demo"  # noqa: S105 (documented demo password, DEBUG only)

REGION = {
    "slug": "keski-uusimaa",
    "name_fi": "Keski-Uusimaa",
    "name_sv": "Mellersta Nyland",
    "name_en": "Central Uusimaa",
}

# (code, Finnish, Swedish)
MUNICIPALITIES = [
    ("106", "Hyvinkää", "Hyvinge"),
    ("186", "Järvenpää", "Träskända"),
    ("505", "Mäntsälä", "Mäntsälä"),
    ("543", "Nurmijärvi", "Nurmijärvi"),
    ("611", "Pornainen", "Borgnäs"),
    ("858", "Tuusula", "Tusby"),
]

EMPLOYMENT_AREA = (
    "employment_area",
    "Keski-Uudenmaan työllisyysalue",
    "Mellersta Nylands sysselsättningsområde",
    "Central Uusimaa employment area",
)
WELLBEING_COUNTY = (
    "wellbeing_county",
    "Keski-Uudenmaan hyvinvointialue (Keusote)",
    "Mellersta Nylands välfärdsområde (Keusote)",
    "Central Uusimaa wellbeing services county (Keusote)",
)
OTHERS = [
    (
        "education",
        "Keski-Uudenmaan koulutuskuntayhtymä Keuda",
        "Samkommunen för utbildning i Mellersta Nyland Keuda",
        "Central Uusimaa education consortium Keuda",
    ),
    (
        "ngo",
        "Monikulttuurinen yhdistys Kotiranta ry (demo)",
        "Mångkulturella föreningen Kotiranta rf (demo)",
        "Multicultural association Kotiranta (demo)",
    ),
]

# username, first name, last name, organisation key, role, title
DEMO_USERS = [
    (
        "coordinator",
        "Kaisa",
        "Koordinaattori",
        "186",
        "coordinator",
        "Alueellinen kotoutumiskoordinaattori",
    ),
    ("caseworker-jarvenpaa", "Jussi", "Järvinen", "186", "caseworker", "Sosiaaliohjaaja"),
    ("caseworker-tuusula", "Tuula", "Tuominen", "858", "caseworker", "Maahanmuuttajatyön ohjaaja"),
    (
        "caseworker-employment",
        "Elias",
        "Eskola",
        "employment_area",
        "caseworker",
        "Työllisyysasiantuntija",
    ),
    ("provider", "Paula", "Peltonen", "education", "provider", "Kouluttaja"),
    ("viewer", "Ville", "Valtuutettu", "186", "viewer", "Hyvinvointilautakunnan jäsen"),
    ("admin", "Anna", "Ylläpitäjä", "186", "admin", "Pääkäyttäjä"),
]


@dataclass
class SeedResult:
    organisations: int = 0
    users_created: int = 0
    rules_created: int = 0
    usernames: list[str] = field(default_factory=list)


def _organisation(key: tuple, region: Region, **extra) -> Organisation:
    kind, fi, sv, en = key
    org, _ = Organisation.objects.get_or_create(
        kind=kind,
        name_fi=fi,
        defaults={"name": fi, "name_sv": sv, "name_en": en, "region": region, **extra},
    )
    return org


@transaction.atomic
def seed_demo(*, with_users: bool, clients: int = 200) -> SeedResult:
    result = SeedResult()
    result.rules_created = load_rules(StatutoryRule)
    region, _ = Region.objects.get_or_create(
        slug=REGION["slug"], defaults={**REGION, "name": REGION["name_fi"]}
    )
    employment = _organisation(EMPLOYMENT_AREA, region)
    county = _organisation(WELLBEING_COUNTY, region)
    by_key = {"employment_area": employment, "wellbeing_county": county}
    for code, fi, sv in MUNICIPALITIES:
        org, _ = Organisation.objects.get_or_create(
            municipality_code=code,
            defaults={
                "kind": Organisation.Kind.MUNICIPALITY,
                "name": fi,
                "name_fi": fi,
                "name_sv": sv,
                "name_en": fi,
                "region": region,
                "employment_area": employment,
                "wellbeing_county": county,
            },
        )
        by_key[code] = org
    for other in OTHERS:
        by_key[other[0]] = _organisation(other, region)
    result.organisations = Organisation.objects.filter(region=region).count()

    if with_users:
        User = get_user_model()
        for username, first, last, org_key, role, title in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@demo.kotopolku.invalid",
                    "is_staff": role == "admin",
                    "is_superuser": role == "admin",
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                result.users_created += 1
            Membership.objects.get_or_create(
                user=user, organisation=by_key[org_key], role=role, defaults={"title": title}
            )
            result.usernames.append(username)
    if clients:
        seed_clients(clients)
    if clients:
        seed_compensation_demo()
        seed_casework()
    seed_catalogue()
    seed_programme()
    seed_governance()
    seed_rules_demo()
    if clients:
        seed_courses_demo()
        seed_privacy_demo()
    return result
