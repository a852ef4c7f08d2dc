"""Writes to the service catalogue. Every write is audited."""

import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.catalogue.models import (
    Service,
    ServiceCategory,
    ServiceChannel,
    ServiceLanguage,
    TargetGroup,
)
from kotopolku.organisations.models import Organisation

_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_URL = URLValidator(schemes=["http", "https"])


@dataclass
class ChannelInput:
    kind: str
    value: str
    details_fi: str = ""
    details_sv: str = ""
    details_en: str = ""


@dataclass
class ServiceInput:
    name_fi: str
    category: ServiceCategory
    active_from: date
    name_sv: str = ""
    name_en: str = ""
    description_fi: str = ""
    description_sv: str = ""
    description_en: str = ""
    responsible_organisation: Organisation | None = None
    cooperating_organisations: list[Organisation] = field(default_factory=list)
    municipalities: list[Organisation] = field(default_factory=list)
    target_groups: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    channels: list[ChannelInput] = field(default_factory=list)
    capacity: int | None = None
    active_to: date | None = None
    ptv_id: str = ""


def _validate(data: ServiceInput) -> None:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not data.name_fi.strip():
        add("name_fi", _("The Finnish name is required."))
    if data.active_to is not None and data.active_to < data.active_from:
        add("active_to", _("The end of the active period is before its start."))
    for code in data.languages:
        if not _LANGUAGE.match(code):
            add("languages", _("“%(code)s” is not an ISO 639 language code.") % {"code": code})
    unknown = sorted(set(data.target_groups) - set(TargetGroup.values))
    if unknown:
        add("target_groups", _("Unknown target group: %(codes)s.") % {"codes": ", ".join(unknown)})
    if any(m.kind != Organisation.Kind.MUNICIPALITY for m in data.municipalities):
        add("municipalities", _("Only municipalities can be chosen here."))
    if data.capacity is not None and data.capacity < 0:
        add("capacity", _("The capacity cannot be negative."))
    if data.ptv_id:
        try:
            uuid.UUID(data.ptv_id)
        except ValueError:
            add("ptv_id", _("A national service catalogue id is a UUID."))
    for channel in data.channels:
        if channel.kind not in ServiceChannel.Kind.values:
            add("channels", _("Unknown channel."))
        elif not channel.value.strip():
            add("channels", _("Each channel needs an address, number or link."))
        elif channel.kind in (ServiceChannel.Kind.WEB, ServiceChannel.Kind.E_SERVICE):
            try:
                _URL(channel.value.strip())
            except ValidationError:
                add("channels", _("A web or e-service channel needs an http or https link."))
    if errors:
        raise ValidationError(errors)


def _write(service: Service, data: ServiceInput, actor: Any) -> None:
    for name in (
        "name_fi",
        "name_sv",
        "name_en",
        "description_fi",
        "description_sv",
        "description_en",
        "category",
        "responsible_organisation",
        "capacity",
        "active_from",
        "active_to",
        "ptv_id",
    ):
        setattr(service, name, getattr(data, name))
    service.name = data.name_fi
    service.description = data.description_fi
    service.target_groups = sorted(set(data.target_groups))
    service.modified_by = actor
    service.save()
    service.cooperating_organisations.set(data.cooperating_organisations)
    service.municipalities.set(data.municipalities)
    service.languages.all().delete()
    ServiceLanguage.objects.bulk_create(
        ServiceLanguage(service=service, code=code) for code in sorted(set(data.languages))
    )
    # Channels with a PTV id belong to the national catalogue's sync; forms edit the local ones.
    service.channels.filter(ptv_id="").delete()
    for channel in data.channels:
        ServiceChannel.objects.create(
            service=service,
            kind=channel.kind,
            value=channel.value.strip(),
            details=channel.details_fi,
            details_fi=channel.details_fi,
            details_sv=channel.details_sv,
            details_en=channel.details_en,
        )


@transaction.atomic
def service_create(*, actor: Any, data: ServiceInput) -> Service:
    _validate(data)
    service = Service(created_by=actor)
    _write(service, data, actor)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="Service",
        object_id=service.pk,
        reason=data.category.code,
    )
    return service


@transaction.atomic
def service_update(*, actor: Any, service: Service, data: ServiceInput) -> Service:
    if service.archived:
        raise ValidationError(_("An archived service cannot be changed."))
    _validate(data)
    _write(service, data, actor)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="Service",
        object_id=service.pk,
        reason=data.category.code,
    )
    return service


@transaction.atomic
def service_archive(*, actor: Any, service: Service) -> Service:
    if service.archived:
        raise ValidationError(_("The service is already archived."))
    service.archived = True
    service.modified_by = actor
    service.save(update_fields=["archived", "modified_by", "modified_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="Service",
        object_id=service.pk,
        reason="archive",
    )
    return service


def service_input_from(service: Service) -> ServiceInput:
    """The current values of a service, as the input a form or the API starts editing from."""
    return ServiceInput(
        name_fi=getattr(service, "name_fi", "") or "",
        name_sv=getattr(service, "name_sv", "") or "",
        name_en=getattr(service, "name_en", "") or "",
        description_fi=getattr(service, "description_fi", "") or "",
        description_sv=getattr(service, "description_sv", "") or "",
        description_en=getattr(service, "description_en", "") or "",
        category=service.category,
        responsible_organisation=service.responsible_organisation,
        cooperating_organisations=list(service.cooperating_organisations.all()),
        municipalities=list(service.municipalities.all()),
        target_groups=list(service.target_groups),
        languages=service.language_codes,
        channels=[
            ChannelInput(
                kind=c.kind,
                value=c.value,
                details_fi=getattr(c, "details_fi", "") or "",
                details_sv=getattr(c, "details_sv", "") or "",
                details_en=getattr(c, "details_en", "") or "",
            )
            for c in service.channels.all()
            if not c.ptv_id
        ],
        capacity=service.capacity,
        active_from=service.active_from,
        active_to=service.active_to,
        ptv_id=service.ptv_id,
    )
