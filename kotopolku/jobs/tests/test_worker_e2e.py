"""End to end with a real worker process: the database backend (on SQLite, or on PostgreSQL when
the suite runs there) and the RQ backend on the machine's Redis.

- the programme PDF: the page answers at once, the bar moves, the file arrives;
- a referral answered: the sender's inbox and an e-mail in the outbox, in the sender's language;
- a worker stopped with jobs in the queue: a new worker runs them all.
"""

import os
import re
import signal
import time

import pytest

from kotopolku.jobs.tests import stack as stacks

pytestmark = [pytest.mark.worker, pytest.mark.xdist_group("worker-stack")]

BACKENDS = ["database", "rq"]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("worker-stack")
    url, ids = stacks.prepare_database(workdir)
    return workdir, url, ids


@pytest.fixture(scope="module", params=BACKENDS)
def stack(request, prepared):
    workdir, url, ids = prepared
    if request.param == "rq":
        if not stacks.redis_available():
            if os.environ.get("KOTOPOLKU_CI"):
                pytest.fail("Redis is needed on 127.0.0.1:6379 (.ci/run starts it)")
            pytest.skip("no Redis on 127.0.0.1:6379")
        stacks.flush_redis()
    running = stacks.Stack(backend=request.param, database_url=url, workdir=workdir, ids=ids)
    try:
        running.start_web()
        running.start_worker()
        yield running
    finally:
        running.stop_all()


def _wait_for(stack, http, job_url: str, seconds: float = 90) -> tuple[dict, list[int]]:
    seen: list[int] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = http.get(job_url, headers={"Accept": "application/json"}, timeout=10).json()
        seen.append(status["progress"])
        if status["status"] in ("succeeded", "failed"):
            return status, seen
        time.sleep(0.2)
    raise AssertionError(f"job did not finish: {seen[-5:]}\nworker log:\n{stack.log('worker')}")


def test_programme_pdf_answers_at_once_shows_progress_and_arrives(stack):
    http = stack.session("coordinator")
    ids = stack.ids
    url = (
        f"{stack.url}/programme/{ids['programme']}/versions/{ids['version']}/document/"
        "?language=fi&format=pdf"
    )
    # As a user does: the version page first, then its PDF link.
    version_page = f"{stack.url}/programme/{ids['programme']}/versions/{ids['version']}/"
    assert http.get(version_page, timeout=30).status_code == 200
    started = time.monotonic()
    answer = http.get(url, timeout=10)
    elapsed = time.monotonic() - started
    assert answer.status_code == 200, answer.text[:500]
    assert elapsed < 1.0, f"the page took {elapsed:.2f} s"
    assert re.search(r"/jobs/[0-9a-f-]{36}/\?auto=1$", answer.url)
    assert '<progress class="job-progress"' in answer.text
    assert 'hx-trigger="every 1s"' in answer.text
    job_url = answer.url.split("?")[0]

    status, seen = _wait_for(stack, http, job_url)
    assert status["status"] == "succeeded", status["error"]
    assert seen[-1] == 100
    assert any(0 < p < 100 for p in seen) or len(seen) == 1  # the bar moved (unless instant)
    # The page, reloaded, still has the result; the polling has stopped.
    page = http.get(job_url, timeout=10).text
    assert "hx-trigger" not in page
    assert status["download"] in page
    pdf = http.get(f"{stack.url}{status['download']}", timeout=30)
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert 'filename="kotoutumisohjelma-v' in pdf.headers["Content-Disposition"]
    # Someone else's job is not found.
    other = stack.session("viewer")
    assert other.get(job_url, timeout=10).status_code == 404
    assert other.get(f"{stack.url}{status['download']}", timeout=10).status_code == 404


def test_answered_referral_reaches_the_senders_inbox_and_mail_in_their_language(stack):
    referral = stack.ids["referrals"][BACKENDS.index(stack.backend)]
    sender = stack.session("caseworker-jarvenpaa", language="sv")
    sender.get(f"{stack.url}/notifications/", timeout=10)  # uses the app in Swedish
    receiver = stack.session("caseworker-employment")
    answer = stack.post(receiver, f"/casework/referrals/{referral}/accept/", {"text": ""})
    assert answer.status_code == 200
    assert f"/casework/referrals/{referral}/" in answer.url

    deadline = time.monotonic() + 60
    mails: list[str] = []
    while time.monotonic() < deadline:
        mails = [
            m
            for m in stack.mails()
            if f"/casework/referrals/{referral}/" in m and "To: jussi@example.fi" in m
        ]
        if mails:
            break
        time.sleep(0.3)
    assert len(mails) == 1, f"no mail\nworker log:\n{stack.log('worker')}"
    mail = mails[0]
    assert "accepterade din remiss" in mail  # Swedish: "… accepted your referral"
    assert "/notifications/unsubscribe/" in mail
    assert "Testi" not in mail
    assert "WORKER-1" not in mail
    inbox = sender.get(f"{stack.url}/notifications/", timeout=10).text
    assert "accepterade din remiss" in inbox
    assert 'class="notification-bell__count"' in inbox


def test_spreadsheet_upload_shows_progress_then_the_result(stack):
    from kotopolku.compensation.demo import DEMO_MAPPING, demo_payment_list_csv

    http = stack.session("coordinator")
    path = "/compensation/payment-lists/upload/?municipality=186"
    form = http.get(f"{stack.url}{path}", timeout=10)
    assert form.status_code == 200
    answer = http.post(
        f"{stack.url}{path}",
        data={"month": "2025-03", **DEMO_MAPPING, "csrfmiddlewaretoken": http.cookies["csrftoken"]},
        files={"file": ("maksulista.csv", demo_payment_list_csv(), "text/csv")},
        headers={"Referer": f"{stack.url}{path}"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text[:300]
    assert re.search(r"/jobs/[0-9a-f-]{36}/$", answer.url)
    assert '<progress class="job-progress"' in answer.text
    status, _seen = _wait_for(stack, http, answer.url)
    assert status["status"] == "succeeded", status["error"]
    assert status["summary"]["rows"] > 0
    result = http.get(f"{stack.url}{status['summary']['link']}", timeout=10)
    assert result.status_code == 200
    assert "Expected but not paid" in result.text or "Odotettu" in result.text
    # A broken file: a clear error on the job page, and nothing stored.
    bad = http.post(
        f"{stack.url}{path}",
        data={"month": "2025-04", **DEMO_MAPPING, "csrfmiddlewaretoken": http.cookies["csrftoken"]},
        files={"file": ("maksulista.csv", b"Henkil\xc3\xb6tunnus;Summa\nx;1\n", "text/csv")},
        headers={"Referer": f"{stack.url}{path}"},
        timeout=10,
    )
    status, _seen = _wait_for(stack, http, bad.url)
    assert status["status"] == "failed"
    assert "Henkilötunnus, Summa" in status["error"]  # names the columns the file has
    page = http.get(bad.url, timeout=10).text
    assert "hds-notification--error" in page


def test_a_restarted_worker_loses_no_queued_job(stack):
    stack.stop("worker", signal.SIGKILL)
    http = stack.session("coordinator")
    ids = stack.ids
    base = f"{stack.url}/programme/{ids['programme']}/versions/{ids['version']}/document/"
    jobs = []
    for language in ("fi", "sv"):
        answer = http.get(f"{base}?language={language}&format=docx", timeout=10)
        jobs.append(answer.url.split("?")[0])
    time.sleep(1)
    for job_url in jobs:
        status = http.get(job_url, headers={"Accept": "application/json"}, timeout=10).json()
        assert status["status"] == "queued"
    stack.start_worker()
    for job_url in jobs:
        status, _seen = _wait_for(stack, http, job_url)
        assert status["status"] == "succeeded", status["error"]
        docx = http.get(f"{stack.url}{status['download']}", timeout=30)
        assert docx.content.startswith(b"PK")
