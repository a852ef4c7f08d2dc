"""Course test data, made through the real services. The demo region must exist.

course = make_course("T-SO", sessions=24)                 # Keuda's orientation in Järvenpää
enrolment = enrol_client(course, "T-0001")                # a Järvenpää client with a plan
"""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from kotopolku.casework import services as casework_services
from kotopolku.casework.models import PlanService
from kotopolku.casework.tests.factories import make_client, org
from kotopolku.catalogue.models import Service, ServiceCategory
from kotopolku.catalogue.services import ServiceInput, service_create
from kotopolku.courses import services
from kotopolku.courses.models import Course, CourseSession, Enrolment
from kotopolku.organisations.models import Organisation


def today() -> date:
    return timezone.localdate()


def user(username: str):
    return get_user_model().objects.get(username=username)


def keuda() -> Organisation:
    return Organisation.objects.filter(kind=Organisation.Kind.EDUCATION).order_by("pk").first()


def service_of(kind: str) -> Service:
    category = ServiceCategory.objects.get(code=Course.CATEGORY_OF_KIND[kind])
    found = Service.objects.filter(category=category, archived=False).order_by("pk").first()
    return found or service_create(
        actor=None,
        data=ServiceInput(
            name_fi=f"Testipalvelu {category.code}",
            category=category,
            active_from=date(2025, 1, 1),
        ),
    )


def make_course(
    code: str = "T-SO",
    *,
    kind: str = Course.Kind.SOCIAL_ORIENTATION,
    provider: Organisation | None = None,
    municipality: str = "186",
    capacity: int = 15,
    sessions: int = 0,
    session_hours: str = "3",
    start: date | None = None,
    language: str = "ar",
) -> Course:
    existing = Course.objects.filter(code=code).first()
    if existing is not None:
        return existing
    start = start or today() - timedelta(days=60)
    course = services.course_create(
        actor=None,
        code=code,
        name=f"Testikurssi {code}",
        kind=kind,
        provider=provider or keuda(),
        service=service_of(kind),
        language=language,
        municipality=org(municipality),
        location="Sibeliuksenkatu 9",
        start=start,
        end=today() + timedelta(days=60),
        capacity=capacity,
        planned_hours=Decimal("72"),
    )
    topic = (
        CourseSession.Topic.SOCIETY
        if kind == Course.Kind.SOCIAL_ORIENTATION
        else CourseSession.Topic.LANGUAGE
    )
    for n in range(sessions):
        services.session_add(
            actor=None,
            course=course,
            day=start + timedelta(days=n),
            start_time=time(9, 0),
            hours=Decimal(session_hours),
            topic=topic,
        )
    return course


def plan_service_for(external_id: str, category: str, *, municipality: str = "186"):
    """A client with an open plan that has a planned service of `category`."""
    client = make_client(
        external_id,
        municipality=municipality,
        first_permit=today() - timedelta(days=300),
        client_since=today() - timedelta(days=200),
    )
    plan = client.plans.filter(closed_on__isnull=True).first()
    if plan is None:
        start = today() - timedelta(days=150)
        plan = casework_services.plan_create(
            actor=None,
            client=client,
            organisation=client.responsible_organisation,
            start=start,
            end=start + timedelta(days=364),
            long_term_goals="SALAINEN-SUUNNITELMA-TAVOITE",
        )
    row = plan.services.filter(category_id=category).first()
    return row or casework_services.plan_service_add(
        actor=None, plan=plan, category=ServiceCategory.objects.get(code=category)
    )


def enrol_client(
    course: Course, external_id: str, *, municipality: str = "186", actor=None
) -> Enrolment:
    existing = Enrolment.objects.filter(course=course, client__external_id=external_id).first()
    if existing is not None:
        return existing
    row: PlanService = plan_service_for(
        external_id, course.category_code, municipality=municipality
    )
    return services.enrolment_create(actor=actor, course=course, plan_service=row)
