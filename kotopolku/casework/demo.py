"""Casework for the demo clients: assessments, plans, referrals and guidance contacts.

Idempotent: a client that already has an assessment is left alone, and the anonymous contacts
are recorded once. Dates follow each client's own dates, so the worklist shows a realistic mix
of deadlines that are met, due soon and overdue.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from kotopolku.casework.models import (
    Assessment,
    GuidanceContact,
    IntegrationPlan,
    PlanReview,
    PlanService,
    Referral,
)
from kotopolku.clients.models import Client
from kotopolku.organisations.models import Organisation

DEMO_NOTE = "demo"
CATEGORIES = ("social_orientation", "integration_training", "language_studies", "guidance")


@transaction.atomic
def seed_casework(*, limit: int = 60) -> int:
    """Add casework to up to `limit` demo clients without any; returns how many got some."""
    today = timezone.localdate()
    employment = Organisation.objects.filter(kind=Organisation.Kind.EMPLOYMENT_AREA).first()
    county = Organisation.objects.filter(kind=Organisation.Kind.WELLBEING_COUNTY).first()
    clients = (
        Client.objects.filter(closed_at__isnull=True, archived=False)
        .exclude(responsible_organisation__isnull=True)
        .select_related("responsible_organisation")
        .order_by("external_id")[:limit]
    )
    done = 0
    with_casework = set(
        Assessment.objects.filter(client__in=clients).values_list("client_id", flat=True)
    )
    for n, client in enumerate(clients):
        if client.pk in with_casework:
            continue  # the same clients every time, so running twice changes nothing
        org = client.responsible_organisation
        start = max(client.client_since, today - timedelta(days=900))
        started = start + timedelta(days=10 + n % 40)
        if started > today:
            continue
        completed = started + timedelta(days=14) if started + timedelta(days=14) <= today else None
        Assessment.objects.create(
            client=client,
            organisation=org,
            started=started,
            completed=completed,
            status=Assessment.Status.COMPLETED if completed else Assessment.Status.STARTED,
            plan_needed=True if completed else None,
            literacy=Assessment.Literacy.LITERATE,
            level_listening="A1.2",
            level_speaking="A1.1",
            goals="Suomen kielen opinnot ja työ omalta alalta.",
        )
        done += 1
        if completed is None or n % 4 == 3:
            continue  # some are waiting for their plan
        plan_start = completed + timedelta(days=7)
        if plan_start > today:
            continue
        plan = IntegrationPlan.objects.create(
            client=client,
            organisation=org,
            start=plan_start,
            end=plan_start + timedelta(days=364),
            long_term_goals="Työllistyminen ja suomen kielen taito B1.1.",
            period_goals="Yhteiskuntaorientaatio ja kotoutumiskoulutus.",
            monitoring="Tapaaminen ohjaajan kanssa kolmen kuukauden välein.",
        )
        if n % 3:
            referred = plan_start + timedelta(days=20)
            PlanService.objects.create(
                plan=plan,
                category_id=CATEGORIES[n % len(CATEGORIES)],
                status=PlanService.Status.REFERRED,
                referred=min(referred, today),
            )
        if n % 5 == 0 and plan_start + timedelta(days=200) <= today:
            PlanReview.objects.create(plan=plan, day=plan_start + timedelta(days=200))
        target = employment if org != employment else county
        if target is not None and n % 6 == 1:
            Referral.objects.create(
                client=client,
                from_organisation=org,
                to_organisation=target,
                reason="Työnhaun tuki ja työllisyyspalvelut.",
                consent_reference="Suostumus kirjattu haastattelussa",
                sent_on=plan_start,
                response_due=plan_start + timedelta(days=14),
            )
        GuidanceContact.objects.create(
            organisation=org,
            client=client,
            day=started - timedelta(days=3),
            language="ar",
            topics=["residence", "housing"],
            channel=GuidanceContact.Channel.IN_PERSON,
            outcome=GuidanceContact.Outcome.INFORMATION,
        )
    if not GuidanceContact.objects.filter(client__isnull=True, note=DEMO_NOTE).exists():
        for k, org in enumerate(Organisation.objects.filter(kind="municipality").order_by("pk")):
            GuidanceContact.objects.create(
                organisation=org,
                day=today - timedelta(days=k + 1),
                persons=1 + k % 3,
                language=("ar", "uk", "so", "fa", "ru", "en")[k % 6],
                topics=["work", "education"],
                channel=GuidanceContact.Channel.PHONE,
                outcome=GuidanceContact.Outcome.INFORMATION,
                note=DEMO_NOTE,
            )
    return done
