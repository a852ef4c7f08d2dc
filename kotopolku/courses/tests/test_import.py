"""Attendance from the provider's spreadsheet: all or nothing, errors named by line."""

import io
import mimetypes
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from kotopolku.courses.models import Attendance
from kotopolku.courses.tests.factories import enrol_client, make_course, today

pytestmark = pytest.mark.django_db


def _week(demo):
    """Keuda's course with five sessions this week and three participants."""
    course = make_course("IMP-1", sessions=0)
    from datetime import time

    from kotopolku.courses import services

    monday = today() - timedelta(days=today().weekday() + 7)
    sessions = [
        services.session_add(
            actor=None,
            course=course,
            day=monday + timedelta(days=n),
            start_time=time(9, 0),
            hours=Decimal("3"),
            topic="society",
        )
        for n in range(5)
    ]
    people = [enrol_client(course, f"IMP-{n}") for n in range(3)]
    return course, sessions, people


def _xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(client, name, content, content_type=None):
    # What a browser sends: the Content-Type that goes with the file's extension.
    content_type = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    return client.post(
        reverse("courses:attendance_import"),
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
    )


def test_provider_imports_a_week_from_xlsx(demo, client_for):
    course, sessions, people = _week(demo)
    rows = [["course_code", "external_id", "session_date", "hours"]]
    for session in sessions:
        for n, person in enumerate(people):
            # A real spreadsheet: date cells, numbers, one id by enrolment number.
            participant = person.client.external_id if n else person.pk
            rows.append([course.code, participant, session.day, 3 if n != 2 else 2.5])
    response = _upload(client_for("provider"), "viikko.xlsx", _xlsx(rows))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Attendance.objects.filter(session__course=course).count() == 15
    assert Attendance.objects.filter(enrolment=people[2]).values_list("hours", flat=True)[
        0
    ] == Decimal("2.5")


def test_one_invalid_row_changes_nothing_and_names_the_row(demo, client_for):
    course, sessions, people = _week(demo)
    lines = ["kurssikoodi;asiakasnumero;päivä;tunnit"]
    for session in sessions:
        for person in people:
            lines.append(f"{course.code};{person.client.external_id};{session.day:%d.%m.%Y};3")
    # Line 9 (the header is line 1): more hours than the session has.
    parts = lines[8].split(";")
    lines[8] = ";".join([*parts[:3], "4"])
    content = ("\ufeff" + "\n".join(lines)).encode()
    response = _upload(client_for("provider"), "viikko.csv", content)
    assert response.status_code == 400
    text = response.content.decode()
    assert "rivi 9" in text  # Finnish by default: "line 9"
    assert not Attendance.objects.exists()


def test_errors_of_every_kind_are_listed(demo, client_for):
    course, sessions, people = _week(demo)
    content = "\n".join(
        [
            "course_code,external_id,session_date,hours",
            f"{course.code},{people[0].client.external_id},{sessions[0].day},3",
            f"NO-SUCH,{people[0].client.external_id},{sessions[0].day},3",
            f"{course.code},SOMEONE-ELSE,{sessions[0].day},3",
            f"{course.code},{people[1].client.external_id},{today() + timedelta(days=400)},3",
            f"{course.code},{people[1].client.external_id},31.2.2025,3",
            f"{course.code},{people[2].client.external_id},{sessions[1].day},kolme",
        ]
    ).encode()
    response = _upload(client_for("provider"), "a.csv", content)
    assert response.status_code == 400
    errors = response.context["errors"]
    assert [e.key for e in errors] == [3, 4, 5, 6, 7]
    assert [e.field for e in errors] == [
        "course_code",
        "participant",
        "session_date",
        "session_date",
        "hours",
    ]
    assert not Attendance.objects.exists()


def test_a_provider_cannot_import_into_another_providers_course(demo, client_for):
    from kotopolku.organisations.models import Organisation

    ngo = Organisation.objects.get(kind=Organisation.Kind.NGO)
    other = make_course("NGO-1", provider=ngo, sessions=1)
    person = enrol_client(other, "NGO-P-1")
    session = other.sessions.get()
    content = (
        f"course_code,enrolment_id,session_date,hours\n{other.code},{person.pk},{session.day},3\n"
    ).encode()
    response = _upload(client_for("provider"), "a.csv", content)
    assert response.status_code == 400
    assert not Attendance.objects.exists()


def test_unreadable_file_is_a_clear_error(demo, client_for):
    response = _upload(client_for("provider"), "a.xlsx", b"not a workbook")
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    response = _upload(client_for("provider"), "a.csv", b"foo,bar\n1,2\n")
    assert response.status_code == 400
    assert "course_code" in response.context["form"].errors["file"][0]


@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        # A workbook renamed to .csv, and a CSV renamed to .xlsx: the content decides.
        ("viikko.csv", "xlsx", None, "Tiedoston sisältö ei vastaa sen tyyppiä (csv)."),
        ("viikko.xlsx", "csv", None, "Tiedoston sisältö ei vastaa sen tyyppiä (xlsx)."),
        # The browser says PDF for a file named .xlsx.
        ("viikko.xlsx", "pdf", "application/pdf", "Sallitut: csv, xlsx."),
        ("viikko.pdf", "pdf", None, "Sallitut: csv, xlsx."),
    ],
)
def test_content_that_does_not_match_the_extension_is_refused(
    demo, client_for, name, content, content_type, message
):
    course, sessions, people = _week(demo)
    rows = [
        ["course_code", "external_id", "session_date", "hours"],
        [course.code, people[0].client.external_id, sessions[0].day.isoformat(), 3],
    ]
    bodies = {
        "xlsx": _xlsx(rows),
        "csv": "\n".join(",".join(str(c) for c in row) for row in rows).encode(),
        "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
    }
    response = _upload(client_for("provider"), name, bodies[content], content_type)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert message in response.context["form"].errors["file"][0]
    assert not Attendance.objects.exists()


def test_a_large_file_is_read_by_a_background_job(
    demo, client_for, settings, django_capture_on_commit_callbacks
):
    """Over JOB_UPLOAD_THRESHOLD_BYTES the upload answers at once with the job page; the job
    stores every row, or nothing and every wrong row on the job page."""
    from kotopolku.jobs.models import Job

    settings.JOB_UPLOAD_THRESHOLD_BYTES = 0  # every upload through a job
    course, sessions, people = _week(demo)
    lines = ["course_code;external_id;session_date;hours"]
    for session in sessions:
        for person in people:
            lines.append(f"{course.code};{person.client.external_id};{session.day};3")
    provider = client_for("provider")
    with django_capture_on_commit_callbacks(execute=True):
        answer = _upload(provider, "viikko.csv", "\n".join(lines).encode())
    job = Job.objects.get(kind="attendance_upload")
    assert answer.status_code == 302
    assert answer.url == reverse("jobs:detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.summary["rows"] == 15
    assert Attendance.objects.filter(session__course=course).count() == 15
    assert "15" in provider.get(answer.url).content.decode()

    # A wrong row: the job fails, names the line, and stores nothing more.
    lines[4] = lines[4].rsplit(";", 1)[0] + ";9"
    with django_capture_on_commit_callbacks(execute=True):
        _upload(provider, "viikko2.csv", "\n".join(lines).encode())
    failed = Job.objects.filter(kind="attendance_upload").exclude(pk=job.pk).get()
    assert failed.status == Job.Status.FAILED
    assert "rivi 5" in failed.error or "line 5" in failed.error
    assert Attendance.objects.filter(session__course=course).count() == 15
    assert Attendance.objects.filter(hours=9).count() == 0
