"""Large what-if previews run as background jobs (docs/data-formats.md), through the real HTTP
stack,
database and job service; small ones (the demo region) are still computed in the request."""

import io
import json

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from kotopolku.audit.models import AuditEvent
from kotopolku.jobs import registry
from kotopolku.jobs.models import Job
from kotopolku.jobs.services import job_execute
from kotopolku.organisations.models import Membership
from kotopolku.rules.jobs import RULES_WHATIF_PREVIEW
from kotopolku.rules.models import DraftRuleRow, DraftRuleSet
from kotopolku.rules.tests.test_whatif import caseload  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

RATE = "compensation_rate_municipality_7_plus"
QUERY = "?municipality=186&year=2026&on=2026-06-01"
LOW = override_settings(WHATIF_BACKGROUND_CLIENTS=1)


@pytest.fixture
def draft():
    made = DraftRuleSet.objects.create(title="Rates −8 %")
    DraftRuleRow.objects.create(draft=made, key=RATE, value="1800.00", effective_from="2026-01-01")
    return made


def _in(client, language):
    """The language switcher's choice (the browser's Accept-Language is ignored)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _preview_url(draft, query=QUERY):
    return reverse("rules:draft_preview", args=[draft.pk]) + query


def _job_url(draft, query=QUERY):
    return reverse("rules:draft_preview_job", args=[draft.pk]) + query


def _computed_audits():
    return AuditEvent.objects.filter(object_type="RulesWhatIf").count()


def test_over_the_threshold_the_page_offers_a_background_job_and_computes_nothing(
    client_for,
    caseload,  # noqa: F811
    draft,
):
    coordinator = _in(client_for("coordinator"), "en")
    with LOW:
        page = coordinator.get(_preview_url(draft))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="whatif-background"' in html
    assert "The chosen municipalities have 3 clients." in html  # JP-1, JP-2 and JP-3 in 186
    assert "Make the preview in the background" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert f'action="{_job_url(draft)}"' in html.replace("&amp;", "&")
    for fmt in ("xlsx", "csv", "json"):
        assert f'value="{fmt}"' in html
    # Not computed: no figures, no chart, no read of the clients audited.
    assert 'id="whatif-totals"' not in html
    assert 'id="whatif-by-month"' not in html
    assert _computed_audits() == 0
    assert not Job.objects.exists()
    # The Finnish page says the same in Finnish.
    with LOW:
        fi = _in(coordinator, "fi").get(_preview_url(draft)).content.decode()
    assert "Tee esikatselu taustalla" in fi
    assert "Valituissa kunnissa on 3 asiakasta." in fi


def test_the_small_demo_case_is_still_computed_in_the_request(
    client_for,
    caseload,  # noqa: F811
    draft,
):
    page = client_for("coordinator").get(_preview_url(draft))
    html = page.content.decode()
    assert 'id="whatif-totals"' in html
    assert 'id="whatif-background"' not in html
    assert "JP-1" in html
    assert _computed_audits() == 1
    assert not Job.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_the_background_file_is_the_direct_export(
    client_for,
    caseload,  # noqa: F811
    draft,
    fmt,
    django_capture_on_commit_callbacks,
):
    coordinator = client_for("coordinator")
    with LOW, django_capture_on_commit_callbacks(execute=True):
        started = coordinator.post(_job_url(draft), {"format": fmt})
    job = Job.objects.get(kind=RULES_WHATIF_PREVIEW)
    assert started.status_code == 303
    assert started["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.owner.username == "coordinator"
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.params == {
        "draft": draft.pk,
        "municipality": "186",
        "year": 2026,
        "on": "2026-06-01",
        "format": fmt,
    }
    assert job.result_name == f"whatif-{draft.pk}-186-2026.{fmt}"
    page = coordinator.get(started["Location"])
    assert page.status_code == 200
    downloaded = coordinator.get(reverse("jobs:download", args=[job.pk]))
    assert downloaded.status_code == 200
    body = b"".join(downloaded.streaming_content) if downloaded.streaming else downloaded.content
    # Audited as the direct export is: the same object type and id.
    assert AuditEvent.objects.filter(
        action="export", object_type="RulesWhatIf", object_id=f"{draft.pk}:186:2026"
    ).exists()

    if fmt == "json":  # the direct export offers CSV and Excel; JSON is the documented format
        data = json.loads(body)
        assert data["current"] == {"total": "10413.12"}
        assert data["draft"] == {"total": "10103.04"}
        assert data["municipality"] == "186"
        return
    # The threshold high (the default): the direct export, computed in the request.
    direct = coordinator.get(reverse("rules:draft_preview_export", args=[draft.pk, fmt]) + QUERY)
    assert direct.status_code == 200
    assert f'filename="{job.result_name}"' in direct["Content-Disposition"]
    if fmt == "csv":
        assert body == direct.content
    else:  # the workbook's own timestamp differs; every cell is the same
        made, asked = (load_workbook(io.BytesIO(b)) for b in (body, direct.content))
        assert made.sheetnames == asked.sheetnames == ["summary", "persons", "deadlines"]
        for name in made.sheetnames:
            assert list(made[name].iter_rows(values_only=True)) == list(
                asked[name].iter_rows(values_only=True)
            )
        assert list(made["persons"].iter_rows(values_only=True))[1][0] == "JP-1"


def test_the_export_link_of_a_large_preview_starts_the_job(
    client_for,
    caseload,  # noqa: F811
    draft,
):
    coordinator = client_for("coordinator")
    url = reverse("rules:draft_preview_export", args=[draft.pk, "xlsx"]) + QUERY
    with LOW:
        response = coordinator.get(url)
        again = coordinator.get(url)  # a reload while it waits: the same job
    job = Job.objects.get(kind=RULES_WHATIF_PREVIEW)
    assert response.status_code == again.status_code == 303
    assert response["Location"] == again["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.params["format"] == "xlsx"
    assert _computed_audits() == 0  # nothing computed in the request


def test_the_job_reports_progress_per_municipality(
    user_for,
    caseload,  # noqa: F811
    draft,
):
    job = Job.objects.create(
        owner=user_for("admin"),  # the administrator sees every municipality of the region
        kind=RULES_WHATIF_PREVIEW,
        params={"draft": draft.pk, "municipality": "", "year": 2026, "on": "2026-06-01"}
        | {"format": "csv"},
        title="t",
    )
    steps = []
    with translation.override("en"):
        result = registry.kind(RULES_WHATIF_PREVIEW).runner(
            job, lambda percent, step: steps.append((percent, str(step)))
        )
    assert isinstance(result, registry.JobFile)
    assert result.filename == f"whatif-{draft.pk}-region-2026.csv"
    assert b"person,JP-1,total" in result.content
    assert b"TU-1" in result.content  # Tuusula is in the region
    done = [s for s in steps if s[1].startswith("Municipality ")]
    assert len(done) >= 2  # one step per municipality of the region
    assert any("186" in step for _p, step in done)
    assert [p for p, _s in steps] == sorted(p for p, _s in steps), steps


def _queued(client, draft, fmt="csv"):
    """Start a job without running it (its task is queued on commit, which the test's
    transaction never reaches)."""
    with LOW:
        client.post(_job_url(draft), {"format": fmt})
    return Job.objects.get(kind=RULES_WHATIF_PREVIEW)


def test_a_requester_who_lost_the_right_is_refused_when_the_job_runs(
    client_for,
    user_for,
    caseload,  # noqa: F811
    draft,
):
    job = _queued(_in(client_for("coordinator"), "en"), draft)
    assert job.status == Job.Status.QUEUED
    Membership.objects.filter(user=user_for("coordinator")).delete()
    assert job_execute(job_id=str(job.pk)) == Job.Status.FAILED
    job.refresh_from_db()
    assert "no longer" in job.error
    assert not job.result_file


def test_a_draft_published_or_deleted_meanwhile_is_refused(
    client_for,
    caseload,  # noqa: F811
    draft,
):
    coordinator = _in(client_for("coordinator"), "en")
    job = _queued(coordinator, draft)
    DraftRuleSet.objects.filter(pk=draft.pk).update(
        status=DraftRuleSet.Status.PUBLISHED, published_at=timezone.now()
    )
    assert job_execute(job_id=str(job.pk)) == Job.Status.FAILED
    job.refresh_from_db()
    assert "published" in job.error

    job.delete()
    other = DraftRuleSet.objects.create(title="Gone")
    gone = _queued(coordinator, other)
    other.delete()
    assert job_execute(job_id=str(gone.pk)) == Job.Status.FAILED
    gone.refresh_from_db()
    assert "deleted" in gone.error


def test_a_draft_that_cannot_be_computed_is_refused_in_the_language_of_the_request(
    client_for,
    caseload,  # noqa: F811
    draft,
):
    coordinator = _in(client_for("coordinator"), "sv")
    with LOW:
        coordinator.post(_job_url(draft), {"format": "csv"})
    job = Job.objects.get(kind=RULES_WHATIF_PREVIEW)
    assert job.language == "sv"
    # A row the rule book does not know (stored before a key was retired): a DraftError.
    DraftRuleRow.objects.create(
        draft=draft, key="no_such_key", value=1, effective_from="2026-01-01"
    )
    assert job_execute(job_id=str(job.pk)) == Job.Status.FAILED
    job.refresh_from_db()
    assert job.error.startswith("Utkastet kan inte förhandsgranskas:")


def test_the_job_button_is_post_only_and_checks_the_format(
    client_for,
    caseload,  # noqa: F811
    draft,
):
    coordinator = client_for("coordinator")
    assert coordinator.get(_job_url(draft)).status_code == 405
    assert coordinator.post(_job_url(draft), {"format": "pdf"}).status_code == 404
    assert not Job.objects.exists()


def test_the_clients_are_counted_once_in_one_query(
    django_assert_num_queries,
    caseload,  # noqa: F811
):
    from datetime import date

    from kotopolku.rules.previews import preview_client_count

    on = date(2026, 6, 1)
    with django_assert_num_queries(1):
        assert preview_client_count(municipality_codes=["186", "858"], on=on) == 4
    assert preview_client_count(municipality_codes=["186", "186"], on=on) == 3
    assert preview_client_count(municipality_codes=["858"], on=on) == 1
    assert preview_client_count(municipality_codes=[], on=on) == 0


# ---------------------------------------------------------------- the API (/api/v1/)

API_PATH = "/api/v1/rules/drafts/{id}/preview/"
POLL_PATH = "/api/v1/rules/drafts/{id}/preview/jobs/{job}/"
API_QUERY = {"municipality": "186", "year": "2026", "on": "2026-06-01"}


def _api_url(draft):
    return API_PATH.replace("{id}", str(draft.pk))


def _api(user):
    """An API client with the user's token, as an outside tool calls (no session)."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    api = APIClient()
    token, _made = Token.objects.get_or_create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


def test_a_large_api_preview_answers_202_and_the_job_makes_the_small_answer(
    user_for,
    client_for,
    caseload,  # noqa: F811
    draft,
    django_capture_on_commit_callbacks,
):
    from kotopolku.common.tests.openapi import assert_conforms

    api = _api(user_for("coordinator"))
    with LOW, django_capture_on_commit_callbacks(execute=True):
        started = api.get(_api_url(draft), API_QUERY)
    assert started.status_code == 202, started.content
    assert_conforms(started, API_PATH)
    job = Job.objects.get(kind=RULES_WHATIF_PREVIEW)
    body = started.json()
    assert body == {
        "id": str(job.pk),
        # Queued when answered: the test's transaction commits (and runs the task) after it.
        "status": "queued",
        "progress": 0,
        "clients": 3,  # JP-1, JP-2 and JP-3 in 186
        "status_url": reverse(
            "api:rules-draft-preview-job", kwargs={"pk": draft.pk, "job": job.pk}
        ),
        "page_url": reverse("jobs:detail", args=[job.pk]),
        "download_url": None,
    }
    assert job.status == Job.Status.SUCCEEDED, job.error
    # The page's job, with the same parameters and the same audit of the download.
    assert job.owner.username == "coordinator"
    assert job.params == {
        "draft": draft.pk,
        "municipality": "186",
        "year": 2026,
        "on": "2026-06-01",
        "format": "json",
    }
    assert (job.audit_object_type, job.audit_object_id) == ("RulesWhatIf", f"{draft.pk}:186:2026")
    assert _computed_audits() == 0  # nothing computed (or read) in the request

    small = api.get(_api_url(draft), API_QUERY)  # the default threshold: computed in the request
    assert small.status_code == 200
    assert_conforms(small, API_PATH)
    assert len(small.json()["months"]) == 12
    # The status URL (the API, as the same API client) answers the small answer once done.
    polled = api.get(body["status_url"])
    assert polled.status_code == 200
    assert_conforms(polled, POLL_PATH)
    assert polled.json() == small.json()
    assert AuditEvent.objects.filter(
        action="export", object_type="RulesWhatIf", object_id=f"{draft.pk}:186:2026"
    ).exists()

    # The job's page and file in the web interface hold the same.
    session = client_for("coordinator")
    state = session.get(body["page_url"], HTTP_ACCEPT="application/json").json()
    assert state["status"] == "succeeded"
    assert state["download"] == reverse("jobs:download", args=[job.pk])
    downloaded = session.get(state["download"])
    assert downloaded.status_code == 200
    assert downloaded["Content-Type"] == "application/json"
    assert f'filename="whatif-{draft.pk}-186-2026.json"' in downloaded["Content-Disposition"]
    assert json.loads(downloaded.content) == small.json()

    job.result_file.delete()  # expired: `jobs_expire` deletes the file and keeps the row
    assert api.get(body["status_url"]).status_code == 404


def test_a_second_large_api_request_while_the_job_waits_gets_the_same_job(
    user_for,
    caseload,  # noqa: F811
    draft,
):
    api = _api(user_for("coordinator"))
    with LOW:  # the task is queued on commit, which the test's transaction never reaches
        first = api.get(_api_url(draft), API_QUERY)
        again = api.get(_api_url(draft), API_QUERY)
    assert first.status_code == again.status_code == 202
    assert first.json()["status"] == "queued"
    assert first.json()["id"] == again.json()["id"]
    assert Job.objects.filter(kind=RULES_WHATIF_PREVIEW).count() == 1
    # Polled while it waits: 202 again, nothing computed or audited.
    from kotopolku.common.tests.openapi import assert_conforms

    waiting = api.get(first.json()["status_url"])
    assert waiting.status_code == 202
    assert_conforms(waiting, POLL_PATH)
    assert waiting.json()["status"] == "queued"
    assert waiting.json()["download_url"] is None
    assert "clients" not in waiting.json()
    assert _computed_audits() == 0


def test_a_preview_job_is_polled_only_by_its_requester_and_a_failure_is_a_400(
    user_for,
    caseload,  # noqa: F811
    draft,
):
    api = _in(_api(user_for("coordinator")), "en")
    with LOW:
        started = api.get(_api_url(draft), API_QUERY).json()
    job = Job.objects.get(pk=started["id"])
    # The administrator may preview drafts, but not see another user's job.
    assert _api(user_for("admin")).get(started["status_url"]).status_code == 404
    assert _api(user_for("caseworker")).get(started["status_url"]).status_code == 403
    # Under another draft's URL, the job is not found either.
    other = DraftRuleSet.objects.create(title="Other")
    elsewhere = started["status_url"].replace(f"/drafts/{draft.pk}/", f"/drafts/{other.pk}/")
    assert api.get(elsewhere).status_code == 404
    # A job started from the page in XLSX has no JSON answer here.
    Job.objects.filter(pk=job.pk).update(params=job.params | {"format": "xlsx"})
    assert api.get(started["status_url"]).status_code == 404
    Job.objects.filter(pk=job.pk).update(params=job.params)

    DraftRuleRow.objects.create(
        draft=draft, key="no_such_key", value=1, effective_from="2026-01-01"
    )
    assert job_execute(job_id=str(job.pk)) == Job.Status.FAILED
    failed = api.get(started["status_url"])
    assert failed.status_code == 400
    assert failed.json()["detail"]["draft"][0].startswith("The draft cannot be previewed:")


def test_a_large_api_preview_keeps_the_permission_and_input_checks(
    user_for,
    caseload,  # noqa: F811
    draft,
):
    with LOW:
        assert _api(user_for("caseworker")).get(_api_url(draft), API_QUERY).status_code == 403
        assert _api(user_for("viewer")).get(_api_url(draft), API_QUERY).status_code == 403
        coordinator = _api(user_for("coordinator"))
        other = {**API_QUERY, "municipality": "999"}
        assert coordinator.get(_api_url(draft), other).status_code == 404
        assert coordinator.get(_api_url(draft), {**API_QUERY, "year": "x"}).status_code == 400
        gone = _api_url(draft).replace(str(draft.pk), "999999")
        assert coordinator.get(gone, API_QUERY).status_code == 404
    assert not Job.objects.exists()
