"""A client with a row in every holding of the registry, made through the real services where
the apps have them (casework, courses, compensation claims, privacy)."""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kotopolku.casework import services as casework
from kotopolku.casework.tests.factories import caseworker, make_case
from kotopolku.catalogue.models import ServiceCategory
from kotopolku.clients import services as clients
from kotopolku.clients.tests.factories import ConsentFactory, municipality, valid_hetu
from kotopolku.compensation import services as compensation
from kotopolku.compensation.models import PaymentList, PaymentListRow, ReconciliationDecision
from kotopolku.courses import services as courses
from kotopolku.courses.models import Course
from kotopolku.courses.tests.factories import make_course
from kotopolku.privacy import services as privacy

SECRET_TEXTS = (
    "Amina",
    "Hassan",
    "040 123 4567",
    "amina.hassan@example.fi",
    "Sibeliuksenkatu 1 A 2",
    "SALAINEN-MUISTIINPANO",
    "SALAINEN-TAVOITE",
)


@pytest.fixture
def full_client(demo):
    """Every kind of record Kotopolku holds, for one Järvenpää client."""
    actor = caseworker()
    client, assessment, plan, referral = make_case("PRIV-0001")
    client = clients.client_update(
        actor=actor,
        client=client,
        first_names="Amina",
        last_name="Hassan",
        phone="040 123 4567",
        email="amina.hassan@example.fi",
        street_address="Sibeliuksenkatu 1 A 2",
        postal_code="04400",
        post_office="Järvenpää",
        gender="female",
        hetu=valid_hetu(date(1990, 5, 1)),
        languages=[{"code": "ar", "mother_tongue": True}, {"code": "fi", "level": "A1.2"}],
    )
    ConsentFactory(
        client=client, organisation=municipality("858"), note="SALAINEN-MUISTIINPANO suostumus"
    )
    casework.contact_record(
        actor=actor,
        organisation=municipality("186"),
        client=client,
        day=date(2025, 4, 2),
        language="ar",
        topics=["housing"],
        channel="in_person",
        outcome="information",
        note="SALAINEN-MUISTIINPANO ohjaus",
    )
    plan.long_term_goals = "SALAINEN-TAVOITE"
    plan.save()
    row = casework.plan_service_add(
        actor=actor,
        plan=plan,
        category=ServiceCategory.objects.get(code="social_orientation"),
    )
    casework.plan_review_add(
        actor=actor, plan=plan, day=date(2025, 6, 1), note="SALAINEN-MUISTIINPANO"
    )
    casework.plan_extend(
        actor=actor, plan=plan, months=3, reason="literacy", note="SALAINEN-MUISTIINPANO lukutaito"
    )
    course = make_course("PRIV-SO", kind=Course.Kind.SOCIAL_ORIENTATION)
    session = courses.session_add(
        actor=None,
        course=course,
        day=course.start,
        start_time=time(9, 0),
        hours=Decimal("3"),
        topic="society",
    )
    enrolment = courses.enrolment_create(actor=None, course=course, plan_service=row)
    courses.attendance_record(actor=None, session=session, hours={enrolment.pk: "3"})
    courses.placement_add(
        actor=None,
        enrolment=enrolment,
        employer="SALAINEN-MUISTIINPANO Oy",
        start=course.start,
        end=course.start + timedelta(days=10),
        supervisor="Sari Ohjaaja",
    )
    courses.language_result_add(
        actor=None, enrolment=enrolment, day=course.start, test_name="YKI", listening="A2.1"
    )
    jarvenpaa = municipality("186")
    claim = compensation.claim_create(
        actor=actor,
        municipality=jarvenpaa,
        cost_type="interpreting",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
    )
    compensation.claim_line_add(
        actor=actor,
        claim=claim,
        day=date(2025, 5, 5),
        amount=Decimal("120.00"),
        description="SALAINEN-MUISTIINPANO tulkkaus",
        client=client,
    )
    # The state's payment list is uploaded as a file; its rows are placed directly here.
    payment_list = PaymentList.objects.create(
        municipality=jarvenpaa, month=date(2025, 5, 1), file_name="maksulista.csv"
    )
    PaymentListRow.objects.create(
        payment_list=payment_list,
        line=1,
        last_name="Hassan",
        first_names="Amina",
        date_of_birth=date(1990, 5, 1),
        amount=Decimal("162.92"),
        client=client,
        match=PaymentListRow.Match.NAME_AND_BIRTH,
    )
    ReconciliationDecision.objects.create(
        payment_list=payment_list,
        subject=f"client:{client.pk}",
        decision="resolved",
        note="SALAINEN-MUISTIINPANO",
    )
    request = privacy.erasure_request_create(
        actor=actor, client=client, received_on=timezone.localdate(), note="SALAINEN-MUISTIINPANO"
    )
    privacy.erasure_request_decide(
        actor=actor, request=request, decision="restrict", reason="Säilytysaika kesken"
    )
    privacy.restricted_read_grant(actor=actor, client=client, reason="Oikaisuvaatimus")
    client.refresh_from_db()
    return client
