"""`python manage.py client_deadlines --external-id ID [--on YYYY-MM-DD] [--format json]`."""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.casework import selectors
from kotopolku.clients.models import Client


class Command(BaseCommand):
    help = "Print a client's statutory deadlines (docs/domain.md P1–P5) on a day, as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--external-id", required=True)
        parser.add_argument("--on", help="YYYY-MM-DD; today if not given")
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args, external_id: str, on: str | None, **options):
        try:
            day = date.fromisoformat(on) if on else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--on: not a date YYYY-MM-DD: {on}") from exc
        try:
            client = Client.objects.prefetch_related(*selectors.CASE_PREFETCH).get(
                external_id=external_id
            )
        except Client.DoesNotExist as exc:
            raise CommandError(f"no client with external id {external_id}") from exc
        # A rule missing on its reference date is the problem no_rule_in_force (exit 0).
        deadlines = selectors.deadlines(client, on=day)
        audit_record(
            actor=None,
            actor_label="client_deadlines",
            action=AuditEvent.Action.VIEW,
            object_type="Deadlines",
            object_id=client.pk,
            client_id=client.pk,
        )
        self.stdout.write(
            json.dumps(deadlines.as_json(external_id=client.external_id), ensure_ascii=False)
        )
