"""Synthetic integration work for benchmarks: `manage.py generate_synthetic --clients N`.

Three years of clients (client relationships starting evenly over the years before `end`),
with distributions like the region's: most live in the larger municipalities, one in ten moves
within the region, most are assessed within weeks and get a plan, some plans are extended or
closed, and many take part in social orientation and integration training. About 13 related
rows per client (home periods, languages, guidance contacts, assessments, plans with services,
reviews and extensions, referrals, enrolments with attendance, final tests).

Rows are written with bulk inserts in batches, bypassing the services on purpose: this is test
data at volume, not work entered by people (no audit rows, no rule checks). The same seed gives
the same data.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal

from django.db import transaction

from kotopolku.casework.models import (
    Assessment,
    GuidanceContact,
    IntegrationPlan,
    PlanExtension,
    PlanReview,
    PlanService,
    Referral,
)
from kotopolku.casework.services import referral_access_until
from kotopolku.casework.statutory import FIRST_PLAN_END, RuleBook
from kotopolku.catalogue.models import Service, ServiceCategory
from kotopolku.clients.models import Client, ClientLanguage, HomeMunicipalityPeriod
from kotopolku.common.dates import add_months
from kotopolku.courses.models import (
    Attendance,
    Course,
    CourseSession,
    Enrolment,
    LanguageTestResult,
)
from kotopolku.organisations.models import Organisation

PREFIX = "SYN-"
BATCH = 2000
# Weights roughly like the municipalities' populations (Hyvinkää, Järvenpää, Mäntsälä,
# Nurmijärvi, Pornainen, Tuusula).
MUNICIPALITY_WEIGHTS = {"106": 47, "186": 45, "505": 21, "543": 44, "611": 5, "858": 39}
BASES = [
    ("asylum", 20),
    ("temporary_protection", 22),
    ("quota_refugee", 6),
    ("family_of_protected", 6),
    ("work", 22),
    ("family", 12),
    ("study", 7),
    ("eu_registration", 4),
    ("other", 1),
]
LANGUAGES = [("uk", 24), ("ar", 16), ("ru", 12), ("so", 8), ("fa", 7), ("en", 8), ("et", 6)]
LANGUAGES += [("ti", 3), ("ku", 4), ("th", 4), ("vi", 4), ("zh", 4)]
LEVELS = ["A1.1", "A1.2", "A1.3", "A2.1", "A2.2", "B1.1", "B1.2", "B2.1"]
LEVEL_WEIGHTS = [3, 5, 8, 12, 14, 20, 14, 6]
ORIENTATION_SESSIONS = 12  # 12 × 6 h = 72 h
SESSION_HOURS = Decimal("6")


@dataclass
class Context:
    rng: random.Random
    start: date
    end: date
    municipalities: list[Organisation]
    weights: list[int]
    employment: Organisation
    county: Organisation
    provider: Organisation
    categories: dict[str, ServiceCategory]
    orientation_courses: list[tuple[Course, list[CourseSession]]]
    training_courses: list[Course]
    rules: RuleBook


def _pick(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max((last - first).days, 0)))


def _service(category: ServiceCategory, provider: Organisation) -> Service:
    found = Service.objects.filter(category=category, archived=False).order_by("pk").first()
    if found:
        return found
    return Service.objects.create(
        category=category,
        name=f"Synteettinen {category.code}",
        name_fi=f"Synteettinen {category.code}",
        responsible_organisation=provider,
        active_from=date(2020, 1, 1),
    )


def _courses(ctx_rng: random.Random, start: date, end: date, provider, municipalities, categories):
    """Orientation courses every month and training courses every quarter, in each year."""
    orientation_service = _service(categories["social_orientation"], provider)
    training_service = _service(categories["integration_training"], provider)
    orientation, training = [], []
    month = date(start.year, start.month, 1)
    n = 0
    while month <= end:
        n += 1
        course = Course.objects.create(
            code=f"{PREFIX}SO-{n:03d}",
            name=f"Orientaatio {month:%m/%Y}",
            kind=Course.Kind.SOCIAL_ORIENTATION,
            provider=provider,
            service=orientation_service,
            language=ctx_rng.choice(["ar", "uk", "ru", "so", "fa"]),
            municipality=ctx_rng.choice(municipalities),
            start=month,
            end=add_months(month, 3) - timedelta(days=1),
            capacity=100000,
            planned_hours=Decimal("72"),
        )
        sessions = CourseSession.objects.bulk_create(
            CourseSession(
                course=course,
                day=month + timedelta(days=7 * i),
                start_time=time(9),
                hours=SESSION_HOURS,
                topic=CourseSession.Topic.SOCIETY,
            )
            for i in range(ORIENTATION_SESSIONS)
        )
        orientation.append((course, sessions))
        if month.month in (1, 4, 7, 10):
            training.append(
                Course.objects.create(
                    code=f"{PREFIX}IT-{n:03d}",
                    name=f"Kotoutumiskoulutus {month:%m/%Y}",
                    kind=Course.Kind.INTEGRATION_TRAINING,
                    provider=provider,
                    service=training_service,
                    language="fi",
                    municipality=ctx_rng.choice(municipalities),
                    start=month,
                    end=add_months(month, 10) - timedelta(days=1),
                    capacity=100000,
                    planned_hours=Decimal("1000"),
                )
            )
        month = add_months(month, 1)
    return orientation, training


def _context(seed: int, end: date, years: int) -> Context:
    rng = random.Random(seed)  # noqa: S311 (reproducible test data, not security)
    municipalities = list(
        Organisation.objects.filter(
            kind=Organisation.Kind.MUNICIPALITY, municipality_code__in=MUNICIPALITY_WEIGHTS
        ).order_by("municipality_code")
    )
    if len(municipalities) != len(MUNICIPALITY_WEIGHTS):
        raise LookupError("load the demo region first: manage.py seed_demo --clients 0")
    provider = (
        Organisation.objects.filter(kind=Organisation.Kind.EDUCATION).order_by("pk").first()
        or municipalities[0]
    )
    categories = {c.code: c for c in ServiceCategory.objects.all()}
    start = date(end.year - years + 1, 1, 1)
    orientation, training = _courses(rng, start, end, provider, municipalities, categories)
    return Context(
        rng=rng,
        start=start,
        end=end,
        municipalities=municipalities,
        weights=[MUNICIPALITY_WEIGHTS[m.municipality_code] for m in municipalities],
        employment=Organisation.objects.get(kind=Organisation.Kind.EMPLOYMENT_AREA),
        county=Organisation.objects.get(kind=Organisation.Kind.WELLBEING_COUNTY),
        provider=provider,
        categories=categories,
        orientation_courses=orientation,
        training_courses=training,
        rules=RuleBook.load(),
    )


def _batch(ctx: Context, first: int, last: int) -> int:
    """Clients first..last-1 and their rows; returns the number of related rows."""
    rng = ctx.rng
    clients = []
    for n in range(first, last):
        since = _day(rng, ctx.start, ctx.end)
        born = since - timedelta(days=rng.randint(0, 70 * 365))
        municipality = rng.choices(ctx.municipalities, weights=ctx.weights)[0]
        jobseeker = born < since - timedelta(days=18 * 365) and rng.random() < 0.45
        clients.append(
            Client(
                external_id=f"{PREFIX}{n:07d}",
                first_names="Synteettinen",
                last_name=f"Asiakas {n}",
                date_of_birth=born,
                gender=rng.choices(["female", "male", "other", ""], weights=[48, 48, 1, 3])[0],
                permit_basis=_pick(rng, BASES),
                first_permit_date=since - timedelta(days=rng.randint(0, 200)),
                client_since=since,
                jobseeker=jobseeker,
                responsible_organisation=ctx.employment if jobseeker else municipality,
            )
        )
        clients[-1]._home = municipality  # type: ignore[attr-defined]
    created = Client.objects.bulk_create(clients, batch_size=BATCH)
    if created and created[0].pk is None:  # a backend without RETURNING: read the ids back
        ids = dict(
            Client.objects.filter(external_id__in=[c.external_id for c in clients]).values_list(
                "external_id", "pk"
            )
        )
        for c in created:
            c.pk = ids[c.external_id]

    rows: dict[type, list] = {
        m: []
        for m in (
            HomeMunicipalityPeriod,
            ClientLanguage,
            GuidanceContact,
            Assessment,
            Referral,
            Enrolment,
        )
    }
    plans: list[tuple[IntegrationPlan, Client]] = []
    for client in created:
        home = client._home  # type: ignore[attr-defined]
        since = client.client_since
        if rng.random() < 0.1 and (ctx.end - since).days > 60:
            moved = _day(rng, since + timedelta(days=30), ctx.end)
            other = rng.choices(ctx.municipalities, weights=ctx.weights)[0]
            if other.pk == home.pk:
                other = ctx.municipalities[(ctx.municipalities.index(home) + 1) % 6]
            rows[HomeMunicipalityPeriod].append(
                HomeMunicipalityPeriod(
                    client=client,
                    municipality=home,
                    municipality_code=home.municipality_code,
                    start=since,
                    end=moved - timedelta(days=1),
                )
            )
            rows[HomeMunicipalityPeriod].append(
                HomeMunicipalityPeriod(
                    client=client,
                    municipality=other,
                    municipality_code=other.municipality_code,
                    start=moved,
                )
            )
        else:
            rows[HomeMunicipalityPeriod].append(
                HomeMunicipalityPeriod(
                    client=client,
                    municipality=home,
                    municipality_code=home.municipality_code,
                    start=since,
                )
            )
        mother = _pick(rng, LANGUAGES)
        rows[ClientLanguage].append(ClientLanguage(client=client, code=mother, mother_tongue=True))
        if rng.random() < 0.5 and mother != "en":
            rows[ClientLanguage].append(
                ClientLanguage(client=client, code="fi", level=rng.choice(LEVELS[:5]))
            )
        organisation = client.responsible_organisation
        for _n in range(rng.choice((1, 1, 2, 2, 3))):
            day = _day(rng, since, min(ctx.end, since + timedelta(days=400)))
            rows[GuidanceContact].append(
                GuidanceContact(
                    organisation=home,
                    client=client,
                    day=day,
                    language=mother,
                    topics=rng.sample(
                        ["residence", "housing", "work", "education", "health", "family"],
                        rng.choice((1, 1, 2)),
                    ),
                    channel=rng.choice(["in_person", "in_person", "phone", "video", "email"]),
                    outcome=rng.choice(["information", "information", "referred"]),
                )
            )
        if rng.random() < 0.15:  # an anonymous group now and then
            rows[GuidanceContact].append(
                GuidanceContact(
                    organisation=home,
                    day=_day(rng, since, ctx.end),
                    persons=rng.randint(2, 8),
                    language=mother,
                    topics=["society"],
                    channel="outreach",
                    outcome="information",
                )
            )
        if rng.random() < 0.85:
            started = since + timedelta(days=int(rng.expovariate(1 / 28)))
            if started <= ctx.end:
                completed = started + timedelta(days=rng.randint(3, 40))
                done = completed <= ctx.end and rng.random() < 0.9
                rows[Assessment].append(
                    Assessment(
                        client=client,
                        organisation=organisation,
                        started=started,
                        completed=completed if done else None,
                        status="completed" if done else "started",
                        plan_needed=True,
                    )
                )
                if done and rng.random() < 0.8:
                    start = completed + timedelta(days=rng.randint(0, 45))
                    if start <= ctx.end:
                        plan = IntegrationPlan(
                            client=client,
                            organisation=organisation,
                            start=start,
                            # As long as a first plan may last (P2).
                            end=FIRST_PLAN_END.on(start, rules=ctx.rules),
                        )
                        if rng.random() < 0.15 and start + timedelta(days=200) <= ctx.end:
                            plan.closed_on = _day(rng, start + timedelta(days=60), ctx.end)
                            plan.closure_reason = rng.choice(
                                ["employed", "employed", "studies", "moved", "other"]
                            )
                        plans.append((plan, client))
        if rng.random() < 0.5:
            sent = _day(rng, since, min(ctx.end, since + timedelta(days=300)))
            status = rng.choices(["sent", "accepted", "rejected", "completed"], [2, 5, 1, 3])[0]
            responded = sent + timedelta(days=rng.randint(1, 30)) if status != "sent" else None
            rows[Referral].append(
                Referral(
                    client=client,
                    from_organisation=home,
                    to_organisation=rng.choice([ctx.employment, ctx.county]),
                    reason="Synteettinen ohjaus",
                    legal_basis="integration_act_information",
                    access_until=referral_access_until(sent + timedelta(days=30)),
                    sent_on=sent,
                    response_due=sent + timedelta(days=30),
                    status=status,
                    responded_on=responded,
                    rejection_reason="Ei kriteerejä" if status == "rejected" else "",
                    completed_on=responded if status == "completed" else None,
                    outcome="Palvelu annettu" if status == "completed" else "",
                )
            )

    HomeMunicipalityPeriod.objects.bulk_create(rows[HomeMunicipalityPeriod], batch_size=BATCH)
    ClientLanguage.objects.bulk_create(rows[ClientLanguage], batch_size=BATCH)
    GuidanceContact.objects.bulk_create(rows[GuidanceContact], batch_size=BATCH)
    Assessment.objects.bulk_create(rows[Assessment], batch_size=BATCH)
    Referral.objects.bulk_create(rows[Referral], batch_size=BATCH)
    made = IntegrationPlan.objects.bulk_create([p for p, _c in plans], batch_size=BATCH)
    if made and made[0].pk is None:
        ids = dict(
            IntegrationPlan.objects.filter(client__in=[c for _p, c in plans]).values_list(
                "client_id", "pk"
            )
        )
        for plan, client in plans:
            plan.pk = ids[client.pk]

    services, reviews, extensions = [], [], []
    enrolment_rows: list[tuple[Enrolment, str, Course, list[CourseSession] | None]] = []
    for plan, client in plans:
        for code in rng.sample(
            ["social_orientation", "integration_training", "language_studies", "wellbeing"],
            rng.randint(1, 3),
        ):
            referred = plan.start + timedelta(days=int(rng.expovariate(1 / 90)))
            if referred > ctx.end:
                referred = None
            services.append(
                PlanService(
                    plan=plan,
                    category=ctx.categories[code],
                    status="referred" if referred else "planned",
                    referred=referred,
                )
            )
        if rng.random() < 0.5 and add_months(plan.start, 11) <= ctx.end:
            reviews.append(PlanReview(plan=plan, day=add_months(plan.start, rng.randint(5, 11))))
        if rng.random() < 0.1:
            for _n in range(rng.choice((1, 1, 2))):
                extensions.append(
                    PlanExtension(
                        plan=plan,
                        months=rng.choice((3, 6)),
                        reason=rng.choice(
                            [
                                "literacy",
                                "literacy",
                                "illness",
                                "family_leave",
                                "other_special_need",
                            ]
                        ),
                        note="Synteettinen",
                    )
                )
        if rng.random() < 0.6:  # social orientation after the plan starts
            index = (plan.start.year - ctx.start.year) * 12 + plan.start.month - 1 + 1
            if index < len(ctx.orientation_courses):
                course, sessions = ctx.orientation_courses[index]
                enrolment_rows.append(
                    (
                        Enrolment(
                            course=course,
                            client=client,
                            status=rng.choices(["completed", "interrupted", "enrolled"], [7, 2, 1])[
                                0
                            ],
                            enrolled_on=course.start,
                            ended_on=course.end,
                            interruption_reason="Synteettinen",
                        ),
                        "orientation",
                        course,
                        sessions,
                    )
                )
        if rng.random() < 0.45:  # integration training
            quarter = (plan.start.year - ctx.start.year) * 4 + (plan.start.month - 1) // 3 + 1
            if quarter < len(ctx.training_courses):
                course = ctx.training_courses[quarter]
                if course.end <= ctx.end:
                    status = rng.choices(["completed", "interrupted"], [4, 1])[0]
                    enrolment_rows.append(
                        (
                            Enrolment(
                                course=course,
                                client=client,
                                status=status,
                                enrolled_on=course.start,
                                ended_on=course.end
                                if status == "completed"
                                else _day(rng, course.start, course.end),
                                interruption_reason="Synteettinen",
                            ),
                            "training",
                            course,
                            None,
                        )
                    )
    PlanService.objects.bulk_create(services, batch_size=BATCH)
    PlanReview.objects.bulk_create(reviews, batch_size=BATCH)
    PlanExtension.objects.bulk_create(extensions, batch_size=BATCH)
    enrolments = Enrolment.objects.bulk_create([e for e, *_ in enrolment_rows], batch_size=BATCH)
    if enrolments and enrolments[0].pk is None:
        ids = dict(
            Enrolment.objects.filter(client__in=[e.client for e in enrolments]).values_list(
                "client_id", "pk"
            )
        )
        for e in enrolments:
            e.pk = ids[e.client_id]
    attendance, tests = [], []
    for enrolment, kind, course, sessions in enrolment_rows:
        if kind == "orientation" and sessions:
            attended = rng.choices([12, 11, 10, 8, 5, 2], [55, 15, 10, 10, 6, 4])[0]
            for index, session in enumerate(sessions):
                hours = SESSION_HOURS if index < attended else Decimal("0")
                attendance.append(Attendance(enrolment=enrolment, session=session, hours=hours))
        if kind == "training" and enrolment.status == "completed":
            level = lambda: rng.choices(LEVELS, LEVEL_WEIGHTS)[0]  # noqa: E731
            tests.append(
                LanguageTestResult(
                    enrolment=enrolment,
                    day=course.end - timedelta(days=10),
                    test_name="YKI",
                    listening=level(),
                    reading=level(),
                    speaking=level(),
                    writing=level() if rng.random() < 0.9 else "",
                )
            )
    Attendance.objects.bulk_create(attendance, batch_size=BATCH)
    LanguageTestResult.objects.bulk_create(tests, batch_size=BATCH)
    return sum(len(v) for v in rows.values()) + sum(
        len(x) for x in (plans, services, reviews, extensions, enrolments, attendance, tests)
    )


def generate(
    *,
    clients: int,
    seed: int = 681,
    end: date = date(2025, 12, 31),
    years: int = 3,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Add `clients` synthetic clients and their rows; refuses to add to an earlier run."""
    if Client.objects.filter(external_id__startswith=PREFIX).exists():
        raise ValueError("synthetic data is already loaded; use a fresh database")
    with transaction.atomic():
        ctx = _context(seed, end, years)
    related = 0
    step = 5000
    for first in range(0, clients, step):
        with transaction.atomic():
            related += _batch(ctx, first, min(first + step, clients))
        if progress:
            progress(min(first + step, clients))
    return {"clients": clients, "related_rows": related}
