"""Demo data: synthetic protected persons in several municipalities, and one state payment
list for Järvenpää (March 2025) with one difference of every kind. Running it twice changes
nothing. All names and identity codes are invented."""

from datetime import date

from django.db import transaction

from kotopolku.clients.models import Client
from kotopolku.clients.services import client_create, home_period_add
from kotopolku.compensation.models import PaymentList
from kotopolku.compensation.services import payment_list_upload
from kotopolku.organisations.models import Organisation

DEMO_MONTH = date(2025, 3, 1)
DEMO_FILE = "valtion-maksulista-186-2025-03.csv"
_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def demo_hetu(dob: date, individual: int) -> str:
    """A synthetic identity code for `dob` (century sign - or A), with a correct check mark."""
    digits = f"{dob:%d%m%y}{individual:03d}"
    sign = "A" if dob.year >= 2000 else "-"
    return f"{dob:%d%m%y}{sign}{individual:03d}{_CHECK[int(digits) % 31]}"


# external id, first names, last name, date of birth, basis, individual number or None,
# home periods (municipality, start, end)
PERSONS: list[tuple[str, str, str, date, str, int | None, list[tuple[str, date, date | None]]]] = [
    (
        "KOR-DEMO-001",
        "Amina",
        "Hassan",
        date(1994, 5, 1),
        "asylum",
        202,
        [("186", date(2024, 4, 1), None)],
    ),
    (
        "KOR-DEMO-002",
        "Yusuf",
        "Hassan",
        date(2020, 8, 14),
        "family_of_protected",
        311,
        [("186", date(2024, 4, 1), None)],
    ),
    (
        "KOR-DEMO-003",
        "Olena",
        "Kovalenko",
        date(1987, 2, 9),
        "temporary_protection",
        None,
        [("186", date(2024, 9, 1), None)],
    ),
    (
        "KOR-DEMO-004",
        "Taras",
        "Kovalenko",
        date(2019, 11, 30),
        "temporary_protection",
        415,
        [("186", date(2024, 9, 1), None)],
    ),
    (
        "KOR-DEMO-005",
        "Farhan",
        "Ahmadi",
        date(1979, 12, 3),
        "quota_refugee",
        523,
        [("186", date(2021, 6, 1), None)],
    ),
    (
        "KOR-DEMO-006",
        "Maryam",
        "Ahmadi",
        date(2016, 2, 29),
        "family_of_quota_refugee",
        624,
        [("186", date(2025, 1, 20), None)],
    ),
    (
        "KOR-DEMO-007",
        "Samir",
        "Haddad",
        date(1990, 7, 7),
        "work",
        733,
        [("186", date(2023, 3, 1), None)],
    ),
    (
        "KOR-DEMO-008",
        "Hodan",
        "Warsame",
        date(1998, 10, 10),
        "asylum",
        842,
        [("186", date(2021, 1, 10), None)],
    ),
    (
        "KOR-DEMO-009",
        "Dawit",
        "Tesfaye",
        date(1985, 4, 4),
        "subsidiary_protection",
        851,
        [("858", date(2024, 2, 1), date(2025, 2, 14)), ("186", date(2025, 2, 15), None)],
    ),
    (
        "KOR-DEMO-010",
        "Iryna",
        "Melnyk",
        date(1975, 1, 25),
        "temporary_protection",
        None,
        [("858", date(2024, 5, 1), None)],
    ),
    (
        "KOR-DEMO-011",
        "Abdi",
        "Nur",
        date(2012, 6, 6),
        "asylum",
        120,
        [("106", date(2024, 11, 1), None)],
    ),
    (
        "KOR-DEMO-012",
        "Lina",
        "Saleh",
        date(2001, 3, 3),
        "humanitarian_admission",
        233,
        [("543", date(2025, 1, 1), None)],
    ),
]

# The state's list for Järvenpää, March 2025 (semicolon CSV, Finnish headings, decimal comma).
#   001 and 003 paid as expected (003 matched by name and date of birth: no identity code)
#   002 child paid the 7+ amount: an amount difference
#   004 missing from the list: expected but not paid
#   005 quota refugee (period to 2025-05-31) paid twice the month: an amount difference
#   006 missing: expected but not paid
#   007 work permit: paid but not eligible
#   008 asylum, period ended 2024-01-09: paid but outside the period
#   009 moved from Tuusula in February, paid as expected
#   a person not in the registry at all: paid but not in the registry
PAYMENT_ROWS = [
    ("KOR-DEMO-001", "162,92"),
    ("KOR-DEMO-002", "162,92"),
    ("KOR-DEMO-003", "162,92"),
    ("KOR-DEMO-005", "325,84"),
    ("KOR-DEMO-007", "162,92"),
    ("KOR-DEMO-008", "162,92"),
    ("KOR-DEMO-009", "162,92"),
]
UNKNOWN_ROW = ("Virtanen", "Outi Maria", date(1992, 9, 21), 344, "162,92")


def _municipality(code: str) -> Organisation:
    return Organisation.objects.get(municipality_code=code)


def demo_payment_list_csv() -> bytes:
    by_id = {p[0]: p for p in PERSONS}
    lines = ["Henkilötunnus;Sukunimi;Etunimet;Syntymäaika;Korvaus (EUR)"]
    for external_id, amount in PAYMENT_ROWS:
        _, first, last, dob, _basis, individual, _periods = by_id[external_id]
        code = demo_hetu(dob, individual) if individual is not None else ""
        lines.append(f"{code};{last};{first};{dob:%d.%m.%Y};{amount}")
    last, first, dob, individual, amount = UNKNOWN_ROW
    lines.append(f"{demo_hetu(dob, individual)};{last};{first};{dob:%d.%m.%Y};{amount}")
    return ("\n".join(lines) + "\n").encode("utf-8")


DEMO_MAPPING = {
    "identity_code": "Henkilötunnus",
    "last_name": "Sukunimi",
    "first_names": "Etunimet",
    "date_of_birth": "Syntymäaika",
    "amount": "Korvaus (EUR)",
}


@transaction.atomic
def seed_compensation_demo(*, actor=None) -> PaymentList:
    for external_id, first, last, dob, basis, individual, periods in PERSONS:
        if Client.objects.filter(external_id=external_id).exists():
            continue
        (code, start, end), *rest = periods
        client = client_create(
            actor=actor,
            external_id=external_id,
            first_names=first,
            last_name=last,
            date_of_birth=dob,
            permit_basis=basis,
            hetu=demo_hetu(dob, individual) if individual is not None else "",
            home_municipality=_municipality(code),
            home_start=start,
            client_since=start,
        )
        if end is not None:
            client.home_periods.update(end=end)
        for code, start, end in rest:
            home_period_add(
                actor=actor, client=client, municipality=_municipality(code), start=start, end=end
            )
    jarvenpaa = _municipality("186")
    existing = PaymentList.objects.filter(
        municipality=jarvenpaa, month=DEMO_MONTH, file_name=DEMO_FILE, archived=False
    ).first()
    if existing is not None:
        return existing
    return payment_list_upload(
        actor=actor,
        municipality=jarvenpaa,
        month=DEMO_MONTH,
        file_name=DEMO_FILE,
        content=demo_payment_list_csv(),
        mapping=DEMO_MAPPING,
    )
