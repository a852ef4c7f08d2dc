"""Documents fetch nothing (docs/security.md): no request to any host, no local file embedded.

A local HTTP server counts the requests that reach it; the attacks name it and `/etc/passwd`.
"""

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.urls import reverse

from kotopolku.documents.fetcher import BASE_URL, FetchRefused, fetch_static, html_to_pdf
from kotopolku.documents.model import Document, Paragraph, Section
from kotopolku.documents.render import css_string, render_html, render_pdf
from kotopolku.governance import services as governance
from kotopolku.governance.tests import factories
from kotopolku.organisations.models import Region


@pytest.fixture
def listener():
    """A server on 127.0.0.1 that records every request made to it."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            hits.append(self.path)
            body = b"\x89PNG\r\n\x1a\n"
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def _images(pdf: bytes) -> int:
    return len(re.findall(rb"/Subtype\s*/Image", pdf))


def test_the_listener_does_count_a_plain_request(listener):
    """Guards the test itself: a request that is made is seen."""
    from urllib.request import urlopen

    url, hits = listener
    with urlopen(url + "/probe", timeout=5) as response:  # noqa: S310 (a local test server)
        response.read()
    assert hits == ["/probe"]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.png",
        "https://example.org/static/documents/document.css",
        "file:///etc/passwd",
        "ftp://127.0.0.1/x",
        "https://kotopolku-static.invalid/etc/passwd",
        "https://kotopolku-static.invalid/static/../../../../etc/passwd",
        "https://kotopolku-static.invalid/static/%2e%2e/%2e%2e/etc/passwd",
        "https://kotopolku-static.invalid:8080/static/documents/document.css",
        "https://user@kotopolku-static.invalid/static/documents/document.css",
    ],
)
def test_the_fetcher_refuses_everything_but_static_files(url):
    with pytest.raises(FetchRefused):
        fetch_static(url)


def test_the_fetcher_serves_the_apps_own_static_files_and_data_urls():
    response = fetch_static(BASE_URL + "static/documents/document.css")
    assert b".programme-document" in response.read()
    assert response.content_type == "text/css"
    assert fetch_static("data:text/plain;base64,aGVq").read() == b"hej"


def test_css_string_leaves_no_way_out_of_the_string():
    escaped = css_string('a"\n}</style>\\ url(file:///etc/passwd)')
    assert escaped.count('"') == 2
    assert "\n" not in escaped
    assert "<" not in escaped
    assert "(" not in escaped
    assert "\\\\" not in escaped


def test_html_with_remote_and_local_references_makes_no_request(listener):
    url, hits = listener
    html = (
        f'<html><head><link rel="stylesheet" href="{url}/style.css">'
        f"<style>@import url({url}/import.css); body {{ background: url({url}/bg.png); }}"
        "p { background: url(file:///etc/passwd); }</style></head>"
        f'<body><p>x</p><img src="{url}/img.png"><img src="file:///etc/passwd">'
        f'<object data="{url}/obj"></object><svg><image href="{url}/svg.png"/></svg></body></html>'
    )
    pdf = html_to_pdf(html)
    assert pdf.startswith(b"%PDF")
    assert hits == []
    assert _images(pdf) == 0


def _attack(url: str) -> str:
    return (
        'Ryhmä";\n} @page { @top-left { content: url(' + url + "/name); } }\n"
        "body { background: url(file:///etc/passwd); } .x { content: url(" + url + '/b); x: "'
    )


def test_a_document_header_with_css_fetches_nothing(listener):
    url, hits = listener
    document = Document(
        title="Pöytäkirja",
        language="fi",
        header=_attack(url),
        page_label='Sivu"\n} @page { background: url(' + url + "/label); }",
        sections=[Section("Asia", [Paragraph("Teksti")])],
    )
    pdf = render_pdf(document)
    assert pdf.startswith(b"%PDF")
    assert hits == []
    assert _images(pdf) == 0
    # The header is text of the page, not a rule of the stylesheet.
    html = render_html(document, running_header=True)
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    assert url not in style
    assert "passwd" not in style


@pytest.mark.django_db
def test_working_group_name_with_css_makes_no_request_in_the_minutes_pdf(
    listener, client_for, user_for
):
    """The penetration test's case, end to end: a group's name into the minutes PDF."""
    url, hits = listener
    region = Region.objects.get(slug="keski-uusimaa")
    group = governance.group_create(
        actor=user_for("coordinator"),
        data=governance.GroupInput(region=region, kind="coordination", name_fi=_attack(url)),
    )
    meeting = factories.meeting(group)
    response = client_for("coordinator").get(
        reverse("governance:meeting_document", args=[meeting.pk]),
        {"kind": "minutes", "language": "fi", "format": "pdf"},
    )
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert hits == []
    assert _images(response.content) == 0


def test_no_code_outside_the_documents_app_calls_weasyprint():
    """Every HTML-to-PDF path goes through `documents.fetcher.html_to_pdf`."""
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and path.parent.name != "documents"
        and re.search(r"^\s*(from|import) weasyprint", path.read_text(), flags=re.MULTILINE)
    ]
    assert offenders == []


def test_the_running_header_shows_the_text_as_written_on_every_page():
    from io import BytesIO

    from pypdf import PdfReader

    header = 'Ryhmä "A" & <B>'
    document = Document(
        title="T",
        language="fi",
        header=header,
        page_label="Sivu",
        sections=[Section("A", [Paragraph("t")])],
    )
    pages = PdfReader(BytesIO(render_pdf(document))).pages
    assert len(pages) == 2
    for number, page in enumerate(pages, start=1):
        text = page.extract_text()
        assert header in text
        assert f"Sivu {number} / 2" in text
