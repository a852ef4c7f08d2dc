"""Reads of the client registry. Every read of personal data writes an audit row here."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet

from kotopolku.access.clients import deny_unless_visible, visible_clients
from kotopolku.audit.labels import audit_summary
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_client_reads, audit_record, redact
from kotopolku.clients import identity
from kotopolku.clients.models import Client, Consent, HomeMunicipalityPeriod
from kotopolku.organisations.models import Membership, Organisation

Action = AuditEvent.Action


def _with_relations(qs: QuerySet[Client]) -> QuerySet[Client]:
    return qs.select_related(
        "responsible_organisation",
        "responsible_organisation__employment_area",
        "responsible_worker",
    ).prefetch_related(
        Prefetch(
            "home_periods",
            queryset=HomeMunicipalityPeriod.objects.select_related(
                "municipality", "municipality__employment_area"
            ).order_by("start"),
        ),
        "languages",
    )


def client_list(*, user: Any, search: str = "") -> QuerySet[Client]:
    """The clients `user` may see, optionally narrowed by name, external id or identity code.

    Not audited by itself: callers audit the listing (`client_list_audit`) or the search.
    """
    rows = visible_clients(user, Client.objects.all())
    # privacy: restricted clients are hidden from lists and searches.
    from kotopolku.access.privacy import without_restricted

    rows = without_restricted(rows)
    search = (search or "").strip()
    if search:
        rows = rows.filter(client_search_condition(search))
    return _with_relations(rows).order_by("last_name", "first_names", "id")


def client_search_condition(search: str) -> Q:
    """What a client search matches; shared by the list selector and the API's filter set."""
    search = search.strip()
    if identity.looks_like_hetu(search):
        return Q(hetu_hash=identity.lookup_hash(search))
    # "Amina Hassan" matches when every word is in the first names or the last name.
    every = Q()
    for word in search.split()[:4]:
        every &= Q(last_name__icontains=word) | Q(first_names__icontains=word)
    return Q(external_id__iexact=search) | every


def client_search_audit(
    *, actor: Any, search: str, path: str = "", hits: int = 0, ids: list[int] | None = None
) -> None:
    """A search is audited with what kind of search it was, never with an identity code, and
    with one `search` row per client shown (they count toward the bulk-read alert)."""
    by = "identity_code" if identity.looks_like_hetu(search) else "name"
    found = {"by": by, "hits": hits} | (
        {"text": redact(search.strip()[:100])} if by == "name" else {}
    )
    audit_record(
        actor=actor,
        action=Action.SEARCH,
        object_type="Client",
        details=audit_summary("search", **found),
        path=path,
    )
    audit_client_reads(
        actor=actor,
        action=Action.SEARCH,
        object_type="ClientSearch",
        client_ids=ids or [],
        details=audit_summary("search_result", by=by),
        path=path,
    )


def client_list_audit(
    *, actor: Any, page_number: int | None, ids: list[int], path: str = ""
) -> None:
    """One `view` row per client on the page shown (906/2019 § 17: the client's log names it).

    `page_number` is None for the API list, which pages by cursor and so has no page number."""
    audit_client_reads(
        actor=actor,
        action=Action.VIEW,
        object_type="ClientList",
        client_ids=ids,
        details=(
            audit_summary("page", page=page_number)
            if page_number is not None
            else audit_summary("api_list")
        ),
        path=path,
    )


def client_get(*, pk: int) -> Client | None:
    try:
        return _with_relations(Client.objects.filter(archived=False)).get(pk=pk)
    except Client.DoesNotExist:
        return None


def client_for_user(*, user: Any, pk: int, path: str = "", audit_view: bool = True) -> Client:
    """The client, if `user` may see it; else Http404 with an access_denied audit row.

    Writes a `view` audit row for the read.
    """
    client = client_get(pk=pk)
    deny_unless_visible(user, client, path=path, object_id=pk)
    assert client is not None  # noqa: S101 (deny_unless_visible raised otherwise)
    if audit_view:
        audit_record(
            actor=user,
            action=Action.VIEW,
            object_type="Client",
            object_id=client.pk,
            client_id=client.pk,
            path=path,
        )
    return client


def client_consents(*, client: Client) -> QuerySet[Consent]:
    return client.consents.select_related("organisation").order_by("-valid_until", "-id")


def municipality_choices() -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        kind=Organisation.Kind.MUNICIPALITY, archived=False
    ).order_by("name")


def organisation_choices() -> QuerySet[Organisation]:
    return Organisation.objects.filter(archived=False).order_by("kind", "name")


# Who may be a client's responsible worker: a member of the responsible organisation who does
# its casework. Not an access rule (seeing the client is decided in access/): a staff list.
WORKER_ROLES = (Membership.Role.COORDINATOR, Membership.Role.CASEWORKER)


def responsible_workers(*, organisation_ids: Iterable[int]) -> QuerySet[Any]:
    """Active users with a casework role in any of the organisations, by name: the choices of
    a client's responsible worker and of the worklist's worker filter."""
    ids = list(organisation_ids)
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__organisation_id__in=ids,
            memberships__role__in=WORKER_ROLES,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def is_responsible_worker(*, user: Any, organisation: Organisation | None) -> bool:
    """Whether `user` may be the responsible worker of a client of `organisation`."""
    if user is None or organisation is None:
        return False
    return responsible_workers(organisation_ids=[organisation.pk]).filter(pk=user.pk).exists()


def worker_name(user: Any) -> str:
    """A worker as the pages name them: the full name, else the user name."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
