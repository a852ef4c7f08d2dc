"""Casework for the demo clients: assessments, plans, referrals and guidance contacts.

Idempotent: a client that already has an assessment is left alone, and the anonymous contacts
are recorded once. Dates follow each client's own dates, so the worklist looks like a real
caseload: most clients are assessed soon after they become clients and have a plan with a
service; the newest arrivals wait for their assessment (due soon); one in twenty is behind
(overdue); a first plan whose year is over is followed by a second plan, or the client has
found work or a place to study and the case is closed.
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
from kotopolku.casework.services import referral_access_until
from kotopolku.clients.models import Client
from kotopolku.organisations.models import Organisation

DEMO_NOTE = "demo"
CATEGORIES = ("social_orientation", "integration_training", "language_studies", "guidance")


@transaction.atomic
def seed_casework(*, limit: int | None = None) -> int:
    """Add casework to the open demo clients without any (among the first `limit` demo
    clients, or all); returns how many got some."""
    today = timezone.localdate()
    employment = Organisation.objects.filter(kind=Organisation.Kind.EMPLOYMENT_AREA).first()
    county = Organisation.objects.filter(kind=Organisation.Kind.WELLBEING_COUNTY).first()
    # Closed clients count in the numbering too, so that a second run numbers the clients
    # as the first did (this run closes some of them).
    clients = (
        Client.objects.filter(archived=False)
        .exclude(responsible_organisation__isnull=True)
        .select_related("responsible_organisation")
        .order_by("external_id")
    )
    if limit is not None:
        clients = clients[:limit]
    done = 0
    with_casework = set(
        Assessment.objects.filter(client__in=clients).values_list("client_id", flat=True)
    )
    for n, client in enumerate(clients):
        if client.pk in with_casework or client.closed_at is not None:
            continue  # the same clients every time, so running twice changes nothing
        recent = client.client_since >= today - timedelta(days=240)
        if n % 20 == 7 and recent:
            continue  # behind: the assessment has not started
        org = client.responsible_organisation
        if org is None:
            continue  # nobody to do the casework (not in the demo data)
        started = client.client_since + timedelta(days=10 + n % 40)
        if started > today:
            continue  # a new arrival: the assessment is still ahead
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
        GuidanceContact.objects.create(
            organisation=org,
            client=client,
            day=started - timedelta(days=3),
            language="ar",
            topics=["residence", "housing"],
            channel=GuidanceContact.Channel.IN_PERSON,
            outcome=GuidanceContact.Outcome.INFORMATION,
        )
        done += 1
        if completed is None or (n % 8 == 3 and completed >= today - timedelta(days=150)):
            continue  # some are waiting for their plan
        plan_start = completed + timedelta(days=7)
        if plan_start > today:
            continue
        plan = _demo_plan(client, org, plan_start, n, today)
        target = employment if org != employment else county
        if target is not None and n % 6 == 1:
            Referral.objects.create(
                client=client,
                from_organisation=org,
                to_organisation=target,
                reason="Työnhaun tuki ja työllisyyspalvelut.",
                legal_basis=Referral.LegalBasis.INTEGRATION_ACT_INFORMATION,
                access_until=referral_access_until(plan_start + timedelta(days=14)),
                sent_on=plan_start,
                response_due=plan_start + timedelta(days=14),
            )
        if plan.end >= today:
            continue
        # The first plan's year is over: a job, studies, or a second plan.
        outcome = (IntegrationPlan.Closure.EMPLOYED, IntegrationPlan.Closure.STUDIES, None)[n % 3]
        if outcome is None:
            second = _demo_plan(client, org, plan.end + timedelta(days=1), n + 1, today)
            _close(plan, IntegrationPlan.Closure.OTHER, plan.end, note="Jatkosuunnitelma laadittu.")
            if second.end >= today:
                continue
            plan, outcome = second, IntegrationPlan.Closure.TIME_LIMIT
        _close(plan, outcome, plan.end)
        client.closed_at = plan.end
        client.closure = outcome
        client.save(update_fields=["closed_at", "closure"])
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


def _demo_plan(client, org, start, n: int, today):
    """A one-year plan with a service under way and the reviews that fell due."""
    plan = IntegrationPlan.objects.create(
        client=client,
        organisation=org,
        start=start,
        end=start + timedelta(days=364),
        long_term_goals="Työllistyminen ja suomen kielen taito B1.1.",
        period_goals="Yhteiskuntaorientaatio ja kotoutumiskoulutus.",
        monitoring="Tapaaminen ohjaajan kanssa kolmen kuukauden välein.",
    )
    referred = start + timedelta(days=20)
    if referred <= today:
        PlanService.objects.create(
            plan=plan,
            category_id=CATEGORIES[n % len(CATEGORIES)],
            status=(
                PlanService.Status.STARTED
                if referred + timedelta(days=30) <= today
                else PlanService.Status.REFERRED
            ),
            referred=referred,
            started=referred + timedelta(days=30)
            if referred + timedelta(days=30) <= today
            else None,
        )
    if n % 3 == 0 and plan.end >= today:
        # A course the client still needs a place on: the plan page offers enrolment.
        PlanService.objects.create(
            plan=plan,
            category_id="integration_training" if n % 2 else "social_orientation",
            status=PlanService.Status.PLANNED,
        )
    for months in (5, 10):
        day = start + timedelta(days=months * 30)
        if day <= today and day <= plan.end and n % 9 != 4:
            PlanReview.objects.create(plan=plan, day=day)
    return plan


def _close(plan, reason, day, *, note: str = "") -> None:
    plan.closed_on = day
    plan.closure_reason = reason
    plan.closure_note = note
    plan.save(update_fields=["closed_on", "closure_reason", "closure_note"])
