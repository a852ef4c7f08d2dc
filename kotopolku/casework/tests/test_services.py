from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kotopolku.audit.models import AuditEvent
from kotopolku.casework import services
from kotopolku.casework.models import Assessment, PlanService, Referral
from kotopolku.casework.tests.factories import caseworker, make_case, make_client, org
from kotopolku.catalogue.models import ServiceCategory

pytestmark = pytest.mark.django_db


def test_assessment_outside_the_window_needs_an_override(demo):
    client = make_client("S-1", first_permit=date(2020, 1, 1), client_since=date(2020, 2, 1))
    with pytest.raises(services.RuleBreach) as exc:
        services.assessment_start(
            actor=caseworker(), client=client, organisation=org("186"), started=date(2024, 1, 1)
        )
    assert exc.value.problems[0].code == "assessment_outside_window"
    assessment = services.assessment_start(
        actor=caseworker(),
        client=client,
        organisation=org("186"),
        started=date(2024, 1, 1),
        override_reason="Uusi oleskelulupa",
    )
    assert assessment.override_reason == "Uusi oleskelulupa"
    assert AuditEvent.objects.filter(
        reason__startswith="override assessment_outside_window"
    ).exists()


def test_assessment_is_completed_only_with_a_plan_decision(demo):
    _, assessment, _, _ = make_case("S-2")
    with pytest.raises(ValidationError):
        services.assessment_update(
            actor=caseworker(), assessment=assessment, completed=date(2025, 4, 20)
        )
    services.assessment_update(
        actor=caseworker(),
        assessment=assessment,
        completed=date(2025, 4, 20),
        plan_needed=True,
        literacy=Assessment.Literacy.LITERATE,
        service_needs=[ServiceCategory.objects.get(code="language_studies")],
    )
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.COMPLETED
    assert list(assessment.service_needs.values_list("code", flat=True)) == ["language_studies"]


def test_extensions_need_a_reason_and_respect_the_cap(demo):
    _, _, plan, _ = make_case("S-3")
    actor = caseworker()
    with pytest.raises(ValidationError):
        services.plan_extend(actor=actor, plan=plan, months=6, reason="", note="x")
    services.plan_extend(actor=actor, plan=plan, months=8, reason="literacy", note="Lukutaito")
    with pytest.raises(services.RuleBreach) as exc:
        services.plan_extend(actor=actor, plan=plan, months=6, reason="illness", note="Sairaus")
    assert [p.code for p in exc.value.problems] == ["extensions_exceed_cap"]
    assert plan.extensions.count() == 1


def test_plan_service_referral_and_review(demo):
    client, _, plan, _ = make_case("S-4")
    actor = caseworker()
    row = services.plan_service_add(
        actor=actor, plan=plan, category=ServiceCategory.objects.get(code="social_orientation")
    )
    with pytest.raises(ValidationError):
        services.plan_service_update(actor=actor, row=row, status=PlanService.Status.STARTED)
    referral = services.referral_send(
        actor=actor,
        client=client,
        from_organisation=org("186"),
        to_organisation=org("employment_area"),
        reason="Kotoutumiskoulutus",
        legal_basis=Referral.LegalBasis.INTEGRATION_ACT_INFORMATION,
        response_due=timezone.localdate() + timedelta(days=14),
        plan_service=row,
    )
    row.refresh_from_db()
    assert row.status == PlanService.Status.REFERRED
    assert row.referred == referral.sent_on
    services.plan_review_add(actor=actor, plan=plan, day=date(2025, 10, 1))
    with pytest.raises(ValidationError):
        services.plan_review_add(actor=actor, plan=plan, day=date(2025, 1, 1))


def test_referral_states(demo):
    _, _, _, referral = make_case("S-5")
    receiver = caseworker("caseworker-employment")
    with pytest.raises(ValidationError):
        services.referral_complete(actor=receiver, referral=referral, outcome="x")
    with pytest.raises(ValidationError):
        services.referral_reject(actor=receiver, referral=referral, reason=" ")
    services.referral_reject(actor=receiver, referral=referral, reason="Ei työnhakija")
    assert Referral.objects.get().status == Referral.Status.REJECTED
    with pytest.raises(ValidationError):
        services.referral_accept(actor=receiver, referral=referral)


def test_referral_needs_consent_and_a_later_due_date(demo):
    client = make_client("S-6")
    kwargs = dict(
        actor=caseworker(),
        client=client,
        from_organisation=org("186"),
        to_organisation=org("employment_area"),
        reason="Työnhaku",
    )
    with pytest.raises(ValidationError) as exc:
        services.referral_send(**kwargs, response_due=timezone.localdate() - timedelta(days=1))
    assert {"response_due", "consent"} <= set(exc.value.message_dict)
    # Free text is not a consent, and neither is an unlisted "legal basis" (docs/security.md).
    due = timezone.localdate() + timedelta(days=14)
    with pytest.raises(ValidationError) as exc:
        services.referral_send(**kwargs, response_due=due, consent_reference="none")
    assert "consent" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.referral_send(**kwargs, response_due=due, legal_basis="because")
    assert "legal_basis" in exc.value.message_dict
    assert not Referral.objects.exists()


def test_plan_close_needs_a_reason(demo):
    _, _, plan, _ = make_case("S-7")
    with pytest.raises(ValidationError):
        services.plan_close(actor=caseworker(), plan=plan, closed_on=date(2025, 9, 1), reason="x")
    services.plan_close(
        actor=caseworker(), plan=plan, closed_on=date(2025, 9, 1), reason="employed"
    )
    with pytest.raises(ValidationError):
        services.plan_update(actor=caseworker(), plan=plan, start=plan.start, end=plan.end)
