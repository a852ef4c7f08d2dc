"""Reads of the client registry. Every read of personal data writes an audit row here."""

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from kotopolku.access.clients import deny_unless_visible, visible_clients
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.clients import identity
from kotopolku.clients.models import Client, Consent, HomeMunicipalityPeriod
from kotopolku.organisations.models import Organisation

Action = AuditEvent.Action


def _with_relations(qs: QuerySet[Client]) -> QuerySet[Client]:
    return qs.select_related(
        "responsible_organisation", "responsible_organisation__employment_area"
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
    # privacy (issue 9): restricted clients are hidden from lists and searches.
    from kotopolku.privacy.selectors import without_restricted

    rows = without_restricted(rows)
    search = (search or "").strip()
    if search:
        if identity.looks_like_hetu(search):
            rows = rows.filter(hetu_hash=identity.lookup_hash(search))
        else:
            # "Amina Hassan" matches when every word is in the first names or the last name.
            every = Q()
            for word in search.split()[:4]:
                every &= Q(last_name__icontains=word) | Q(first_names__icontains=word)
            condition = Q(external_id__iexact=search) | every
            rows = rows.filter(condition)
    return _with_relations(rows).order_by("last_name", "first_names", "id")


def client_search_audit(*, actor: Any, search: str, path: str = "", hits: int = 0) -> None:
    """A search is audited with what kind of search it was, never with an identity code."""
    kind = "identity code" if identity.looks_like_hetu(search) else "name or external id"
    reason = f"{kind}; {hits} hits"
    if kind != "identity code":
        reason = f"{kind}: {search.strip()[:100]}; {hits} hits"
    audit_record(actor=actor, action=Action.SEARCH, object_type="Client", reason=reason, path=path)


def client_list_audit(*, actor: Any, page_number: int, ids: list[int], path: str = "") -> None:
    audit_record(
        actor=actor,
        action=Action.VIEW,
        object_type="ClientList",
        reason=f"page {page_number}: {len(ids)} clients",
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
