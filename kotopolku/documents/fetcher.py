"""The only way a rendered document may load anything: the application's own static files.

WeasyPrint's default fetcher follows every `url(...)`, `<img src>` and `<link href>`: `http:`
to any host the server can reach, `file:` to any file it can read. Documents are built from
user text (a working group's name, a plan's goals), so a fetcher that can reach the network or
the disk turns a text field into a server-side request or a local file embedded in a PDF that
others download (docs/security.md). This fetcher resolves only `STATIC_ORIGIN/static/<path>` through
Django's staticfiles finders and `data:` URLs (already in the document); everything else is
refused before any connection or file is opened.

Every HTML-to-PDF path calls `html_to_pdf` below; a test fails when code outside this app
imports WeasyPrint.
"""

from __future__ import annotations

import base64
import logging
import mimetypes
import posixpath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders

logger = logging.getLogger(__name__)

# A base URL that resolves nowhere on the network: relative links in a document resolve
# against it, and the fetcher maps its /static/ paths to files found by the finders.
STATIC_ORIGIN = "https://kotopolku-static.invalid"
BASE_URL = STATIC_ORIGIN + "/"


class FetchRefused(ValueError):
    """A document asked for something outside the application's static files."""


def _static_path(url: str) -> str:
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != STATIC_ORIGIN:
        raise FetchRefused(f"refused: {parts.scheme or 'relative'} URL outside the app")
    prefix = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/static/"
    path = unquote(parts.path)
    if not path.startswith(prefix):
        raise FetchRefused("refused: not a static file")
    relative = path[len(prefix) :]
    normal = posixpath.normpath(relative)
    if not relative or normal.startswith(("/", "..")) or "\\" in relative or "\x00" in relative:
        raise FetchRefused("refused: not a static file")
    return normal


def fetch_static(url: str, headers=None):
    """A WeasyPrint URL fetcher (callable) that serves only static files and `data:` URLs."""
    from weasyprint.urls import URLFetcherResponse

    if url.startswith("data:"):
        head, _, payload = url[5:].partition(",")
        media_type = head.removesuffix(";base64") or "text/plain"
        body = base64.b64decode(payload) if head.endswith(";base64") else unquote(payload)
        return URLFetcherResponse(url, body, {"Content-Type": media_type})
    try:
        name = _static_path(url)
        found = finders.find(name)
    except FetchRefused:
        logger.warning("document fetch refused: %s", url.split(":", 1)[0])
        raise
    if not found:
        raise FetchRefused("refused: no such static file")
    with open(found, "rb") as handle:
        body = handle.read()
    content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
    return URLFetcherResponse(url, body, {"Content-Type": content_type})


def url_fetcher():
    """A fetcher object for `weasyprint.HTML(url_fetcher=...)`."""
    from weasyprint.urls import URLFetcher

    class StaticOnlyFetcher(URLFetcher):
        def __init__(self):
            # No handler at all: nothing can be opened through urllib even by mistake.
            super().__init__(allowed_protocols=(), allow_redirects=False)
            self.handlers.clear()
            self.handle_open.clear()

        def fetch(self, url, headers=None):
            return fetch_static(url, headers)

    return StaticOnlyFetcher()


def html_to_pdf(html: str, progress=None) -> bytes:
    """Render HTML as a PDF with the static-only fetcher. The one HTML-to-PDF path."""
    from weasyprint import HTML  # imported here: loading Pango costs time at start-up

    page = HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher())
    if progress is None:
        return page.write_pdf()
    progress(40)
    laid_out = page.render()  # the slow part: layout of every page
    progress(85)
    return laid_out.write_pdf()
