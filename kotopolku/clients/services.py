"""Writes to the client registry. Each service validates, writes, and records an audit row."""

import re
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.clients import identity
from kotopolku.clients.models import Client, ClientLanguage, Consent, HomeMunicipalityPeriod
from kotopolku.common.formatting import short_date
from kotopolku.organisations.models import Organisation

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
    "jobseeker",
    "client_since",
)
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
_COUNTRY_CODE = re.compile(r"^[A-Z]{2,3}$")


# ---------------------------------------------------------------------------------------------
# Derivation


def current_home_period(client: Client, on: date | None = None) -> HomeMunicipalityPeriod | None:
    """The period covering `on` (today by default), else the latest one that has started."""
    on = on or timezone.localdate()
    periods = sorted(client.home_periods.all(), key=lambda p: p.start)
    for period in periods:
        if period.covers(on):
            return period
    started = [p for p in periods if p.start <= on]
    return started[-1] if started else (periods[0] if periods else None)


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


def _check_client(client: Client, *, today: date) -> None:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    dob = client.date_of_birth
    if dob and dob > today:
        add("date_of_birth", _("The date of birth cannot be in the future."))
    for field in ("first_permit_date", "arrival_date", "client_since"):
        value = getattr(client, field)
        if value and dob and value < dob:
            add(field, _("This date cannot be before the date of birth."))
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
    client.full_clean(exclude=["responsible_organisation", "created_by", "modified_by"])


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
    if Client.objects.filter(hetu_hash=digest).exclude(pk=client.pk).exists():
        raise ValidationError({"hetu": _("Another client already has this identity code.")})
    client.hetu_hash = digest
    client.hetu_encrypted = identity.encrypt(code)


def _set_responsible(
    client: Client,
    *,
    chosen: Organisation | None,
    reason: str,
    previous: Organisation | None,
) -> None:
    """Derived unless chosen; choosing another organisation than the derived one needs a reason.

    Keeping the organisation that is already responsible (for example after a move that has not
    been transferred yet) needs no new reason.
    """
    derived = derived_responsible_for(client) if client.pk else None
    reason = (reason or "").strip()
    if chosen is None or chosen == derived:
        client.responsible_organisation = derived or previous
        client.responsible_override_reason = ""
        return
    if not reason and chosen != previous:
        raise ValidationError(
            {
                "responsible_override_reason": _(
                    "Give a reason when the responsible organisation is not the derived one."
                )
            }
        )
    client.responsible_organisation = chosen
    client.responsible_override_reason = reason or client.responsible_override_reason


def _set_languages(client: Client, languages: Iterable[Mapping[str, Any]], *, actor: Any) -> None:
    rows = []
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
            ClientLanguage(
                client=client,
                code=code,
                level=level,
                mother_tongue=bool(entry.get("mother_tongue")),
                created_by=actor,
                modified_by=actor,
            )
        )
    client.languages.all().delete()
    ClientLanguage.objects.bulk_create(rows)


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
                        "municipality": other.municipality,
                        "start": short_date(other.start),
                    }
                }
            )


def _check_municipality(municipality: Organisation) -> None:
    if municipality.kind != Organisation.Kind.MUNICIPALITY:
        raise ValidationError({"municipality": _("Choose a municipality.")})


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
    home_municipality: Organisation | None = None,
    home_start: date | None = None,
    languages: Iterable[Mapping[str, Any]] = (),
    responsible_organisation: Organisation | None = None,
    responsible_override_reason: str = "",
    **fields: Any,
) -> Client:
    """Register a client. `fields` are further PLAIN_FIELDS (gender, contact details, …).

    With `home_municipality`, the first home-municipality period starts on `home_start`
    (default: the client relationship's start) and decides the responsible organisation.
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
    if home_municipality is not None:
        _check_municipality(home_municipality)
    derived = derived_responsible(municipality=home_municipality, jobseeker=client.jobseeker)
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
    client.save()
    if home_municipality is not None:
        start = home_start or client.client_since
        _check_period(client, start=start, end=None)
        HomeMunicipalityPeriod.objects.create(
            client=client,
            municipality=home_municipality,
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
    **fields: Any,
) -> Client:
    """Change a client's details. `hetu=None` keeps the stored code; `""` removes it.

    `responsible_organisation=None` means "the derived one"; leaving it out keeps the current
    choice but re-derives when the client is not overridden and their jobseeker status changes.
    """
    client = Client.objects.select_for_update().get(pk=client.pk)
    # privacy (issue 9): the rectification history needs the values before the change.
    from kotopolku.privacy.services import client_changes_record, client_snapshot

    before = client_snapshot(client)
    previous = client.responsible_organisation
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
        _set_responsible(
            client,
            chosen=responsible_organisation,
            reason=responsible_override_reason,
            previous=previous,
        )
    elif not client.responsible_override_reason and previous == derived_before:
        # A change of jobseeker status moves a derived responsibility along with it.
        client.responsible_organisation = derived_responsible_for(client) or previous
    client.save()
    if languages is not None:
        _set_languages(client, languages, actor=actor)
    client_changes_record(actor=actor, client=client, before=before)  # privacy (issue 9)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        object_type="Client",
        object_id=client.pk,
        client_id=client.pk,
        reason=",".join(sorted(values)),
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
    # privacy (issue 9): closing is part of the rectification history.
    from kotopolku.privacy.services import client_changes_record, client_snapshot

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
        reason=f"closed:{closure}",
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
    municipality: Organisation,
    start: date,
    end: date | None = None,
) -> HomeMunicipalityPeriod:
    """Record a period in a home municipality (a move, or a past period).

    An ongoing period that began before `start` is closed on the day before. Periods never
    overlap. The first period decides the responsible organisation; after a move to another
    responsible organisation, the old one stays responsible until `client_transfer` (which
    needs the client's consent to share with the new one).
    """
    client = Client.objects.select_for_update().get(pk=client.pk)
    _check_municipality(municipality)
    if end is not None and end < start:
        raise ValidationError({"end": _("The end cannot be before the start.")})
    had_periods = client.home_periods.exists()
    open_period = client.home_periods.filter(end__isnull=True).first()
    closed = None
    if open_period is not None and open_period.start < start:
        if open_period.municipality_id == municipality.pk and end is None:
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
        municipality=municipality,
        start=start,
        end=end,
        created_by=actor,
        modified_by=actor,
    )
    derived = derived_responsible_for(client)
    if not had_periods or client.responsible_organisation is None:
        client.responsible_organisation = derived
        client.responsible_override_reason = ""
        client.save(update_fields=["responsible_organisation", "responsible_override_reason"])
    audit_record(
        actor=actor,
        action=Action.CREATE,
        object_type="HomeMunicipalityPeriod",
        object_id=period.pk,
        client_id=client.pk,
        reason=f"closed:{closed.pk}" if closed else "",
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


@transaction.atomic
def client_transfer(*, actor: Any, client: Client, organisation: Organisation) -> Client:
    """Hand responsibility to the organisation derived from the new home municipality.

    The client must have a valid consent to share their data with that organisation.
    """
    client = Client.objects.select_for_update().get(pk=client.pk)
    target = transfer_target(client)
    if target is None or target.pk != organisation.pk:
        raise ValidationError(
            _("%(organisation)s is not the organisation of the client's new home municipality.")
            % {"organisation": organisation}
        )
    consent = valid_consent(client, organisation)
    if consent is None:
        raise ValidationError(
            _("The client has no valid consent to share their data with %(organisation)s.")
            % {"organisation": organisation}
        )
    previous = client.responsible_organisation
    client.responsible_organisation = organisation
    client.responsible_override_reason = ""
    client.modified_by = actor
    client.save(
        update_fields=[
            "responsible_organisation",
            "responsible_override_reason",
            "modified_by",
            "modified_at",
        ]
    )
    audit_record(
        actor=actor,
        action=Action.DISCLOSE,
        object_type="Client",
        object_id=client.pk,
        client_id=client.pk,
        reason=f"transfer:{getattr(previous, 'pk', '')}->{organisation.pk};consent:{consent.pk}",
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
        reason=f"{organisation.pk}:{purpose}",
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
        reason="withdrawn",
    )
    return consent
