"""PTV open API client. Every request goes through a transport, a callable that takes a path
below the API root (with its query string) and returns the decoded JSON; tests pass
`FixtureTransport`, production uses `HttpTransport`."""

import json
import urllib.parse
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
from django.conf import settings

Transport = Callable[[str], Any]

# Pages are at most this many: PTV's own page size is 1000 items, and a runaway pageCount must
# not keep a worker busy for ever.
MAX_PAGES = 50


class PtvError(Exception):
    """PTV did not answer, or answered with something that is not its model."""


class HttpTransport:
    def __init__(self, base_url: str | None = None, timeout: float = 30.0):
        self.base_url = (base_url or settings.PTV_API_URL).rstrip("/") + "/"
        self.timeout = timeout

    def __call__(self, path: str) -> Any:
        try:
            response = requests.get(
                self.base_url + path, timeout=self.timeout, headers={"Accept": "application/json"}
            )
            response.raise_for_status()
            return response.json()
        except (requests.RequestException, ValueError) as exc:
            raise PtvError(f"{path}: {exc}") from exc


class FixtureTransport:
    """Answers from recorded files: `manifest.json` in the folder maps each request path to a
    file. A request that was not recorded is an error, as a real 404 would be."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        try:
            self.manifest = json.loads((self.folder / "manifest.json").read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise PtvError(f"{self.folder}: no readable manifest.json") from exc
        self.requests: list[str] = []

    def __call__(self, path: str) -> Any:
        self.requests.append(path)
        name = self.manifest.get(path)
        if not isinstance(name, str):
            raise PtvError(f"{path}: not recorded")
        try:
            return json.loads((self.folder / name).read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise PtvError(f"{name}: {exc}") from exc


def transport_from_settings() -> Transport:
    """`PTV_API_URL` is the API root, or `file:///folder` for recorded answers (demo, tests)."""
    url = settings.PTV_API_URL
    if url.startswith("file://"):
        return FixtureTransport(url.removeprefix("file://"))
    return HttpTransport(url)


def check_uuid(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except (ValueError, AttributeError, TypeError) as exc:
        raise PtvError(f"{value!r} is not a UUID") from exc


def _pages(transport: Transport, path: str) -> list[dict]:
    items: list[dict] = []
    page = 1
    while True:
        separator = "&" if "?" in path else "?"
        body = transport(f"{path}{separator}page={page}")
        if not isinstance(body, dict):
            raise PtvError(f"{path}: not a page")
        items.extend(item for item in body.get("itemList") or [] if isinstance(item, dict))
        page_count = body.get("pageCount") or 0
        if page >= page_count or page >= MAX_PAGES:
            return items
        page += 1


def fetch_organisation(org_uuid: str, transport: Transport) -> dict:
    """The organisation, its services and its service channels, as PTV gives them."""
    org_uuid = check_uuid(org_uuid)
    organisation = transport(f"Organization/{org_uuid}")
    if not isinstance(organisation, dict) or "id" not in organisation:
        raise PtvError(f"Organization/{org_uuid}: not an organisation")
    return {
        "organisation": organisation,
        "services": _pages(transport, f"Service/list/organization?organizationId={org_uuid}"),
        "channels": _pages(transport, f"ServiceChannel/organization/{org_uuid}"),
    }


def default_transport() -> Transport:
    """PTV_API_URL's transport: the open API, or recorded answers when it is a file:// folder
    (an offline installation, a demo)."""
    url = settings.PTV_API_URL
    if url.startswith("file://"):
        return FixtureTransport(urllib.parse.urlsplit(url).path)
    return HttpTransport(url)
