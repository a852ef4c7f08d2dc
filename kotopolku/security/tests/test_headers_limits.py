"""No-store, CSP, request size, database outage, upload content, rate limit, bulk-read alert."""

import io
import time
import zipfile
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from kotopolku.access.ratelimit import rate_limit
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.common.uploads import UploadRejected, check_upload
from kotopolku.rules.models import StatutoryRule
from kotopolku.security.services import ALERT, bulk_read_alert_check

pytestmark = pytest.mark.django_db


def test_signed_in_pages_and_json_are_not_stored(client_for):
    client = client_for("coordinator")
    for url in (reverse("home"), reverse("api:organisation-list")):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"]


def test_token_api_responses_are_not_stored(user_for):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=user_for("viewer"))
    response = Client().get(
        reverse("api:organisation-list"), HTTP_AUTHORIZATION=f"Token {token.key}"
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_csp_has_no_unsafe_inline(client_for):
    response = client_for("viewer").get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "script-src 'self'" in csp


def test_oversized_post_gets_a_clean_400(client_for, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client = client_for("coordinator")
    response = client.post(reverse("security:reauth"), {"password": "x" * 5000})
    assert response.status_code == 400
    body = client.post(
        reverse("api:client-search"), data="x" * 5000, content_type="application/json"
    )
    assert body.status_code in (400, 413)
    assert body["Content-Type"].startswith("application/")


def quiet_client(user):
    """A test client that shows the server's response instead of re-raising its error."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_database_outage_gives_a_clean_503(user_for):
    client = quiet_client(user_for("coordinator"))
    with mock.patch(
        "kotopolku.common.views.connection.ensure_connection",
        side_effect=OperationalError("server closed the connection"),
    ):
        response = client.get(reverse("readyz"))
    assert response.status_code == 503
    with (
        mock.patch(
            "kotopolku.organisations.selectors.region_overview",
            side_effect=OperationalError("server closed the connection"),
        ),
        mock.patch(
            "kotopolku.common.accounts.region_overview",
            side_effect=OperationalError("server closed the connection"),
        ),
    ):
        page = client.get(reverse("home"))
    assert page.status_code == 503
    assert "Traceback" not in page.content.decode()
    assert "tietokanta" in page.content.decode().lower() or "database" in page.content.decode()
    assert page["Retry-After"] == "30"


def test_api_outage_is_a_json_503(user_for):
    client = quiet_client(user_for("coordinator"))
    with mock.patch(
        "kotopolku.organisations.api.OrganisationListApi.get",
        side_effect=OperationalError("gone"),
    ):
        response = client.get(reverse("api:organisation-list"))
    assert response.status_code == 503
    assert response.json()["code"] == "service_unavailable"


# --- uploads ------------------------------------------------------------------------------


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "content_type", "kind"),
    [
        ("list.csv", "henkilö;summa\nÄäkkönen;12\n".encode(), "text/csv", "csv"),
        ("list.csv", "nimi;summa\n".encode("cp1252"), "application/vnd.ms-excel", "csv"),
        ("list.xlsx", xlsx_bytes(), "application/octet-stream", "xlsx"),
        ("doc.pdf", b"%PDF-1.7\n...", "application/pdf", "pdf"),
        ("pic.png", b"\x89PNG\r\n\x1a\n....", "image/png", "png"),
        ("pic.jpg", b"\xff\xd8\xff\xe0....", "image/jpeg", "jpeg"),
    ],
    ids=["csv-utf8", "csv-cp1252", "xlsx", "pdf", "png", "jpeg"],  # a zip's bytes carry its time
)
def test_upload_content_matching_its_type_is_accepted(name, content, content_type, kind):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    assert check_upload(upload, allowed={"csv", "xlsx", "pdf", "png", "jpeg"}) == kind
    assert upload.tell() == 0


@pytest.mark.parametrize(
    ("name", "content", "content_type", "code"),
    [
        ("list.csv", b"MZ\x90\x00\x03binary", "text/csv", "upload_content"),
        ("list.xlsx", b"PK\x03\x04 not really a zip", "application/octet-stream", "upload_content"),
        ("list.xlsx", b"%PDF-1.4", "application/pdf", "upload_type"),
        ("doc.pdf", b"<html>hi</html>", "application/pdf", "upload_content"),
        ("pic.png", b"GIF89a", "image/png", "upload_content"),
        ("run.exe", b"MZ", "application/octet-stream", "upload_type"),
    ],
)
def test_upload_content_not_matching_is_rejected(name, content, content_type, code):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    with pytest.raises(UploadRejected) as caught:
        check_upload(upload, allowed={"csv", "xlsx", "pdf", "png"})
    assert caught.value.code == code


# --- rate limit -----------------------------------------------------------------------------


def test_rate_limit_answers_429_after_the_limit(user_for):
    @rate_limit("test-search", limit=3, per=60)
    def search(request):
        return HttpResponse("ok")

    factory = RequestFactory()
    user = user_for("caseworker")
    other = user_for("coordinator")
    statuses = []
    for _ in range(5):
        request = factory.get("/search/")
        request.user = user
        statuses.append(search(request).status_code)
    assert statuses == [200, 200, 200, 429, 429]
    request = factory.get("/search/")
    request.user = other
    assert search(request).status_code == 200
    api_request = factory.post("/api/v1/search/")
    api_request.user = user
    limited = rate_limit("test-search", limit=3, per=60)(lambda r: HttpResponse())(api_request)
    assert limited.status_code == 429
    assert limited["Retry-After"]


# --- bulk extraction ----------------------------------------------------------------------


def read_clients(user, count):
    for client_id in range(1, count + 1):
        audit_record(
            actor=user,
            action=AuditEvent.Action.VIEW,
            object_type="Client",
            object_id=client_id,
            client_id=client_id,
        )


def test_bulk_reads_raise_one_alert_and_mail_the_admins(
    user_for, django_user_model, django_capture_on_commit_callbacks
):
    admin = user_for("admin")
    admin.email = "admin@example.fi"
    admin.save()
    StatutoryRule.objects.filter(key="bulk_read_alert_per_hour").update(value=5)
    # Up to the limit: no alert. (Callbacks of one transaction are scheduled once per user.)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        read_clients(user_for("caseworker"), 5)
    assert len(callbacks) == 1
    assert not AuditEvent.objects.filter(action=ALERT).exists()
    reader = django_user_model.objects.get(username="caseworker-tuusula")
    with django_capture_on_commit_callbacks(execute=True):
        read_clients(reader, 9)
    alert = AuditEvent.objects.get(action=ALERT)
    assert alert.actor == reader
    # Distinct clients count, not rows: re-reading the same clients adds nothing.
    assert "9 clients" in alert.reason
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["admin@example.fi"]
    assert "caseworker-tuusula" in mail.outbox[0].body
    # Further reads within the hour do not flood the log or the inbox.
    read_clients(reader, 12)
    assert bulk_read_alert_check(user_id=reader.pk) is None
    assert AuditEvent.objects.filter(action=ALERT).count() == 1
    assert len(mail.outbox) == 1


def test_old_reads_do_not_count(user_for):
    StatutoryRule.objects.filter(key="bulk_read_alert_per_hour").update(value=2)
    reader = user_for("caseworker")
    read_clients(reader, 4)

    with mock.patch(
        "kotopolku.security.services.timezone.now",
        return_value=timezone.now() + timedelta(hours=2),
    ):
        assert bulk_read_alert_check(user_id=reader.pk) is None
    assert bulk_read_alert_check(user_id=reader.pk) is not None


def test_session_lost_to_a_database_outage_is_a_503_not_a_400(user_for):
    from django.contrib.sessions.backends.base import UpdateError
    from django.db import connection

    from kotopolku.access.middleware import LAST_SEEN

    client = quiet_client(user_for("viewer"))
    # A page saves the session when the last-seen time is renewed (at most once a minute).
    session = client.session
    session[LAST_SEEN] = time.time() - 120
    session.save()

    def outage(self, must_create=False):
        connection.errors_occurred = True  # what Django's error wrapper records
        raise UpdateError

    with mock.patch("django.contrib.sessions.backends.db.SessionStore.save", outage):
        response = client.get(reverse("home"))
    connection.errors_occurred = False
    assert response.status_code == 503


def test_rereading_counted_clients_skips_the_count_but_a_new_client_is_counted(
    user_for, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """A page of clients already counted within the hour cannot cross the limit, so its check
    reads nothing; one new client makes the check count the hour again, and alert."""
    StatutoryRule.objects.filter(key="bulk_read_alert_per_hour").update(value=3)
    reader = user_for("caseworker")
    with django_capture_on_commit_callbacks(execute=True):
        read_clients(reader, 3)  # the check after the transaction counts 3 distinct clients
    assert not AuditEvent.objects.filter(action=ALERT).exists()
    with django_assert_num_queries(0):
        assert bulk_read_alert_check(user_id=reader.pk, client_ids=frozenset({1, 2, 3})) is None
    read_clients(reader, 4)  # client 4 is new: counted, 4 > 3
    alert = bulk_read_alert_check(user_id=reader.pk, client_ids=frozenset({1, 2, 3, 4}))
    assert alert is not None
    assert "4 clients" in alert.reason
    # Without the clients just read (the hourly check), it always counts (and finds the
    # hour's alert written).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as counted:
        assert bulk_read_alert_check(user_id=reader.pk) is None
    assert any("audit_auditevent" in q["sql"] for q in counted.captured_queries)
