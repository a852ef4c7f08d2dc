"""Uploads are bounded (docs/security.md): a 5 KB spreadsheet cannot exhaust a worker.

The crafted workbook declares one cell at XFD1048576 (the last cell Excel allows): openpyxl
would pad every row to 16,384 cells and yield a million rows. Each upload path must answer a
clear 400 in under two seconds and store nothing.
"""

import io
import time
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from kotopolku.common.uploads import SpreadsheetTooLarge, UploadRejected, spreadsheet_rows
from kotopolku.compensation.demo import DEMO_MAPPING
from kotopolku.compensation.models import PaymentList
from kotopolku.courses.models import Attendance

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def crafted_xlsx(sheet_data: str, *, dimension: str | None = "A1:XFD1048576", pad=3000) -> bytes:
    """A minimal workbook whose only sheet is `sheet_data`, written by hand as an attacker
    would; padded with an XML comment to about 5 KB."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}>{dim}'
        f"<sheetData>{sheet_data}</sheetData><!-- {'x' * pad} --></worksheet>"
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
            f'{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {NS} xmlns:r="{REL}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
            f'{REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


HEADER = (
    '<row r="1">'
    + _cell("A1", "course_code")
    + _cell("B1", "external_id")
    + _cell("C1", "session_date")
    + _cell("D1", "hours")
    + "</row>"
)
XFD = HEADER + '<row r="1048576">' + _cell("XFD1048576", "x") + "</row>"
BOMB = crafted_xlsx(XFD)


def test_the_crafted_workbook_is_small_and_really_declares_the_last_cell():
    from openpyxl import load_workbook

    assert 4_000 < len(BOMB) < 6_000
    sheet = load_workbook(io.BytesIO(BOMB), read_only=True).worksheets[0]
    assert (sheet.max_row, sheet.max_column) == (1_048_576, 16_384)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (BOMB, "too_many_rows"),
        # No dimension: the cells' own positions are checked as the sheet streams.
        (crafted_xlsx(XFD, dimension=None), "too_many_rows"),
        (
            crafted_xlsx(HEADER + '<row r="2">' + _cell("XFD2", "x") + "</row>", dimension=None),
            "too_many_columns",
        ),
        # Rows and cells without positions count one by one.
        (crafted_xlsx("<row><c><v>1</v></c></row>" * 12, dimension=None), "too_many_rows"),
        (
            crafted_xlsx("<row>" + "<c><v>1</v></c>" * 11 + "</row>", dimension=None),
            "too_many_columns",
        ),
        (crafted_xlsx(HEADER, dimension="A1:K1"), "too_many_columns"),
    ],
    # Named: a workbook's bytes carry the time it was written, so each xdist worker would
    # otherwise collect a test of another name.
    ids=[
        "bomb",
        "no-dimension",
        "far-column",
        "rows-unpositioned",
        "cells-unpositioned",
        "declared-columns",
    ],  # fmt: skip
)
def test_a_workbook_over_the_limits_is_refused_before_its_cells_are_read(content, code):
    started = time.monotonic()
    with pytest.raises(SpreadsheetTooLarge) as refused:
        spreadsheet_rows("xlsx", content, max_rows=10, max_columns=10)
    assert refused.value.code == code
    assert time.monotonic() - started < 2


def test_a_workbook_that_unpacks_to_too_much_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/sharedStrings.xml", b"\0" * (41 * 1024 * 1024))
    assert len(out.getvalue()) < 100_000
    with pytest.raises(SpreadsheetTooLarge) as refused:
        spreadsheet_rows("xlsx", out.getvalue(), max_rows=10, max_columns=10)
    assert refused.value.code == "too_large"


def test_a_csv_of_blank_lines_counts_every_row():
    with pytest.raises(SpreadsheetTooLarge):
        spreadsheet_rows("csv", b"a;b\n" + b"\n" * 50, max_rows=10, max_columns=10)
    with pytest.raises(SpreadsheetTooLarge):
        spreadsheet_rows("csv", b";" * 20 + b"\n", max_rows=10, max_columns=10)


def test_an_ordinary_workbook_and_csv_are_read_whole():
    book = Workbook()
    for row in [["a", "b"], [1, "x"], [None, None], [2, "y"]]:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    rows = spreadsheet_rows("xlsx", buffer.getvalue(), max_rows=10, max_columns=5)
    assert [r[:2] for r in rows] == [["a", "b"], [1, "x"], [None, None], [2, "y"]]
    assert spreadsheet_rows("csv", "a;b\nä;1\n".encode("cp1252"), max_rows=5, max_columns=5) == [
        ["a", "b"],
        ["ä", "1"],
    ]
    with pytest.raises(UploadRejected):
        spreadsheet_rows("xlsx", b"PK\x03\x04broken", max_rows=5, max_columns=5)


MESSAGES = {
    "fi": "Tiedostossa on yli 20000 riviä",
    "sv": "Filen har fler än 20000 rader",
    "en": "The file has more than 20000 rows",
}


def _in_language(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_attendance_upload_of_the_crafted_workbook_is_a_quick_400(demo, client_for, language):
    client = _in_language(client_for("provider"), language)
    client.get(reverse("courses:attendance_import"))  # warm-up: the timing is of the upload
    started = time.monotonic()
    response = client.post(
        reverse("courses:attendance_import"),
        {"file": SimpleUploadedFile("week.xlsx", BOMB, content_type=XLSX_TYPE)},
    )
    assert time.monotonic() - started < 2
    assert response.status_code == 400
    assert MESSAGES[language] in response.content.decode()
    assert not Attendance.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_payment_list_upload_of_the_crafted_workbook_is_a_quick_400(demo, client_for, language):
    client = _in_language(client_for("coordinator"), language)
    client.get(reverse("compensation:payment_list_upload") + "?municipality=186")  # warm-up
    started = time.monotonic()
    response = client.post(
        reverse("compensation:payment_list_upload") + "?municipality=186",
        {
            "month": "2025-03",
            "file": SimpleUploadedFile("list.xlsx", BOMB, content_type=XLSX_TYPE),
            **DEMO_MAPPING,
        },
    )
    assert time.monotonic() - started < 2
    assert response.status_code == 400
    assert MESSAGES[language] in response.content.decode()
    assert not PaymentList.objects.exists()


@pytest.mark.django_db
def test_payment_list_api_upload_of_the_crafted_workbook_is_a_quick_400(demo, client_for):
    client = _in_language(client_for("coordinator"), "en")
    started = time.monotonic()
    response = client.post(
        reverse("api:compensation-payment-lists") + "?municipality=186",
        {
            "municipality": "186",
            "month": "2025-03",
            "file": SimpleUploadedFile("list.xlsx", BOMB, content_type=XLSX_TYPE),
            **DEMO_MAPPING,
        },
    )
    assert time.monotonic() - started < 2
    assert response.status_code == 400
    assert "more than 20000 rows" in response.content.decode()
    assert not PaymentList.objects.exists()
