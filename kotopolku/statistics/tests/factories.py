"""A small hand-built year of integration work (2025) with known indicator values.

Everything is made through the real services: history through the case-file import (which
stores history as it happened), then guidance, closures, referrals and courses through their
services, with the clock set back to the days they happened.

The people:
- A: client from 2025-02-01 in Järvenpää; assessment 19 days later; plan 2025-03-11 with an
  orientation referral in April and two extensions (literacy 6, illness 3); orientation 72 h;
  integration training completed, final test B1.1/B1.2/A2.2 (writing not tested).
- B: client from 2025-03-01 in Tuusula, moves to Järvenpää on 2025-07-01; assessment after 75
  days, never completed; plan 2025-08-01 without services; orientation 30 h.
- C: client since 2024 in Järvenpää; plan 2024-06-15…2026-06-14, last review 2024-11-01 (review
  overdue from 2025-11-01); integration training interrupted, final test B1.1 in every skill.
- D: client since 2024-12 in Hyvinkää; plan 2025-01-10, referral due 2025-07-10 but the only
  service referred 2025-08-01; the plan closed 2025-10-01, employed.
Guidance: A in person (housing, work); an anonymous group of 3 by phone (housing); an anonymous
group of 2 in 2024. Referrals to the employment area: A accepted after 5 days, B rejected after
10 days, C still open.
"""

from __future__ import annotations

import contextlib
from datetime import date, time
from decimal import Decimal
from unittest import mock

from django.contrib.auth import get_user_model

from kotopolku.casework import services as casework
from kotopolku.casework.importing import References, check_record
from kotopolku.clients import services as clients
from kotopolku.clients.models import Client
from kotopolku.courses import services as courses
from kotopolku.courses.models import Course, CourseSession
from kotopolku.courses.tests.factories import keuda, service_of
from kotopolku.organisations.models import Organisation


@contextlib.contextmanager
def clock(day: date):
    """Every `timezone.localdate()` answers `day` (services refuse future days)."""
    with mock.patch("django.utils.timezone.localdate", return_value=day):
        yield


def municipality(code: str) -> Organisation:
    return Organisation.objects.get(municipality_code=code)


def employment_area() -> Organisation:
    return Organisation.objects.get(kind=Organisation.Kind.EMPLOYMENT_AREA)


RECORDS = [
    {
        "external_id": "ST-A",
        "date_of_birth": "1990-04-01",
        "permit_basis": "asylum",
        "first_permit_date": "2025-01-10",
        "client_since": "2025-02-01",
        "home_municipality_periods": [{"municipality": "186", "start": "2025-02-01", "end": None}],
        "languages": [{"code": "ar", "mother_tongue": True}],
        "assessments": [{"started": "2025-02-20", "completed": "2025-03-01"}],
        "plans": [
            {
                "start": "2025-03-11",
                "end": "2026-03-10",
                "services": [{"category": "social_orientation", "referred": "2025-04-01"}],
                "extensions": [
                    {"months": 6, "reason": "literacy", "note": "literacy first"},
                    {"months": 3, "reason": "illness", "note": "hospital"},
                ],
            }
        ],
    },
    {
        "external_id": "ST-B",
        "date_of_birth": "2001-09-15",
        "permit_basis": "work",
        "first_permit_date": "2025-02-01",
        "client_since": "2025-03-01",
        "home_municipality_periods": [
            {"municipality": "858", "start": "2025-03-01", "end": "2025-06-30"},
            {"municipality": "186", "start": "2025-07-01", "end": None},
        ],
        "languages": [{"code": "uk", "mother_tongue": True}],
        "assessments": [{"started": "2025-05-15"}],
        "plans": [{"start": "2025-08-01", "end": "2026-07-31"}],
    },
    {
        "external_id": "ST-C",
        "date_of_birth": "1985-01-20",
        "permit_basis": "quota_refugee",
        "first_permit_date": "2023-12-01",
        "client_since": "2024-01-10",
        "home_municipality_periods": [{"municipality": "186", "start": "2024-01-10", "end": None}],
        "languages": [{"code": "ar", "mother_tongue": True}],
        "assessments": [{"started": "2024-01-20", "completed": "2024-02-10"}],
        "plans": [
            {
                "start": "2024-06-15",
                "end": "2026-06-14",
                "services": [{"category": "language_studies", "started": "2024-12-20"}],
                "reviews": ["2024-11-01"],
            }
        ],
    },
    {
        "external_id": "ST-D",
        "date_of_birth": "1978-07-07",
        "permit_basis": "family",
        "first_permit_date": "2024-10-01",
        "client_since": "2024-12-01",
        "home_municipality_periods": [{"municipality": "106", "start": "2024-12-01", "end": None}],
        "languages": [{"code": "so", "mother_tongue": True}],
        "plans": [
            {
                "start": "2025-01-10",
                "end": "2025-12-31",
                "services": [{"category": "employment_training", "referred": "2025-08-01"}],
            }
        ],
    },
]


def import_records(records) -> None:
    refs = References(
        municipalities=frozenset(
            Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).values_list(
                "municipality_code", flat=True
            )
        )
    )
    checked = []
    for line, raw in enumerate(records, start=1):
        result = check_record(line, raw, refs)
        assert not isinstance(result, list), result
        checked.append(result)
    casework.case_import(actor=None, records=checked)


def _course(code, kind, start, end, sessions, capacity=10):
    course = courses.course_create(
        actor=None,
        code=code,
        name=f"Test {code}",
        kind=kind,
        provider=keuda(),
        service=service_of(kind),
        language="ar",
        municipality=municipality("186"),
        start=start,
        end=end,
        capacity=capacity,
        planned_hours=Decimal("72"),
    )
    topic = (
        CourseSession.Topic.SOCIETY
        if kind == Course.Kind.SOCIAL_ORIENTATION
        else CourseSession.Topic.LANGUAGE
    )
    days = [date(start.year, start.month, 1 + n) for n in range(sessions)]
    return course, [
        courses.session_add(
            actor=None, course=course, day=d, start_time=time(9), hours=Decimal("3"), topic=topic
        )
        for d in days
    ]


def build_year() -> dict[str, Client]:
    """The data set above; returns the clients by letter."""
    with clock(date(2025, 1, 5)):
        import_records(RECORDS)
    people = {
        r["external_id"][-1]: Client.objects.get(external_id=r["external_id"]) for r in RECORDS
    }
    a, b, c, d = (people[k] for k in "ABCD")
    jarvenpaa = municipality("186")
    user = get_user_model().objects.get(username="caseworker-jarvenpaa")

    with clock(date(2025, 3, 15)):
        casework.contact_record(
            actor=user,
            organisation=jarvenpaa,
            day=date(2025, 2, 5),
            language="ar",
            channel="in_person",
            outcome="information",
            topics=["housing", "work"],
            client=a,
        )
        casework.contact_record(
            actor=user,
            organisation=jarvenpaa,
            day=date(2025, 3, 10),
            language="so",
            channel="phone",
            outcome="information",
            topics=["housing"],
            persons=3,
        )
        casework.contact_record(
            actor=user,
            organisation=jarvenpaa,
            day=date(2024, 11, 10),
            language="so",
            channel="phone",
            outcome="information",
            topics=["money"],
            persons=2,
        )
    with clock(date(2025, 10, 1)):
        casework.plan_close(
            actor=user, plan=d.plans.get(), closed_on=date(2025, 10, 1), reason="employed"
        )

    # B's move to Järvenpää on 2025-07-01 hands the client over (the move alone does not), so
    # that Järvenpää, now responsible, may refer B on 2025-08-05.
    with clock(date(2025, 7, 1)):
        clients.client_transfer(
            actor=user,
            client=b,
            organisation=jarvenpaa,
            legal_basis=clients.TransferBasis.INTEGRATION_ACT_MOVE,
        )
        b.refresh_from_db()

    area = employment_area()
    referrals = {}
    for person, sent in ((a, date(2025, 3, 20)), (b, date(2025, 8, 5)), (c, date(2025, 9, 1))):
        with clock(sent):
            referrals[person.external_id] = casework.referral_send(
                actor=user,
                client=person,
                from_organisation=jarvenpaa,
                to_organisation=area,
                reason="Työnhaku",
                legal_basis="integration_act_information",
                response_due=date(2025, 12, 31),
                sent_on=sent,
            )
    with clock(date(2025, 3, 25)):
        casework.referral_accept(actor=user, referral=referrals["ST-A"], day=date(2025, 3, 25))
    with clock(date(2025, 8, 15)):
        casework.referral_reject(
            actor=user, referral=referrals["ST-B"], reason="Ei työnhakija", day=date(2025, 8, 15)
        )

    # Social orientation, February–June 2025: A attends 24 × 3 h, B 10 × 3 h.
    with clock(date(2025, 1, 20)):
        orientation, sessions = _course(
            "ST-SO", Course.Kind.SOCIAL_ORIENTATION, date(2025, 2, 1), date(2025, 6, 30), 24
        )
        enrol_a = courses.enrolment_create(actor=None, course=orientation, client=a)
        enrol_b = courses.enrolment_create(actor=None, course=orientation, client=b)
    with clock(date(2025, 6, 30)):
        for n, session in enumerate(sessions):
            hours = {enrol_a.pk: "3"}
            if n < 10:
                hours[enrol_b.pk] = "3"
            else:
                hours[enrol_b.pk] = "0"
            courses.attendance_record(actor=None, session=session, hours=hours)
        courses.enrolment_complete(actor=None, enrolment=enrol_a, day=date(2025, 6, 30))

    # Integration training: A completes, C interrupts; both take the final test.
    with clock(date(2025, 1, 10)):
        training, _sessions = _course(
            "ST-IT", Course.Kind.INTEGRATION_TRAINING, date(2025, 1, 15), date(2025, 11, 30), 0
        )
        train_a = courses.enrolment_create(actor=None, course=training, client=a)
        train_c = courses.enrolment_create(actor=None, course=training, client=c)
    with clock(date(2025, 5, 20)):
        courses.language_result_add(
            actor=None,
            enrolment=train_c,
            day=date(2025, 5, 20),
            test_name="YKI",
            listening="B1.1",
            reading="B1.1",
            speaking="B1.1",
            writing="B1.1",
        )
    with clock(date(2025, 6, 1)):
        courses.enrolment_interrupt(
            actor=None, enrolment=train_c, day=date(2025, 6, 1), reason="Muutti työn perään"
        )
    with clock(date(2025, 11, 30)):
        courses.language_result_add(
            actor=None,
            enrolment=train_a,
            day=date(2025, 11, 20),
            test_name="YKI",
            listening="B1.1",
            reading="B1.2",
            speaking="A2.2",
        )
        courses.enrolment_complete(actor=None, enrolment=train_a, day=date(2025, 11, 30))
    return people
