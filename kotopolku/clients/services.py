"""Writes to the client registry. Each service validates, writes, and records an audit row."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotopolku.audit.labels import audit_summary
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record, redact
from kotopolku.clients import audit_labels, identity
from kotopolku.clients.models import (
    Client,
    ClientChange,
    ClientLanguage,
    Consent,
    HomeMunicipalityPeriod,
)
from kotopolku.clients.selectors import is_responsible_worker, worker_name
from kotopolku.common.bulk import insert_objects, insert_rows
from kotopolku.common.formatting import short_date
from kotopolku.common.signals import rows_written
from kotopolku.municipalities.selectors import Classification
from kotopolku.organisations.models import Organisation
from kotopolku.rules.periods import period_or_latest

Action = AuditEvent.Action

# Plain fields a caller may set on create and update. Identity code, responsibility and home
# periods have their own rules below.
PLAIN_FIELDS = (
    "external_id",
    "first_names",
    "last_name",
    "date_of_birth",
    "gender",
    "citizenship",
    "phone",
    "email",
    "street_address",
    "postal_code",
    "post_office",
    "interpreter_needed",
    "interpreter_language",
    "permit_basis",
    "first_permit_date",
    "arrival_date",
    "citizenship_date",
    "jobseeker",
    "client_since",
)
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
_COUNTRY_CODE = re.compile(r"^[A-Z]{2,3}$")


# ---------------------------------------------------------------------------------------------
# Rectification history (read by privacy; GDPR art. 16)

# Fields of Client whose changes are kept in the rectification history: the plain fields the
# client services set, and the responsibility and closure. The identity code is
# recorded as "changed" only (`hetu_hash`), never with its values.
TRACKED_FIELDS = (
    *PLAIN_FIELDS,
    "responsible_organisation",
    "responsible_override_reason",
    "responsible_worker",
    "closed_at",
    "closure",
)
HETU_FIELD = "hetu_hash"
CHANGED = "[changed]"


def _display(client: Client, name: str) -> str:
    if name == "responsible_worker":
        # By name, as people read the history; no query for a client without a worker.
        return worker_name(client.responsible_worker) if client.responsible_worker_id else ""
    value = getattr(client, name)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def client_snapshot(client: Client) -> dict[str, str]:
    """The tracked fields as text, taken before a change (see `client_changes_record`)."""
    snap = {name: _display(client, name) for name in TRACKED_FIELDS}
    snap[HETU_FIELD] = client.hetu_hash
    languages = sorted(
        f"{lang.code}{'*' if lang.mother_tongue else ''}{(' ' + lang.level) if lang.level else ''}"
        for lang in client.languages.all()
    )
    snap["languages"] = ", ".join(languages)
    return snap


@transaction.atomic
def client_changes_record(
    *, actor: Any, client: Client, before: dict[str, str], source: str = "update"
) -> list[ClientChange]:
    """Store what differs between `before` and the client now, one row a field."""
    client.refresh_from_db()
    after = client_snapshot(client)
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    rows = []
    for name, old in before.items():
        new = after.get(name, "")
        if old == new:
            continue
        if name == HETU_FIELD:
            rows.append(
                ClientChange(
                    client=client,
                    field="identity_code",
                    old_value=CHANGED if old else "",
                    new_value=CHANGED if new else "",
                    changed_by=user,
                    source=source,
                )
            )
            continue
        rows.append(
            ClientChange(
                client=client,
                field=name,
                old_value=redact(old),
                new_value=redact(new),
                changed_by=user,
                source=source,
            )
        )
    return ClientChange.objects.bulk_create(rows)


# ---------------------------------------------------------------------------------------------
# Derivation


def current_home_period(client: Client, on: date | None = None) -> HomeMunicipalityPeriod | None:
    """The period covering `on` (today by default), else the latest one that has started
    (the one choice of `rules.periods`)."""
    return period_or_latest(client.home_periods.all(), on or timezone.localdate())


def derived_responsible(
    *, municipality: Organisation | None, jobseeker: bool
) -> Organisation | None:
    """Jobseekers: the employment area of the home municipality; everyone else: the municipality."""
    if municipality is None:
        return None
    if jobseeker and municipality.employment_area_id:
        return municipality.employment_area
    return municipality


def derived_responsible_for(client: Client, on: date | None = None) -> Organisation | None:
    period = current_home_period(client, on)
    return derived_responsible(
        municipality=period.municipality if period else None, jobseeker=client.jobseeker
    )


# ---------------------------------------------------------------------------------------------
# Validation helpers


def _clean_plain(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(PLAIN_FIELDS)
    if unknown:
        raise TypeError(f"Unknown client fields: {sorted(unknown)}")
    cleaned = dict(values)
    for key in ("first_names", "last_name", "external_id", "phone", "street_address"):
        if key in cleaned and isinstance(cleaned[key], str):
            cleaned[key] = cleaned[key].strip()
    for key in ("gender", "postal_code", "post_office", "email"):
        if key in cleaned and cleaned[key] is None:
            cleaned[key] = ""
    if "citizenship" in cleaned:
        cleaned["citizenship"] = (cleaned["citizenship"] or "").strip().upper()
    if "interpreter_language" in cleaned:
        cleaned["interpreter_language"] = (cleaned["interpreter_language"] or "").strip().lower()
    return cleaned


def _check_client(client: Client, *, today: date, validate_unique: bool = True) -> None:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    dob = client.date_of_birth
    if dob and dob > today:
        add("date_of_birth", _("The date of birth cannot be in the future."))
    for name in ("first_permit_date", "arrival_date", "client_since", "citizenship_date"):
        value = getattr(client, name)
        if value and dob and value < dob:
            add(name, _("This date cannot be before the date of birth."))
    if client.citizenship and not _COUNTRY_CODE.match(client.citizenship):
        add("citizenship", _("Use a two- or three-letter ISO 3166 country code, such as SY."))
    if client.interpreter_language and not _LANGUAGE_CODE.match(client.interpreter_language):
        add(
            "interpreter_language",
            _("Use an ISO 639-1 or ISO 639-3 language code, such as ar or prs."),
        )
    if errors:
        raise ValidationError(errors)
    # Field formats, choices and the database constraints (external id is unique, …).
    client.full_clean(
        exclude=["responsible_organisation", "created_by", "modified_by"],
        validate_unique=validate_unique,
        validate_constraints=validate_unique,
    )


def _set_hetu(client: Client, hetu: str) -> None:
    """Validate against the date of birth, then store only the token and the hash."""
    if not hetu:
        client.hetu_encrypted = ""
        client.hetu_hash = ""
        return
    try:
        code = identity.validate(hetu, client.date_of_birth)
    except ValidationError as exc:
        raise ValidationError({"hetu": exc.messages}) from exc
    digest = identity.lookup_hash(code)
    holder = (
        Client.objects.filter(hetu_hash=digest)
        .exclude(pk=client.pk)
        .select_related("responsible_organisation")
        .first()
    )
    if holder is not None:
        # Who to ask, not who the client is: the organisation, never the holder's name.
        raise ValidationError(
            {
                "hetu": _(
                    "Another client already has this identity code; %(organisation)s is "
                    "responsible for that client. Ask them before registering again."
                )
                % {"organisation": holder.responsible_organisation or "–"}
            }
        )
    _store_hetu(client, code, digest)


def _store_hetu(client: Client, code: str, digest: str) -> None:
    """The stored form of a checked code: the token and the lookup hash, never the code."""
    client.hetu_hash = digest
    client.hetu_encrypted = identity.encrypt(code)


def _set_languages(client: Client, languages: Iterable[Mapping[str, Any]], *, actor: Any) -> None:
    rows = _language_rows(client, languages, actor=actor)
    client.languages.all().delete()
    ClientLanguage.objects.bulk_create([ClientLanguage(**row) for row in rows])
    rows_written.send(sender=ClientLanguage)


def _language_rows(
    client: Client, languages: Iterable[Mapping[str, Any]], *, actor: Any
) -> list[dict[str, Any]]:
    """The checked language rows of `client` as values by attribute name (`insert_rows`)."""
    rows = []
    actor_id = getattr(actor, "pk", None)
    seen = set()
    for entry in languages:
        code = (entry.get("code") or "").strip().lower()
        level = entry.get("level") or ""
        if not _LANGUAGE_CODE.match(code):
            raise ValidationError(
                {"languages": _("Use an ISO 639-1 or ISO 639-3 language code, such as ar or prs.")}
            )
        if level and level not in ClientLanguage.Level.values:
            raise ValidationError(
                {"languages": _("Unknown CEFR level: %(level)s") % {"level": level}}
            )
        if code in seen:
            raise ValidationError(
                {"languages": _("The language %(code)s is listed twice.") % {"code": code}}
            )
        seen.add(code)
        rows.append(
            {
                "client_id": client.pk,
                "code": code,
                "level": level,
                "mother_tongue": bool(entry.get("mother_tongue")),
                "created_by_id": actor_id,
                "modified_by_id": actor_id,
            }
        )
    return rows


def _check_period(
    client: Client,
    *,
    start: date,
    end: date | None,
    ignore: Iterable[int] = (),
) -> None:
    if end is not None and end < start:
        raise ValidationError({"end": _("The end cannot be before the start.")})
    if client.date_of_birth and start < client.date_of_birth:
        raise ValidationError({"start": _("This date cannot be before the date of birth.")})
    far = date.max
    for other in client.home_periods.exclude(pk__in=list(ignore)):
        if start <= (other.end or far) and other.start <= (end or far):
            raise ValidationError(
                {
                    "start": _(
                        "This period overlaps the period in %(municipality)s from %(start)s."
                    )
                    % {
                        "municipality": other.municipality_name,
                        "start": short_date(other.start),
                    }
                }
            )


def _check_municipality(municipality: Organisation) -> None:
    if municipality.kind != Organisation.Kind.MUNICIPALITY:
        raise ValidationError({"municipality": _("Choose a municipality.")})


def _check_worker(worker: Any, organisation: Organisation | None) -> None:
    """A responsible worker is a coordinator or case worker of the responsible organisation."""
    if worker is None:
        return
    if organisation is None:
        raise ValidationError(
            {
                "responsible_worker": _(
                    "A responsible worker can be chosen once an organisation is responsible "
                    "for the client."
                )
            }
        )
    if not is_responsible_worker(user=worker, organisation=organisation):
        raise ValidationError(
            {
                "responsible_worker": _(
                    "%(worker)s is not a case worker of %(organisation)s, the organisation "
                    "responsible for the client. Choose one of its case workers."
                )
                % {"worker": worker_name(worker), "organisation": organisation.name}
            }
        )


def resolve_municipality(
    municipality: Organisation | str, *, on: date, classification: Classification | None = None
) -> tuple[str, Organisation | None]:
    """(code, organisation or None) for a home municipality given as one of the region's
    organisations or as any code of Statistics Finland's classification valid on `on`."""
    if isinstance(municipality, Organisation):
        _check_municipality(municipality)
        code = municipality.municipality_code or ""
        organisation: Organisation | None = municipality
    else:
        code = (municipality or "").strip()
        organisation = None
    classification = classification or Classification.load()
    entry = classification.get(code)
    if entry is None:
        raise ValidationError(
            {"municipality": _("%(code)s is not a municipality code.") % {"code": code or "–"}}
        )
    if not entry.valid_on(on):
        raise ValidationError(
            {
                "municipality": _("The municipality %(name)s (%(code)s) did not exist on %(day)s.")
                % {"name": entry.name(), "code": code, "day": short_date(on)}
            }
        )
    if organisation is None:
        organisation = Organisation.objects.filter(
            kind=Organisation.Kind.MUNICIPALITY, municipality_code=code
        ).first()
    return code, organisation


# ---------------------------------------------------------------------------------------------
# Client


@transaction.atomic
def client_create(
    *,
    actor: Any,
    external_id: str,
    first_names: str,
    last_name: str,
    date_of_birth: date,
    permit_basis: str,
    hetu: str = "",
    home_municipality: Organisation | str | None = None,
    home_start: date | None = None,
    languages: Iterable[Mapping[str, Any]] = (),
    responsible_organisation: Organisation | None = None,
    responsible_override_reason: str = "",
    responsible_worker: Any = None,
    **fields: Any,
) -> Client:
    """Register a client. `fields` are further PLAIN_FIELDS (gender, contact details, …).

    With `home_municipality` (one of the region's organisations, or any municipality code
    valid on the day), the first home-municipality period starts on `home_start` (default: the
    client relationship's start) and decides the responsible organisation.
    """
    today = timezone.localdate()
    values = _clean_plain(
        {
            "external_id": external_id,
            "first_names": first_names,
            "last_name": last_name,
            "date_of_birth": date_of_birth,
            "permit_basis": permit_basis,
            **fields,
        }
    )
    values.setdefault("client_since", today)
    client = Client(**values, created_by=actor, modified_by=actor)
    _check_client(client, today=today)
    _set_hetu(client, hetu)
    home_code, home_organisation = "", None
    if home_municipality is not None:
        home_code, home_organisation = resolve_municipality(
            home_municipality, on=home_start or client.client_since
        )
    derived = derived_responsible(municipality=home_organisation, jobseeker=client.jobseeker)
    chosen = responsible_organisation
    reason = (responsible_override_reason or "").strip()
    if chosen is not None and chosen != derived and not reason:
        raise ValidationError(
            {
                "responsible_override_reason": _(
                    "Give a reason when the responsible organisation is not the derived one."
                )
            }
        )
    client.responsible_organisation = chosen or derived
    client.responsible_override_reason = reason if chosen and chosen != derived else ""
    _check_worker(responsible_worker, client.responsible_organisation)
    client.responsible_worker = responsible_worker
    client.save()
    if home_municipality is not None:
        start = home_start or client.client_since
        _check_period(client, start=start, end=None)
        HomeMunicipalityPeriod.objects.create(
            client=client,
            municipality=home_organisation,
            municipality_code=home_code,
            start=start,
            created_by=actor,
            modified_by=actor,
        )
    _set_languages(client, languages, actor=actor)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        object_type="Client",
        object_id=client.pk,
        client_id=client.pk,
    )
    return client


_UNSET: Any = object()


@transaction.atomic
def client_update(
    *,
    actor: Any,
    client: Client,
    hetu: str | None = None,
    languages: Iterable[Mapping[str, Any]] | None = None,
    responsible_organisation: Organisation | None = _UNSET,
    responsible_override_reason: str = "",
    responsible_worker: Any = _UNSET,
    **fields: Any,
) -> Client:
    """Change a client's details. `hetu=None` keeps the stored code; `""` removes it.

    An edit never changes the responsible organisation: that is a hand-over, made only by
    `client_transfer` with the client's consent or a legal basis (docs/security.md). Passing
    `responsible_organisation` is accepted only when it names the current one (`None`: the
    derived one, which must then be the current one); `responsible_override_reason` may then
    be corrected. A change of jobseeker status or home municipality leaves responsibility where
    it is and shows up as a pending transfer (`transfer_target`). `responsible_worker` (a
    user, or None for nobody) must be a case worker of the responsible organisation.
    """
    client = Client.objects.select_for_update().get(pk=client.pk)
    # The rectification history needs the values before the change.
    before = client_snapshot(client)
    derived_before = derived_responsible_for(client)
    values = _clean_plain(fields)
    dob_changed = "date_of_birth" in values and values["date_of_birth"] != client.date_of_birth
    for key, value in values.items():
        setattr(client, key, value)
    client.modified_by = actor
    _check_client(client, today=timezone.localdate())
    if hetu is not None:
        _set_hetu(client, hetu)
    elif dob_changed and client.hetu_encrypted:
        # The stored code must still agree with the new date of birth.
        _set_hetu(client, identity.decrypt(client.hetu_encrypted))
    if responsible_organisation is not _UNSET:
        chosen = responsible_organisation or derived_before
        if getattr(chosen, "pk", None) != client.responsible_organisation_id:
            raise ValidationError(
                {
                    "responsible_organisation": _(
                        "Responsibility for a client moves only by a transfer, with the "
                        "client's consent or a legal basis."
                    )
                }
            )
        reason = (responsible_override_reason or "").strip()
        if reason:
            client.responsible_override_reason = reason
    changed = sorted(values)
    if responsible_worker is not _UNSET:
        if getattr(responsible_worker, "pk", None) != client.responsible_worker_id:
            _check_worker(responsible_worker, client.responsible_organisation)
            changed = sorted([*changed, "responsible_worker"])
        client.responsible_worker = responsible_worker
    client.save()
    if languages is not None:
        _set_languages(client, languages, actor=actor)
    changes = client_changes_record(actor=actor, client=client, before=before)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        object_type="Client",
        object_id=client.pk,
        client_id=client.pk,
        # The fields that changed, worded in the reader's language on the audit page.
        details=audit_summary(
            "fields", model="clients.Client", fields=sorted({c.field for c in changes})
        ),
    )
    return client


@transaction.atomic
def client_close(
    *, actor: Any, client: Client, closure: str, closed_at: date | None = None
) -> Client:
    if closure not in Client.Closure.values:
        raise ValidationError({"closure": _("Choose a reason for closing.")})
    closed_at = closed_at or timezone.localdate()
    if closed_at < client.client_since:
        raise ValidationError({"closed_at": _("A client cannot be closed before they became one.")})
    # Closing is part of the rectification history.
    before = client_snapshot(client)
    client.closed_at = closed_at
    client.closure = closure
    client.modified_by = actor
    client.save(update_fields=["closed_at", "closure", "modified_by", "modified_at"])
    client_changes_record(actor=actor, client=client, before=before, source="close")
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        object_type="Client",
        object_id=client.pk,
        client_id=client.pk,
        details=audit_summary("closed", model="clients.Client", field="closure", value=closure),
    )
    return client


@transaction.atomic
def hetu_reveal(*, actor: Any, client: Client, reason: str = "") -> str:
    """The clear identity code, for one explicit request; the audit row holds no code."""
    audit_record(
        actor=actor,
        action=Action.REVEAL,
        object_type="Client",
        object_id=client.pk,
        client_id=client.pk,
        reason=(reason or "").strip()[:300],
    )
    return identity.decrypt(client.hetu_encrypted)


# ---------------------------------------------------------------------------------------------
# Home municipality


@transaction.atomic
def home_period_add(
    *,
    actor: Any,
    client: Client,
    municipality: Organisation | str,
    start: date,
    end: date | None = None,
) -> HomeMunicipalityPeriod:
    """Record a period in a home municipality (a move, or a past period).

    `municipality` is one of the region's organisations or any code of Statistics Finland's
    classification that is valid on `start` (docs/domain.md C2).

    An ongoing period that began before `start` is closed on the day before. Periods never
    overlap. The first period decides the responsible organisation; after a move to another
    responsible organisation, the old one stays responsible until `client_transfer` (which
    needs the client's consent to share with the new one).
    """
    client = Client.objects.select_for_update().get(pk=client.pk)
    code, organisation = resolve_municipality(municipality, on=start)
    if end is not None and end < start:
        raise ValidationError({"end": _("The end cannot be before the start.")})
    open_period = client.home_periods.filter(end__isnull=True).first()
    closed = None
    if open_period is not None and open_period.start < start:
        if open_period.municipality_code == code and end is None:
            raise ValidationError(
                {"municipality": _("The client already lives in this municipality.")}
            )
        _check_period(client, start=start, end=end, ignore=[open_period.pk])
        open_period.end = start - timedelta(days=1)
        open_period.modified_by = actor
        open_period.save(update_fields=["end", "modified_by", "modified_at"])
        closed = open_period
    else:
        _check_period(client, start=start, end=end)
    period = HomeMunicipalityPeriod.objects.create(
        client=client,
        municipality=organisation,
        municipality_code=code,
        start=start,
        end=end,
        created_by=actor,
        modified_by=actor,
    )
    derived = derived_responsible_for(client)
    # Only a client nobody is responsible for yet gets the derived organisation here; any other
    # change of responsibility is a hand-over (`client_transfer`), also on re-import.
    if client.responsible_organisation is None:
        client.responsible_organisation = derived
        client.responsible_override_reason = ""
        client.save(update_fields=["responsible_organisation", "responsible_override_reason"])
    audit_record(
        actor=actor,
        action=Action.CREATE,
        object_type="HomeMunicipalityPeriod",
        object_id=period.pk,
        client_id=client.pk,
        details=audit_summary(audit_labels.HOME_PERIOD, closed=closed.pk) if closed else None,
    )
    return period


def transfer_target(client: Client) -> Organisation | None:
    """The organisation that would become responsible after a move, if it differs from now."""
    derived = derived_responsible_for(client)
    if derived is None or derived.pk == client.responsible_organisation_id:
        return None
    return derived


def valid_consent(
    client: Client, organisation: Organisation, on: date | None = None
) -> Consent | None:
    on = on or timezone.localdate()
    return (
        client.consents.filter(
            organisation=organisation,
            withdrawn_at__isnull=True,
            valid_from__lte=on,
            valid_until__gte=on,
        )
        .order_by("-valid_until")
        .first()
    )


class TransferBasis(models.TextChoices):
    """Legal bases for a hand-over without the client's consent: a closed list, each naming its
    section; free text is not a basis."""

    INTEGRATION_ACT_MOVE = (
        "integration_act_move",
        _("Integration Act (681/2023) § 89: the new home municipality's services for the client"),
    )
    EMPLOYMENT_SERVICES_ACT = (
        "employment_services_act",
        _("Act on Organising Employment Services (380/2023) § 111: jobseeker's services"),
    )


@transaction.atomic
def client_transfer(
    *, actor: Any, client: Client, organisation: Organisation, legal_basis: str = ""
) -> Client:
    """Hand responsibility to the organisation derived from the new home municipality (or, for
    a jobseeker, its employment area). The only path that changes the responsible organisation,
    for the UI, the API and imports alike.

    The client must have a valid consent to share their data with that organisation, or the
    hand-over names a legal basis from `TransferBasis`. Writes a `disclose` row (the new
    organisation receives the data) and a `revoke` row (the old one's access ends).
    """
    client = Client.objects.select_for_update().get(pk=client.pk)
    target = transfer_target(client)
    if target is None or target.pk != organisation.pk:
        raise ValidationError(
            _("%(organisation)s is not the organisation of the client's new home municipality.")
            % {"organisation": organisation}
        )
    if legal_basis and legal_basis not in TransferBasis.values:
        raise ValidationError({"legal_basis": _("Choose a legal basis from the list.")})
    consent = valid_consent(client, organisation)
    if consent is None and not legal_basis:
        raise ValidationError(
            _(
                "The client has no valid consent to share their data with %(organisation)s; "
                "record one or choose a legal basis."
            )
            % {"organisation": organisation}
        )
    previous = client.responsible_organisation
    before = client_snapshot(client)
    client.responsible_organisation = organisation
    client.responsible_override_reason = ""
    # The worker was the old organisation's; the new one names its own.
    client.responsible_worker = None
    client.modified_by = actor
    client.save(
        update_fields=[
            "responsible_organisation",
            "responsible_override_reason",
            "responsible_worker",
            "modified_by",
            "modified_at",
        ]
    )
    client_changes_record(actor=actor, client=client, before=before, source="transfer")
    basis = f"consent:{consent.pk}" if consent is not None else f"basis:{legal_basis}"
    # `reason` keeps the codes (organisation ids, the consent or the basis) for whoever reads
    # the table; `details` words it for the audit page.
    audit_record(
        actor=actor,
        action=Action.DISCLOSE,
        object_type="Client",
        object_id=client.pk,
        client_id=client.pk,
        reason=f"transfer:{getattr(previous, 'pk', '')}->{organisation.pk};{basis}",
        details=audit_summary(
            audit_labels.TRANSFER,
            old=previous.name if previous is not None else "",
            old_id=getattr(previous, "pk", None),
            new=organisation.name,
            new_id=organisation.pk,
            consent=consent.pk if consent is not None else None,
            basis=legal_basis,
        ),
    )
    if previous is not None:
        audit_record(
            actor=actor,
            action=Action.REVOKE,
            object_type="Client",
            object_id=client.pk,
            client_id=client.pk,
            reason=f"transfer: organisation {previous.pk} no longer responsible",
            details=audit_summary(
                audit_labels.TRANSFER_ENDED, old=previous.name, old_id=previous.pk
            ),
        )
    return client


# ---------------------------------------------------------------------------------------------
# Consent


@transaction.atomic
def consent_add(
    *,
    actor: Any,
    client: Client,
    organisation: Organisation,
    purpose: str,
    valid_from: date,
    valid_until: date,
    note: str = "",
) -> Consent:
    if purpose not in Consent.Purpose.values:
        raise ValidationError({"purpose": _("Choose a purpose.")})
    if valid_until < valid_from:
        raise ValidationError({"valid_until": _("A consent cannot end before it begins.")})
    if organisation.pk == client.responsible_organisation_id:
        raise ValidationError(
            {"organisation": _("This organisation is already responsible for the client.")}
        )
    consent = Consent.objects.create(
        client=client,
        organisation=organisation,
        purpose=purpose,
        valid_from=valid_from,
        valid_until=valid_until,
        note=(note or "").strip(),
        created_by=actor,
        modified_by=actor,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        object_type="Consent",
        object_id=consent.pk,
        client_id=client.pk,
        details=audit_summary(
            audit_labels.CONSENT,
            organisation=organisation.name,
            organisation_id=organisation.pk,
            purpose=purpose,
        ),
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor: Any, consent: Consent) -> Consent:
    if consent.withdrawn_at is not None:
        raise ValidationError(_("This consent has already been withdrawn."))
    consent.withdrawn_at = timezone.now()
    consent.modified_by = actor
    consent.save(update_fields=["withdrawn_at", "modified_by", "modified_at"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        object_type="Consent",
        object_id=consent.pk,
        client_id=consent.client_id,
        details=audit_summary("step", step="withdrawn"),
    )
    return consent


# ---------------------------------------------------------------------------------------------
# Bulk store (import_cases): the same checks and row builders as above, for a batch at a time.


@dataclass(frozen=True)
class HomePeriodInput:
    municipality: str  # a code of Statistics Finland's classification
    start: date
    end: date | None = None


@dataclass(frozen=True)
class ClientInput:
    """One client of a batch. `values` are PLAIN_FIELDS; `hetu=None` keeps a stored code;
    `periods` and `languages` replace the stored ones unless None."""

    external_id: str
    values: Mapping[str, Any]
    hetu: str | None = None
    hetu_hash: str = ""
    periods: tuple[HomePeriodInput, ...] | None = None
    languages: tuple[Mapping[str, Any], ...] | None = None


@dataclass
class ClientsStored:
    clients: list[Client] = field(default_factory=list)  # in the order of the inputs
    created: list[bool] = field(default_factory=list)
    changed: list[bool] = field(default_factory=list)  # created, or some value differed
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (input index, field, …)


def _period_problem(
    periods: Iterable[HomePeriodInput], *, date_of_birth: date | None, classification
) -> tuple[str, str] | None:
    """The invariants of home periods (`home_period_add`), for a whole history at once."""
    ordered = sorted(periods, key=lambda p: p.start)
    for period in ordered:
        entry = classification.get(period.municipality)
        if entry is None or not entry.valid_on(period.start):
            return "home_municipality_periods", _("%(code)s is not a municipality code.") % {
                "code": period.municipality
            }
        if period.end is not None and period.end < period.start:
            return "home_municipality_periods", _("The end cannot be before the start.")
        if date_of_birth and period.start < date_of_birth:
            return "home_municipality_periods", _("This date cannot be before the date of birth.")
    for a, b in zip(ordered, ordered[1:], strict=False):
        if a.end is None or a.end >= b.start:
            return "home_municipality_periods", _("Home-municipality periods overlap.")
    return None


def _language_key(languages: Iterable[Mapping[str, Any]]) -> list[tuple[str, str, bool]]:
    return sorted(
        ((x.get("code") or "").strip().lower(), x.get("level") or "", bool(x.get("mother_tongue")))
        for x in languages
    )


def _current_of(periods: Iterable[HomePeriodInput], on: date) -> HomePeriodInput | None:
    """As `current_home_period`, on inputs."""
    return period_or_latest(periods, on)


@transaction.atomic
def clients_store(
    *, actor: Any, inputs: list[ClientInput], classification: Classification | None = None
) -> ClientsStored:
    """Create or update a batch of clients by external id, with their home periods and languages.

    Checks first (formats, choices, dates, identity code owners, period invariants) and writes
    nothing when any input has a problem. Replaced home periods are archived, not deleted.
    Writes no audit row: the caller writes one per client for the whole record.
    """

    today = timezone.localdate()
    now = timezone.now()
    classification = classification or Classification.load()
    result = ClientsStored()
    existing = {
        c.external_id: c
        for c in Client.objects.filter(
            external_id__in=[i.external_id for i in inputs]
        ).select_related("responsible_organisation", "responsible_worker")
    }
    # As values, not a prefetch (which would build a queryset per client).
    stored_languages: dict[int, list[dict[str, Any]]] = {}
    for client_id, code, level, mother_tongue in ClientLanguage.objects.filter(
        client__in=list(existing.values())
    ).values_list("client_id", "code", "level", "mother_tongue"):
        stored_languages.setdefault(client_id, []).append(
            {"code": code, "level": level, "mother_tongue": mother_tongue}
        )
    owners = dict(
        Client.objects.filter(
            hetu_hash__in=[i.hetu_hash for i in inputs if i.hetu_hash]
        ).values_list("hetu_hash", "external_id")
    )
    organisations = {
        o.municipality_code: o
        for o in Organisation.objects.filter(
            kind=Organisation.Kind.MUNICIPALITY, municipality_code__isnull=False
        ).select_related("employment_area")
    }
    before: dict[str, dict[str, str]] = {}
    for index, item in enumerate(inputs):
        if item.hetu_hash and owners.get(item.hetu_hash, item.external_id) != item.external_id:
            result.problems.append(
                (index, "hetu", _("Another client already has this identity code."))
            )
            continue
        values = _clean_plain(item.values)
        client = existing.get(item.external_id)
        created = client is None
        dob_changed = hetu_changed = False
        if client is None:
            values.setdefault("client_since", today)
            client = Client(
                external_id=item.external_id, **values, created_by=actor, modified_by=actor
            )
            hetu_changed = bool(item.hetu)
        else:
            # Only what differs is written (a re-import of the same file changes nothing).
            diff = {k: v for k, v in values.items() if getattr(client, k) != v}
            hetu_changed = item.hetu is not None and (item.hetu_hash or "") != client.hetu_hash
            if item.hetu and not item.hetu_hash:
                hetu_changed = identity.lookup_hash(item.hetu) != client.hetu_hash
            languages_changed = item.languages is not None and _language_key(
                item.languages
            ) != _language_key(stored_languages.get(client.pk, []))
            if diff or hetu_changed or languages_changed:
                before[item.external_id] = client_snapshot(client)
            dob_changed = "date_of_birth" in diff
            for key, value in diff.items():
                setattr(client, key, value)
        try:
            if created or item.external_id in before:
                _check_client(client, today=today, validate_unique=False)
            if hetu_changed:
                if item.hetu:
                    _store_hetu(
                        client, item.hetu, item.hetu_hash or identity.lookup_hash(item.hetu)
                    )
                else:
                    client.hetu_encrypted = client.hetu_hash = ""
            elif dob_changed and client.hetu_encrypted:
                try:
                    identity.validate(identity.decrypt(client.hetu_encrypted), client.date_of_birth)
                except ValidationError as exc:
                    raise ValidationError({"date_of_birth": exc.messages}) from exc
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                result.problems.append((index, name, " ".join(messages)))
            continue
        if item.periods is not None:
            problem = _period_problem(
                item.periods, date_of_birth=client.date_of_birth, classification=classification
            )
            if problem:
                result.problems.append((index, *problem))
                continue
            current = _current_of(item.periods, today)
            derived = derived_responsible(
                municipality=organisations.get(current.municipality) if current else None,
                jobseeker=client.jobseeker,
            )
            if created or not client.responsible_override_reason:
                chosen = derived or client.responsible_organisation
                if not created and chosen != client.responsible_organisation:
                    before.setdefault(item.external_id, client_snapshot(client))
                    # As in a transfer: the old organisation's worker is not the new one's.
                    client.responsible_worker = None
                client.responsible_organisation = chosen
        if not created and item.external_id in before:
            client.modified_by = actor
            client.modified_at = now
        result.clients.append(client)
        result.created.append(created)
        result.changed.append(created or item.external_id in before)
    if result.problems:
        result.clients, result.created, result.changed = [], [], []
        return result

    new = [c for c, created in zip(result.clients, result.created, strict=True) if created]
    insert_objects(Client, new)
    old = [
        c
        for c, created in zip(result.clients, result.created, strict=True)
        if not created and c.external_id in before
    ]
    if old:
        fields = sorted(
            {k for item in inputs if item.external_id in before for k in item.values}
            | {"hetu_hash", "hetu_encrypted", "responsible_organisation", "responsible_worker"}
            | {"modified_by"}
            | {"modified_at"}
        )
        Client.objects.bulk_update(old, fields)
        rows_written.send(sender=Client)

    by_id = {c.external_id: c for c in result.clients}
    created_pks = {c.pk for c in new}
    replaced = [i for i in inputs if i.periods is not None]
    stored: dict[int, list[HomeMunicipalityPeriod]] = {}
    for period in HomeMunicipalityPeriod.objects.filter(
        client__in=[
            by_id[i.external_id] for i in replaced if by_id[i.external_id].pk not in created_pks
        ]
    ):
        stored.setdefault(period.client_id, []).append(period)
    archive: list[int] = []
    rows: list[HomeMunicipalityPeriod] = []
    for item in replaced:
        client = by_id[item.external_id]
        old_rows = sorted(stored.get(client.pk, []), key=lambda p: p.start)
        wanted = sorted(item.periods or (), key=lambda p: p.start)
        if [(p.municipality_code, p.start, p.end) for p in old_rows] == [
            (p.municipality, p.start, p.end) for p in wanted
        ]:
            continue
        archive += [p.pk for p in old_rows]
        rows += [
            HomeMunicipalityPeriod(
                client=client,
                municipality_code=p.municipality,
                municipality=organisations.get(p.municipality),
                start=p.start,
                end=p.end,
                created_by=actor,
                modified_by=actor,
            )
            for p in wanted
        ]
    if archive:
        HomeMunicipalityPeriod.objects.filter(pk__in=archive).update(
            archived=True, modified_by=actor, modified_at=now
        )
        rows_written.send(sender=HomeMunicipalityPeriod)
    insert_rows(HomeMunicipalityPeriod, rows)

    with_languages = [
        i
        for i in inputs
        if i.languages is not None
        and (i.external_id in before or by_id[i.external_id].pk in created_pks)
    ]
    if with_languages:
        ClientLanguage.objects.filter(
            client__in=[by_id[i.external_id] for i in with_languages]
        ).delete()
        language_rows: list[dict[str, Any]] = []
        for item in with_languages:
            language_rows += _language_rows(
                by_id[item.external_id], item.languages or (), actor=actor
            )
        insert_rows(ClientLanguage, language_rows)

    for client in old:
        client_changes_record(
            actor=actor, client=client, before=before[client.external_id], source="import"
        )
    return result
