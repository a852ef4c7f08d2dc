"""Demo courses of Keski-Uusimaa: social orientation in Arabic, Russian, Ukrainian, Somali and
Dari, and integration training groups in Järvenpää and Tuusula, run by Keuda (the demo
provider's organisation) with one orientation group by an NGO. Synthetic clients with plans are
enrolled through their plan services, and past sessions have attendance; the integration
training groups have work placements and final test results.

Dates follow today, so the courses are always running. Running it twice changes nothing:
courses are found by code, clients by external id, and attendance is only added to sessions
that have none. All names are invented.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kotopolku.casework import services as casework_services
from kotopolku.casework.models import PlanService
from kotopolku.catalogue.models import Service, ServiceCategory
from kotopolku.clients.models import Client
from kotopolku.clients.services import client_create
from kotopolku.courses import services
from kotopolku.courses.models import Attendance, Course, Enrolment
from kotopolku.organisations.models import Organisation

ORIENTATION_TOPICS = ["society", "living", "working", "rights_duties"]

# code, kind, name, language, municipality, provider key, weeks since start, capacity,
# planned hours, sessions per week, hours per session, number of sessions
COURSES = [
    (
        "SO-AR-JP",
        "social_orientation",
        "Yhteiskuntaorientaatio arabiaksi",
        "ar",
        "186",
        "education",
        12,
        16,
        "72",
        2,
        "3",
        24,
    ),
    (
        "SO-RU-HY",
        "social_orientation",
        "Yhteiskuntaorientaatio venäjäksi",
        "ru",
        "106",
        "education",
        6,
        12,
        "72",
        2,
        "3",
        24,
    ),
    (
        "SO-UK-TU",
        "social_orientation",
        "Yhteiskuntaorientaatio ukrainaksi",
        "uk",
        "858",
        "education",
        8,
        15,
        "72",
        2,
        "3",
        24,
    ),
    (
        "SO-SO-JP",
        "social_orientation",
        "Yhteiskuntaorientaatio somaliksi",
        "so",
        "186",
        "ngo",
        4,
        12,
        "72",
        2,
        "3",
        24,
    ),
    (
        "SO-FA-JP",
        "social_orientation",
        "Yhteiskuntaorientaatio dariksi",
        "fa",
        "186",
        "education",
        2,
        10,
        "72",
        2,
        "3",
        24,
    ),
    (
        "KK-FI-JP",
        "integration_training",
        "Kotoutumiskoulutus, Järvenpää, ryhmä A",
        "fi",
        "186",
        "education",
        20,
        18,
        "800",
        4,
        "4",
        100,
    ),
    (
        "KK-FI-TU",
        "integration_training",
        "Kotoutumiskoulutus, Tuusula, ryhmä B",
        "fi",
        "858",
        "education",
        10,
        18,
        "800",
        4,
        "4",
        100,
    ),
]

# external id, first names, last name, born, mother tongue, municipality, course code,
# attended share of past sessions (in tenths; a few land exactly at or below P7)
CLIENTS = [
    ("KURSSI-DEMO-001", "Amal", "Haddad", date(1988, 3, 14), "ar", "186", "SO-AR-JP", 10),
    ("KURSSI-DEMO-002", "Omar", "Khalil", date(1979, 11, 2), "ar", "186", "SO-AR-JP", 9),
    ("KURSSI-DEMO-003", "Layla", "Nasser", date(1995, 6, 21), "ar", "186", "SO-AR-JP", 10),
    ("KURSSI-DEMO-004", "Hassan", "Saleh", date(1990, 1, 9), "ar", "186", "SO-AR-JP", 7),
    ("KURSSI-DEMO-005", "Mariam", "Yousef", date(1984, 8, 30), "ar", "186", "SO-AR-JP", 10),
    ("KURSSI-DEMO-006", "Ahmad", "Rahimi", date(1992, 4, 17), "fa", "186", "SO-FA-JP", 10),
    ("KURSSI-DEMO-007", "Zahra", "Hosseini", date(1998, 12, 5), "fa", "186", "SO-FA-JP", 10),
    ("KURSSI-DEMO-008", "Hodan", "Warsame", date(1986, 2, 11), "so", "186", "SO-SO-JP", 9),
    ("KURSSI-DEMO-009", "Abdi", "Farah", date(1981, 7, 3), "so", "186", "SO-SO-JP", 10),
    ("KURSSI-DEMO-010", "Oksana", "Melnyk", date(1985, 9, 12), "uk", "858", "SO-UK-TU", 10),
    ("KURSSI-DEMO-011", "Dmytro", "Shevchenko", date(1977, 5, 28), "uk", "858", "SO-UK-TU", 8),
    ("KURSSI-DEMO-012", "Iryna", "Bondarenko", date(1993, 10, 1), "uk", "858", "SO-UK-TU", 10),
    ("KURSSI-DEMO-013", "Svetlana", "Ivanova", date(1983, 3, 3), "ru", "106", "SO-RU-HY", 10),
    ("KURSSI-DEMO-014", "Samira", "Aziz", date(1991, 2, 19), "ar", "186", "KK-FI-JP", 10),
    ("KURSSI-DEMO-015", "Yonas", "Tesfaye", date(1994, 6, 6), "ti", "186", "KK-FI-JP", 9),
    ("KURSSI-DEMO-016", "Fatima", "Noori", date(1989, 9, 23), "fa", "186", "KK-FI-JP", 10),
    ("KURSSI-DEMO-017", "Mohamed", "Ali", date(1987, 12, 12), "so", "186", "KK-FI-JP", 8),
    ("KURSSI-DEMO-018", "Olena", "Tkachenko", date(1990, 4, 4), "uk", "858", "KK-FI-TU", 10),
    ("KURSSI-DEMO-019", "Andrii", "Kovalchuk", date(1982, 1, 30), "uk", "858", "KK-FI-TU", 9),
]

LEAVE_UNMARKED = {"SO-FA-JP", "KK-FI-TU"}

# For the Arabic group: one participant exactly at 69.5 hours (not completed, P7).
JUST_BELOW = "KURSSI-DEMO-004"


def _orgs() -> dict[str, Organisation]:
    orgs = {
        o.municipality_code: o
        for o in Organisation.objects.filter(kind="municipality")
        if o.municipality_code
    }
    for kind in ("education", "ngo", "employment_area"):
        found = Organisation.objects.filter(kind=kind).order_by("pk").first()
        if found is not None:
            orgs[kind] = found
    return orgs


def _service(kind: str, provider: Organisation, on: date) -> Service:
    category = Course.CATEGORY_OF_KIND[kind]
    found = Service.objects.filter(category_id=category, archived=False).order_by("pk").first()
    if found is not None:
        return found
    # The catalogue demo normally has one; keep the courses demo usable without it.
    from kotopolku.catalogue.services import ServiceInput, service_create

    return service_create(
        actor=None,
        data=ServiceInput(
            name_fi=getattr(ServiceCategory.objects.get(code=category), "name_fi", "") or category,
            category=ServiceCategory.objects.get(code=category),
            active_from=on - timedelta(days=365),
            responsible_organisation=provider,
        ),
    )


def _session_days(start: date, per_week: int, count: int) -> list[date]:
    """Monday/Wednesday (twice a week) or Monday–Thursday (four times a week)."""
    weekdays = [0, 2] if per_week == 2 else [0, 1, 2, 3]
    days: list[date] = []
    day = start
    while len(days) < count:
        if day.weekday() in weekdays:
            days.append(day)
        day += timedelta(days=1)
    return days


def _course(row, orgs, today: date) -> Course:
    (
        code,
        kind,
        name,
        language,
        municipality,
        provider_key,
        weeks,
        capacity,
        planned,
        per_week,
        hours,
        count,
    ) = row
    existing = Course.objects.filter(code=code).first()
    if existing is not None:
        return existing
    monday = today - timedelta(days=today.weekday())
    start = monday - timedelta(weeks=weeks)
    days = _session_days(start, per_week, count)
    provider = orgs[provider_key]
    course = services.course_create(
        actor=None,
        code=code,
        name=name,
        kind=kind,
        provider=provider,
        service=_service(kind, provider, today),
        language=language,
        municipality=orgs[municipality],
        location="Sibeliuksenkatu 9" if municipality == "186" else "Hyvinkääntie 1",
        start=start,
        end=max(days[-1], today + timedelta(days=14)),
        capacity=capacity,
        planned_hours=Decimal(planned),
    )
    topics = (
        ORIENTATION_TOPICS if kind == "social_orientation" else ["language", "working_life_skills"]
    )
    for index, day in enumerate(days):
        services.session_add(
            actor=None,
            course=course,
            day=day,
            start_time=time(9, 0),
            hours=Decimal(hours),
            topic=topics[(index // 3) % len(topics)],
        )
    return course


def _client(row, orgs, today: date) -> Client:
    external_id, first, last, born, tongue, municipality, *_ = row
    existing = Client.objects.filter(external_id=external_id).first()
    if existing is not None:
        return existing
    since = today - timedelta(days=200)
    number = int(external_id[-3:])
    client = client_create(
        actor=None,
        external_id=external_id,
        first_names=first,
        last_name=last,
        date_of_birth=born,
        permit_basis="asylum" if number % 3 else "temporary_protection",
        first_permit_date=since - timedelta(days=30),
        arrival_date=since - timedelta(days=60),
        client_since=since,
        home_municipality=orgs[municipality],
        home_start=since,
        phone=f"+358 40 555 {number:04d}",
        email=f"{external_id.lower()}@example.invalid",
        languages=[{"code": tongue, "mother_tongue": True}, {"code": "fi", "level": "A1.1"}],
    )
    # The assessment that led to the plan (the casework demo leaves assessed clients alone).
    assessment = casework_services.assessment_start(
        actor=None,
        client=client,
        organisation=client.responsible_organisation,
        started=since + timedelta(days=5),
    )
    casework_services.assessment_update(
        actor=None, assessment=assessment, completed=since + timedelta(days=15), plan_needed=True
    )
    return client


def _plan_service(client: Client, course: Course, today: date) -> PlanService:
    plan = client.plans.filter(closed_on__isnull=True).order_by("-start").first()
    if plan is None:
        start = client.client_since + timedelta(days=20)
        plan = casework_services.plan_create(
            actor=None,
            client=client,
            organisation=client.responsible_organisation,
            start=start,
            end=start + timedelta(days=364),
            long_term_goals="Työllistyminen ja suomen kielen taito arjessa.",
            period_goals="Yhteiskuntaorientaatio ja kotoutumiskoulutus.",
        )
    row = plan.services.filter(category_id=course.category_code).first()
    if row is None:
        row = casework_services.plan_service_add(
            actor=None,
            plan=plan,
            category=ServiceCategory.objects.get(code=course.category_code),
            service=course.service,
        )
    return row


def _attendance(course: Course, enrolments: dict[str, Enrolment], today: date) -> None:
    past = list(course.sessions.filter(day__lt=today).order_by("day", "start_time"))
    if course.code in LEAVE_UNMARKED:
        past = past[:-1]  # the provider has yet to mark the latest session
    if not past:
        return
    marked = set(
        Attendance.objects.filter(session__course=course).values_list("session_id", flat=True)
    )
    rows = [row for row in CLIENTS if row[6] == course.code]
    for index, session in enumerate(past):
        if session.pk in marked:
            continue
        hours = {}
        for row in rows:
            enrolment = enrolments.get(row[0])
            if enrolment is None or enrolment.status not in Enrolment.HOLDS_PLACE:
                continue
            tenths = row[7]
            present = (index * 7 + int(row[0][-3:])) % 10 < tenths
            value = session.hours if present else Decimal("0")
            hours[enrolment.pk] = value
        if hours:
            services.attendance_record(actor=None, session=session, hours=hours)


def _just_below_p7(course: Course, enrolment: Enrolment, today: date) -> None:
    """Full attendance except half an hour: 69.5 of 70 hours, so not completed (P7)."""
    sessions = list(course.sessions.filter(day__lt=today).order_by("day", "start_time"))
    total = Decimal("0")
    for session in sessions:
        if total + session.hours > Decimal("69.5"):
            remaining = Decimal("69.5") - total
            services.attendance_record(actor=None, session=session, hours={enrolment.pk: remaining})
            total += remaining
            break
        services.attendance_record(actor=None, session=session, hours={enrolment.pk: session.hours})
        total += session.hours


@transaction.atomic
def seed_courses_demo() -> dict[str, int]:
    today = timezone.localdate()
    orgs = _orgs()
    if "education" not in orgs or "186" not in orgs:
        return {"courses": 0}
    courses = {row[0]: _course(row, orgs, today) for row in COURSES if row[5] in orgs}
    enrolments: dict[str, Enrolment] = {}
    for row in CLIENTS:
        course = courses.get(row[6])
        if course is None:
            continue
        client = _client(row, orgs, today)
        found = Enrolment.objects.filter(course=course, client=client).first()
        if found is None:
            found = services.enrolment_create(
                actor=None, course=course, plan_service=_plan_service(client, course, today)
            )
        enrolments[row[0]] = found
    below = enrolments.pop(JUST_BELOW, None)
    for code, course in courses.items():
        _attendance(course, enrolments, today)
        if code == "SO-AR-JP" and below is not None and not below.attendance.exists():
            _just_below_p7(course, below, today)
    if below is not None:
        enrolments[JUST_BELOW] = below
    _training_records(courses, enrolments, today)
    return {"courses": len(courses), "enrolments": len(enrolments)}


def _training_records(courses, enrolments, today: date) -> None:
    course = courses.get("KK-FI-JP")
    if course is None:
        return
    placements = [
        ("KURSSI-DEMO-014", "Järvenpään kaupunki, Kyyhkysmäen päiväkoti", "Leena Laine", "ongoing"),
        (
            "KURSSI-DEMO-016",
            "Keusote, Järvenpään sosiaali- ja terveyskeskus",
            "Mika Mäki",
            "completed",
        ),
        ("KURSSI-DEMO-017", "K-Supermarket Järvenpää (demo)", "Sari Salo", "job_offer"),
    ]
    for external_id, employer, supervisor, outcome in placements:
        enrolment = enrolments.get(external_id)
        if enrolment is None or enrolment.placements.exists():
            continue
        services.placement_add(
            actor=None,
            enrolment=enrolment,
            employer=employer,
            start=today - timedelta(weeks=8),
            end=today - timedelta(weeks=2) if outcome != "ongoing" else today + timedelta(weeks=4),
            supervisor=supervisor,
            supervisor_contact="+358 9 000 0000",
            outcome=outcome,
        )
    results = [
        ("KURSSI-DEMO-016", "B1.1", "B1.2", "B1.1", "A2.2"),
        ("KURSSI-DEMO-017", "A2.2", "A2.1", "B1.1", "A2.1"),
    ]
    for external_id, listening, reading, speaking, writing in results:
        enrolment = enrolments.get(external_id)
        if enrolment is None or enrolment.test_results.exists():
            continue
        services.language_result_add(
            actor=None,
            enrolment=enrolment,
            day=today - timedelta(weeks=1),
            test_name="Kotoutumiskoulutuksen päättötesti (YKI, perustaso)",
            listening=listening,
            reading=reading,
            speaking=speaking,
            writing=writing,
        )
