"""Bring an organisation's services from PTV into the catalogue, matched by PTV id.

One walk (`_reconcile`) both lists the changes and, when asked, makes them, so a dry run shows
exactly what an apply would do. What the sync may write:

- a service's names and descriptions in fi/sv/en, but only where the local text is empty or is
  still what the last sync wrote; a text edited here is kept and reported as `keep_local`;
- languages and municipalities (by municipality code) are added, never removed;
- the responsible organisation is set only where none is set locally;
- the PTV classification (service classes, ontology terms, target groups, areas) is PTV's own
  and is replaced;
- channels with a PTV id are PTV's own: created, updated and removed to match; channels made
  here (no PTV id) are never touched;
- category, capacity, active period, cooperating organisations, local target groups and the
  archive flag are local and never written, except that a new service gets the neutral
  category `basic_services` and today as its start, for a coordinator to correct.

A second run over the same data changes nothing.
"""

import json
from datetime import datetime
from functools import cache
from typing import Any

import jsonschema
import jsonschema.protocols
from django.db import transaction
from django.utils import timezone, translation

from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.catalogue.models import (
    PtvOrganisation,
    PtvSyncRun,
    Service,
    ServiceChannel,
    ServiceLanguage,
)
from kotopolku.catalogue.ptv import SCHEMA_PATH
from kotopolku.catalogue.ptv.client import (
    PtvError,
    Transport,
    check_uuid,
    default_transport,
    fetch_organisation,
)
from kotopolku.organisations.models import Organisation

LANGUAGES = ("fi", "sv", "en")
NEW_SERVICE_CATEGORY = "basic_services"
TEXT_FIELDS = tuple(f"{name}_{lang}" for name in ("name", "description") for lang in LANGUAGES)
CHANGING_ACTIONS = frozenset({"create", "update", "delete", "add"})
_CHANNEL_KINDS = {
    "ServiceLocation": ServiceChannel.Kind.LOCATION,
    "Phone": ServiceChannel.Kind.PHONE,
    "EChannel": ServiceChannel.Kind.E_SERVICE,
    "WebPage": ServiceChannel.Kind.WEB,
    "PrintableForm": ServiceChannel.Kind.WEB,
}


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text("utf-8"))


def validator(definition: str) -> "jsonschema.protocols.Validator":
    root = schema()
    cls = jsonschema.validators.validator_for(root)
    return cls(
        {"$ref": f"#/$defs/{definition}", "$defs": root["$defs"]},
        format_checker=cls.FORMAT_CHECKER,
    )


def check_payload(payload: dict) -> None:
    """The fetched data is PTV's model, or nothing is read (PtvError names the first fault)."""
    checks = [("Organization", payload.get("organisation"), "organisation")]
    checks += [("Service", item, f"services[{i}]") for i, item in enumerate(payload["services"])]
    checks += [
        ("ServiceChannel", item, f"channels[{i}]") for i, item in enumerate(payload["channels"])
    ]
    for definition, item, where in checks:
        error = jsonschema.exceptions.best_match(validator(definition).iter_errors(item))
        if error is not None:
            path = "/".join(str(p) for p in error.absolute_path)
            raise PtvError(f"{where}/{path}: {error.message}")


# -- PTV JSON to plain records ----------------------------------------------------------------


def _by_language(items: list[dict] | None, kind: str | None = None) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items or []:
        if kind is not None and item.get("type") != kind:
            continue
        language, value = item.get("language"), (item.get("value") or "").strip()
        if language in LANGUAGES and value and language not in out:
            out[language] = value
    return out


def _finto(items: list[dict] | None) -> list[dict]:
    rows = [
        {"uri": i["uri"], "code": i.get("code") or "", "name": _by_language(i.get("name"))}
        for i in items or []
    ]
    return sorted(rows, key=lambda r: r["uri"])


def _municipality_codes(areas: list[dict] | None) -> list[str]:
    codes = set()
    for area in areas or []:
        if area.get("type") == "Municipality":
            codes.update(m["code"] for m in area.get("municipalities") or [] if m.get("code"))
            if area.get("code"):
                codes.add(area["code"])
    return sorted(codes)


def _first(values: dict[str, str]) -> str:
    return next((values[lang] for lang in LANGUAGES if lang in values), "")


def _address(channel: dict) -> str:
    addresses = channel.get("addresses") or []
    for address in sorted(addresses, key=lambda a: a.get("type") != "Location"):
        street = address.get("streetAddress")
        if not street:
            continue
        line = " ".join(
            p for p in (_first(_by_language(street.get("street"))), street.get("streetNumber")) if p
        )
        place = " ".join(
            p
            for p in (street.get("postalCode"), _first(_by_language(street.get("postOffice"))))
            if p
        )
        return ", ".join(p for p in (line, place) if p)
    return ""


def _channel_value(channel: dict) -> str:
    kind = channel["serviceChannelType"]
    if kind == "ServiceLocation":
        return _address(channel)
    if kind == "Phone":
        numbers = channel.get("phoneNumbers") or []
        if numbers:
            n = numbers[0]
            return " ".join(p for p in (n.get("prefixNumber"), n["number"]) if p)
        return ""
    pages = sorted(channel.get("webPages") or [], key=lambda p: p.get("language") != "fi")
    return pages[0]["url"] if pages else ""


def _hours(channel: dict) -> list[dict]:
    rows = []
    for hour in channel.get("serviceHours") or []:
        rows.append(
            {
                "type": hour["serviceHourType"],
                "valid_from": (hour.get("validFrom") or "")[:10],
                "valid_to": (hour.get("validTo") or "")[:10],
                "closed": bool(hour.get("isClosed")),
                "always_open": bool(hour.get("isAlwaysOpen")),
                "info": _by_language(hour.get("additionalInformation")),
                "days": [
                    {
                        "day": d["dayFrom"],
                        "until_day": d.get("dayTo") or "",
                        "from": d.get("from") or "",
                        "to": d.get("to") or "",
                    }
                    for d in hour.get("openingHour") or []
                ],
            }
        )
    return rows


def channel_record(channel: dict) -> dict | None:
    kind = _CHANNEL_KINDS.get(channel["serviceChannelType"])
    value = _channel_value(channel)
    if kind is None or not value:
        return None
    return {
        "ptv_id": channel["id"],
        "kind": str(kind),
        "value": value[:300],
        "details": _by_language(channel.get("serviceChannelNames"), "Name"),
        "opening_hours": _hours(channel),
    }


def service_record(item: dict, channels: dict[str, dict]) -> dict:
    descriptions = _by_language(item.get("serviceDescriptions"), "Description")
    summaries = _by_language(item.get("serviceDescriptions"), "Summary")
    linked = {c["serviceChannel"]["id"] for c in item.get("serviceChannels") or []}
    linked |= {
        cid
        for cid, channel in channels.items()
        if any(s["service"]["id"] == item["id"] for s in channel.get("services") or [])
    }
    records = [channel_record(channels[cid]) for cid in sorted(linked) if cid in channels]
    responsible = next(
        (
            o["organization"]["id"]
            for o in item.get("organizations") or []
            if o.get("roleType") == "Responsible"
        ),
        "",
    )
    return {
        "ptv_id": item["id"],
        "names": _by_language(item.get("serviceNames"), "Name"),
        "descriptions": {
            lang: descriptions.get(lang) or summaries.get(lang, "") for lang in LANGUAGES
        },
        "languages": sorted({code for code in item.get("languages") or []}),
        "municipalities": _municipality_codes(item.get("areas")),
        "responsible": responsible,
        "classification": {
            "type": item.get("type", ""),
            "area_type": item.get("areaType", ""),
            "areas": _municipality_codes(item.get("areas")),
            "service_classes": _finto(item.get("serviceClasses")),
            "ontology_terms": _finto(item.get("ontologyTerms")),
            "target_groups": _finto(item.get("targetGroups")),
            "summary": summaries,
            "modified": item.get("modified", ""),
        },
        "channels": [r for r in records if r is not None],
    }


# -- compare and apply ---------------------------------------------------------------------


class _Walk:
    def __init__(self, *, apply: bool, actor: Any, now: datetime):
        self.apply = apply
        self.actor = actor
        self.now = now
        self.changes: list[dict] = []

    def note(
        self,
        action: str,
        kind: str,
        ptv_id: str,
        label: str,
        field: str = "",
        old: Any = "",
        new: Any = "",
    ):
        self.changes.append(
            {
                "action": action,
                "kind": kind,
                "ptv_id": ptv_id,
                "label": label,
                "field": field,
                "old": old,
                "new": new,
            }
        )


def _organisation(walk: _Walk, item: dict) -> PtvOrganisation | None:
    names = _by_language(item.get("organizationNames"), "Name")
    values = {
        "names": names,
        "business_code": item.get("businessCode") or "",
        "municipality_code": (item.get("municipality") or {}).get("code") or "",
        "organisation_type": item.get("organizationType") or "",
        "modified": item.get("modified") or "",
    }
    local = None
    if values["organisation_type"] == "Municipality" and values["municipality_code"]:
        local = Organisation.objects.filter(
            kind=Organisation.Kind.MUNICIPALITY, municipality_code=values["municipality_code"]
        ).first()
    row = PtvOrganisation.objects.filter(ptv_id=item["id"]).first()
    label = _first(names)
    if row is None:
        walk.note("create", "organisation", item["id"], label)
        if walk.apply:
            row = PtvOrganisation.objects.create(
                ptv_id=item["id"], organisation=local, synced_at=walk.now, **values
            )
        return row
    changed = {k: v for k, v in values.items() if getattr(row, k) != v}
    if row.organisation_id is None and local is not None:
        changed["organisation"] = local
    for field, value in changed.items():
        walk.note(
            "update", "organisation", item["id"], label, field, str(getattr(row, field)), str(value)
        )
    if walk.apply and changed:
        for field, value in changed.items():
            setattr(row, field, value)
        row.synced_at = walk.now
        row.save()
    return row


def _set_text(service: Service, field: str, value: str) -> None:
    setattr(service, field, value)
    if field.endswith("_fi"):
        # Setting the base field sets the active language's column (modeltranslation).
        with translation.override("fi"):
            setattr(service, field[:-3], value)


def _classification_summary(classification: dict) -> str:
    """Service classes, ontology terms and target groups in one line, for the change list."""
    if not classification:
        return ""
    parts = [
        ", ".join(c["code"] or _first(c["name"]) for c in classification.get(key, []))
        for key in ("service_classes", "ontology_terms", "target_groups")
    ]
    return "; ".join(p for p in parts if p)


def _service_texts(walk: _Walk, service: Service, record: dict, label: str) -> bool:
    changed = False
    wanted = {f"name_{lang}": record["names"].get(lang, "") for lang in LANGUAGES}
    wanted |= {f"description_{lang}": record["descriptions"].get(lang, "") for lang in LANGUAGES}
    last = service.ptv_last_values or {}
    for field, value in wanted.items():
        local = getattr(service, field, "") or ""
        if not value or local == value:
            continue
        if local and local != last.get(field):
            walk.note("keep_local", "service", record["ptv_id"], label, field, local, value)
            continue
        walk.note("update", "service", record["ptv_id"], label, field, local, value)
        if walk.apply:
            _set_text(service, field, value)
        changed = True
    return changed


def _service_channels(walk: _Walk, service: Service | None, record: dict, label: str) -> None:
    """`service` is None only in a dry run for a service that does not exist yet."""
    existing = {c.ptv_id: c for c in service.channels.exclude(ptv_id="")} if service else {}
    for wanted in record["channels"]:
        row = existing.pop(wanted["ptv_id"], None)
        fields = {
            "kind": wanted["kind"],
            "value": wanted["value"],
            "opening_hours": wanted["opening_hours"],
        } | {f"details_{lang}": wanted["details"].get(lang, "") for lang in LANGUAGES}
        if row is None:
            walk.note("create", "channel", wanted["ptv_id"], label, "", "", wanted["value"])
            if walk.apply:
                row = ServiceChannel(service=service, ptv_id=wanted["ptv_id"], **fields)
                with translation.override("fi"):
                    row.details = fields["details_fi"]
                row.save()
            continue
        diff = {k: v for k, v in fields.items() if getattr(row, k) != v}
        for field, value in diff.items():
            walk.note("update", "channel", row.ptv_id, label, field, getattr(row, field), value)
        if walk.apply and diff:
            for field, value in diff.items():
                setattr(row, field, value)
            with translation.override("fi"):
                row.details = fields["details_fi"]
            row.save()
    for row in existing.values():
        walk.note("delete", "channel", row.ptv_id, label, "", row.value, "")
        if walk.apply:
            row.delete()


def _service(walk: _Walk, record: dict, organisations: dict[str, PtvOrganisation | None]) -> None:
    service = (
        Service.objects.filter(ptv_id=record["ptv_id"])
        .select_related("responsible_organisation")
        .order_by("archived", "pk")
        .first()
    )
    label = (service.name_fi if service else "") or _first(record["names"]) or record["ptv_id"]
    ptv_org = organisations.get(record["responsible"])
    responsible = ptv_org.organisation if ptv_org is not None else None
    changed = False
    if service is not None and service.archived:
        walk.note("keep_local", "service", record["ptv_id"], label, "archived", True, False)
        return
    if service is None:
        walk.note("create", "service", record["ptv_id"], label)
        changed = True
        service = Service(
            ptv_id=record["ptv_id"],
            category_id=NEW_SERVICE_CATEGORY,
            active_from=timezone.localdate(),
            responsible_organisation=responsible,
            created_by=walk.actor,
        )
        for field in TEXT_FIELDS:
            _set_text(service, field, "")
        if walk.apply:
            service.save()
    elif responsible is not None and service.responsible_organisation_id is None:
        walk.note(
            "update",
            "service",
            record["ptv_id"],
            label,
            "responsible_organisation",
            "",
            responsible.name,
        )
        changed = True
        if walk.apply:
            service.responsible_organisation = responsible
    changed |= _service_texts(walk, service, record, label)
    if walk.apply and not service.name_fi:
        # Finnish is required; a service PTV names only in Swedish or English keeps that name.
        _set_text(service, "name_fi", _first(record["names"]) or record["ptv_id"])
    saved = service.pk is not None
    have = set(service.language_codes) if saved else set()
    for code in record["languages"]:
        if code not in have:
            walk.note("add", "service", record["ptv_id"], label, "languages", "", code)
            if walk.apply:
                ServiceLanguage.objects.create(service=service, code=code)
    have = (
        set(service.municipalities.values_list("municipality_code", flat=True)) if saved else set()
    )
    places = Organisation.objects.filter(
        kind=Organisation.Kind.MUNICIPALITY, municipality_code__in=record["municipalities"]
    ).order_by("municipality_code")
    for place in places:
        if place.municipality_code not in have:
            walk.note(
                "add",
                "service",
                record["ptv_id"],
                label,
                "municipalities",
                "",
                place.municipality_code,
            )
            if walk.apply:
                service.municipalities.add(place)
    if service.ptv_classification != record["classification"]:
        walk.note(
            "update",
            "service",
            record["ptv_id"],
            label,
            "classification",
            _classification_summary(service.ptv_classification),
            _classification_summary(record["classification"]),
        )
        changed = True
        if walk.apply:
            service.ptv_classification = record["classification"]
    _service_channels(walk, service if saved else None, record, label)
    if walk.apply:
        last = {field: getattr(service, field, "") or "" for field in TEXT_FIELDS}
        if changed or service.ptv_last_values != last:
            service.ptv_last_values = last
            service.ptv_synced_at = walk.now
            service.modified_by = walk.actor
            service.save()
            audit_record(
                actor=walk.actor,
                action=AuditEvent.Action.UPDATE,
                object_type="Service",
                object_id=service.pk,
                reason="ptv_sync",
            )


def _reconcile(payload: dict, *, apply: bool, actor: Any) -> list[dict]:
    walk = _Walk(apply=apply, actor=actor, now=timezone.now())
    organisation = _organisation(walk, payload["organisation"])
    organisations = {payload["organisation"]["id"]: organisation}
    channels = {c["id"]: c for c in payload["channels"]}
    services = [service_record(item, channels) for item in payload["services"]]
    for record in sorted(services, key=lambda r: r["ptv_id"]):
        _service(walk, record, organisations)
    return walk.changes


def changing(changes: list[dict]) -> list[dict]:
    return [c for c in changes if c["action"] in CHANGING_ACTIONS]


@transaction.atomic
def ptv_sync_apply(*, actor: Any, run: PtvSyncRun) -> PtvSyncRun:
    """Apply a previewed run's payload; the changes are compared again against today's data."""
    run = PtvSyncRun.objects.select_for_update().get(pk=run.pk)
    if run.status != PtvSyncRun.Status.PREVIEWED:
        raise PtvError("only a previewed synchronisation can be applied")
    run.changes = _reconcile(run.payload, apply=True, actor=actor)
    run.status = PtvSyncRun.Status.APPLIED
    run.applied_at = timezone.now()
    run.save(update_fields=["changes", "status", "applied_at"])
    return run


def sync_organisation(
    org_uuid: str,
    dry_run: bool = True,
    *,
    transport: Transport | None = None,
    actor: Any = None,
) -> PtvSyncRun:
    """Read one PTV organisation's services and channels and compare (dry run) or apply.

    The scheduler calls this with `dry_run=False`. A failure (network, data that is not PTV's
    model) is recorded as a failed run and changes nothing; the caller sees `run.status`."""
    transport = transport or default_transport()
    try:
        org_uuid = check_uuid(org_uuid)
        payload = fetch_organisation(org_uuid, transport)
        check_payload(payload)
    except PtvError as exc:
        return PtvSyncRun.objects.create(
            organisation_ptv_id=str(org_uuid)[:36],
            status=PtvSyncRun.Status.FAILED,
            error=str(exc)[:2000],
            created_by=actor,
        )
    with transaction.atomic():
        run = PtvSyncRun.objects.create(
            organisation_ptv_id=org_uuid,
            status=PtvSyncRun.Status.PREVIEWED,
            payload=payload,
            changes=_reconcile(payload, apply=False, actor=actor),
            created_by=actor,
        )
    if dry_run:
        return run
    return ptv_sync_apply(actor=actor, run=run)
