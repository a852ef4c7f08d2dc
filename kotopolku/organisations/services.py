from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.organisations.models import Membership, Organisation


@transaction.atomic
def membership_add(
    *,
    actor: User,
    organisation: Organisation,
    user: User,
    role: str,
    title: str = "",
) -> Membership:
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if Membership.objects.filter(user=user, organisation=organisation, role=role).exists():
        raise ValidationError({"user": _("This person already has this role in the organisation.")})
    membership = Membership.objects.create(
        user=user,
        organisation=organisation,
        role=role,
        title=title,
        created_by=actor,
        modified_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="Membership",
        object_id=membership.pk,
        reason=f"{organisation.pk}:{role}",
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    pk = membership.pk
    reason = f"{membership.organisation_id}:{membership.role}:{membership.user_id}"
    membership.delete()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        object_type="Membership",
        object_id=pk,
        reason=reason,
    )
