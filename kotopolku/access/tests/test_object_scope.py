"""The object-scope matrix (docs/security.md): role × scope × every object with personal data.

One Järvenpää client with a case (assessment, plan) is put in each scope situation through the
real services: seen by its own organisation, by another organisation with no reason, through a
referral that is accepted, expired, withdrawn, completed or rejected, through a consent (valid or
withdrawn), and restricted. Every user of the demo then asks for every object through the pages
and the API; each answer is checked, and so is the audit row the request wrote: a read row naming
the client for an allowed read, an access_denied row for a refusal.
"""

from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from kotopolku.audit.models import AuditEvent
from kotopolku.casework import services as casework
from kotopolku.casework.models import Referral
from kotopolku.casework.tests.factories import make_case, org
from kotopolku.clients import services as clients
from kotopolku.clients.models import Consent

pytestmark = pytest.mark.django_db

USERS = (
    "admin",
    "coordinator",
    "caseworker-jarvenpaa",
    "caseworker-tuusula",
    "caseworker-employment",
    "provider",
    "viewer",
)
OWN = {"admin", "coordinator", "caseworker-jarvenpaa"}  # Järvenpää, responsible for the client
NO_REGISTRY = {"provider", "viewer"}  # no personal-data role at all: 403 before any object

# (url name, kwargs maker, is API). Every object type that holds a client's personal data.
OBJECTS = (
    ("clients:detail", lambda c: {"pk": c.client.pk}, False),
    ("clients:reveal", lambda c: {"pk": c.client.pk}, False),
    ("casework:case", lambda c: {"pk": c.client.pk}, False),
    ("casework:plan_detail", lambda c: {"pk": c.plan.pk}, False),
    ("casework:plan_print", lambda c: {"pk": c.plan.pk}, False),
    ("casework:assessment_edit", lambda c: {"pk": c.assessment.pk}, False),
    ("api:client-detail", lambda c: {"pk": c.client.pk}, True),
    ("api:client-deadlines", lambda c: {"pk": c.client.pk}, True),
    ("api:client-assessments", lambda c: {"pk": c.client.pk}, True),
    ("api:client-plans", lambda c: {"pk": c.client.pk}, True),
)
# Pages that change data are for case workers only; they answer 403 to others with the role.
WRITE_PAGES = {"casework:assessment_edit"}


class Case:
    def __init__(self):
        self.client, self.assessment, self.plan, _ = make_case("SCOPE-0001")


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def _refer_to_tuusula(case, *, accept=True, **kwargs):
    referral = casework.referral_send(
        actor=_user("caseworker-jarvenpaa"),
        client=case.client,
        from_organisation=org("186"),
        to_organisation=org("858"),
        reason="Kotoutumiskoulutus",
        response_due=timezone.localdate() + timedelta(days=14),
        legal_basis=Referral.LegalBasis.INTEGRATION_ACT_INFORMATION,
        **kwargs,
    )
    if accept:
        casework.referral_accept(actor=_user("caseworker-tuusula"), referral=referral)
    return referral


def _setup(scenario: str) -> Case:
    case = Case()
    jarvenpaa_worker = _user("caseworker-jarvenpaa")
    today = timezone.localdate()
    if scenario == "accepted":
        _refer_to_tuusula(case)
    elif scenario == "expired":
        referral = _refer_to_tuusula(case, access_until=today + timedelta(days=14))
        # The day after access ends: the scope refuses even before the expiry job has run.
        Referral.objects.filter(pk=referral.pk).update(
            sent_on=today - timedelta(days=60),
            response_due=today - timedelta(days=46),
            access_until=today - timedelta(days=1),
        )
    elif scenario == "expired_recorded":
        referral = _refer_to_tuusula(case, access_until=today + timedelta(days=14))
        assert casework.referrals_expire(on=today + timedelta(days=15)) == 1
        # Seen from the day after: move the referral's dates back instead of the clock.
        Referral.objects.filter(pk=referral.pk).update(
            sent_on=today - timedelta(days=60),
            response_due=today - timedelta(days=46),
            access_until=today - timedelta(days=1),
        )
    elif scenario == "withdrawn":
        referral = _refer_to_tuusula(case)
        casework.referral_withdraw(actor=jarvenpaa_worker, referral=referral, reason="Muutto")
    elif scenario == "completed":
        referral = _refer_to_tuusula(case)
        casework.referral_complete(
            actor=_user("caseworker-tuusula"), referral=referral, outcome="Palvelu annettu"
        )
    elif scenario == "rejected":
        referral = _refer_to_tuusula(case, accept=False)
        casework.referral_reject(
            actor=_user("caseworker-tuusula"), referral=referral, reason="Ei kriteerejä"
        )
    elif scenario == "sent":
        _refer_to_tuusula(case, accept=False)
    elif scenario in ("consented", "consent_withdrawn"):
        consent = clients.consent_add(
            actor=jarvenpaa_worker,
            client=case.client,
            organisation=org("858"),
            purpose=Consent.Purpose.PLANNING,
            valid_from=today,
            valid_until=today + timedelta(days=30),
        )
        if scenario == "consent_withdrawn":
            clients.consent_withdraw(actor=jarvenpaa_worker, consent=consent)
    elif scenario == "restricted":
        from kotopolku.privacy.services import restriction_start

        restriction_start(actor=_user("coordinator"), client=case.client, reason="Oikaisupyyntö")
    return case


# Who may read the client in each scenario, beyond its own organisation's staff.
TUUSULA_READS = {"accepted", "consented"}
SCENARIOS = (
    "own_only",
    "accepted",
    "sent",
    "expired",
    "expired_recorded",
    "withdrawn",
    "completed",
    "rejected",
    "consented",
    "consent_withdrawn",
    "restricted",
)


def _expected(scenario: str, username: str, name: str, is_api: bool) -> int:
    if username in NO_REGISTRY:
        return 403
    if name in WRITE_PAGES and username == "admin":
        return 403  # the role may not write casework at all
    if username in OWN:
        if scenario == "restricted":
            return 403 if is_api else 302  # the page asks for a reason first
        return 200
    if username == "caseworker-tuusula" and scenario in TUUSULA_READS:
        return 200
    return 404


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_object_scope_matrix(demo, scenario):
    case = _setup(scenario)
    failures = []
    for username in USERS:
        http = HttpClient()
        http.force_login(_user(username))
        for name, kwargs, is_api in OBJECTS:
            url = reverse(name, kwargs=kwargs(case))
            last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
            status = http.get(url).status_code
            expected = _expected(scenario, username, name, is_api)
            rows = AuditEvent.objects.filter(id__gt=last, actor__username=username)
            if status != expected:
                failures.append(f"{username} {name}: {status}, expected {expected}")
                continue
            if expected == 200:
                ok = rows.filter(client_id=case.client.pk, success=True).exists()
            else:
                ok = rows.filter(action=AuditEvent.Action.ACCESS_DENIED, success=False).exists()
            if not ok:
                failures.append(f"{username} {name}: {status} without its audit row")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("scenario", ["own_only", "accepted", "withdrawn", "consented"])
def test_lists_follow_the_same_scope_and_name_every_client(demo, scenario):
    """The client list, the API list, the worklist and the referral list show the client exactly
    when the object pages do, and each shown client gets its own audit row."""
    case = _setup(scenario)
    http = HttpClient()
    http.force_login(_user("caseworker-tuusula"))
    sees = scenario in TUUSULA_READS
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    page = http.get(reverse("clients:list"))
    assert (case.client.external_id in page.content.decode()) is sees
    api = http.get(reverse("api:client-list")).json()
    assert (case.client.pk in [row["id"] for row in api["results"]]) is sees
    worklist = http.get(reverse("api:worklist")).json()
    # The worklist is the caseload ∩ the scope: a referral is caseload, a consent is not.
    assert (case.client.pk in [row["client"] for row in worklist["results"]]) is (
        scenario == "accepted"
    )
    reads = AuditEvent.objects.filter(id__gt=last, client_id=case.client.pk)
    assert reads.filter(object_type="ClientList").count() == (2 if sees else 0)
    assert reads.filter(object_type="Worklist").count() == (1 if scenario == "accepted" else 0)


def test_responsible_organisation_sees_the_whole_chain(demo):
    """Tuusula, allowed to refer onward, refers the client to the employment area; Järvenpää's
    case worker and coordinator see both referrals and may withdraw the onward one."""
    case = Case()
    first = _refer_to_tuusula(case, onward_allowed=True)
    onward = casework.referral_send(
        actor=_user("caseworker-tuusula"),
        client=case.client,
        from_organisation=org("858"),
        to_organisation=org("employment_area"),
        reason="Työnhaku",
        response_due=timezone.localdate() + timedelta(days=14),
        legal_basis=Referral.LegalBasis.EMPLOYMENT_SERVICES_ACT,
    )
    assert onward.parent == first
    for username in ("caseworker-jarvenpaa", "coordinator"):
        http = HttpClient()
        http.force_login(_user(username))
        listed = http.get(reverse("api:referral-list")).json()
        assert {first.pk, onward.pk} <= {row["id"] for row in listed["results"]}
        page = http.get(reverse("casework:referral_detail", kwargs={"pk": onward.pk}))
        assert page.status_code == 200
        assert 'data-testid="referral-chain"' in page.content.decode()
    http = HttpClient()
    http.force_login(_user("caseworker-jarvenpaa"))
    response = http.post(
        reverse("casework:referral_withdraw", kwargs={"pk": first.pk}), {"text": "Muutti pois"}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    onward.refresh_from_db()
    # Withdrawing the first ends the onward one too, each with a revoke row in the client's log.
    assert first.status == onward.status == Referral.Status.WITHDRAWN
    revokes = AuditEvent.objects.filter(
        action=AuditEvent.Action.REVOKE, client_id=case.client.pk, object_type="Referral"
    )
    assert set(revokes.values_list("object_id", flat=True)) == {str(first.pk), str(onward.pk)}
    employment = HttpClient()
    employment.force_login(_user("caseworker-employment"))
    assert (
        employment.get(reverse("clients:detail", kwargs={"pk": case.client.pk})).status_code == 404
    )
    assert (
        employment.get(reverse("casework:referral_detail", kwargs={"pk": onward.pk})).status_code
        == 404
    )


def test_grant_withdrawal_and_expiry_are_in_the_clients_log_report(demo):
    case = Case()
    today = timezone.localdate()
    granted = _refer_to_tuusula(case)
    casework.referral_withdraw(
        actor=_user("caseworker-jarvenpaa"), referral=granted, reason="Ei tarvetta"
    )
    expiring = _refer_to_tuusula(case, access_until=today + timedelta(days=20))
    assert casework.referrals_expire(on=today + timedelta(days=21)) == 1
    expiring.refresh_from_db()
    assert expiring.status == Referral.Status.EXPIRED
    http = HttpClient()
    http.force_login(_user("coordinator"))
    report = http.get(reverse("privacy:log_report", kwargs={"pk": case.client.pk}))
    assert report.status_code == 200
    rows = AuditEvent.objects.filter(
        client_id=case.client.pk,
        object_type="Referral",
        object_id__in=[str(granted.pk), str(expiring.pk)],
    )
    actions = list(rows.values_list("action", flat=True))
    assert actions.count(AuditEvent.Action.DISCLOSE) == 4  # two sent, two accepted
    assert actions.count(AuditEvent.Action.REVOKE) == 2  # withdrawn, expired
    shown = list(report.context["page"].object_list)
    assert sum(1 for row in shown if row.action == AuditEvent.Action.REVOKE) == 2


def test_default_access_end_is_response_due_plus_service_length(demo, settings):
    settings.REFERRAL_SERVICE_DAYS = 90
    case = Case()
    referral = _refer_to_tuusula(case, accept=False)
    assert referral.access_until == referral.response_due + timedelta(days=90)
    assert timezone.localdate() <= referral.access_until
