"""`python manage.py casework_digest [--on YYYY-MM-DD] [--days N]`: the daily e-mail for cron.

Each case worker and coordinator with an e-mail address gets the deadlines of their worklist that
are overdue or due within N days (default 7). The mail names clients by external id only: no
names and never an identity code go into e-mail. With DEBUG on, mail goes to the console.
"""

from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import get_connection, send_mail
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kotopolku.casework.selectors import WorklistOptions, digest_audit, worklist
from kotopolku.organisations.models import Membership

CONSOLE = "django.core.mail.backends.console.EmailBackend"


def _label(code: str) -> str:
    return {
        "assessment_not_started": _("Assessment not started"),
        "plan_not_drafted": _("Plan not drafted"),
        "no_service_by_referral_due": _("No service by the referral due date"),
        "review_due": _("Review due"),
        "plan_ending": _("Plan ending"),
        "window_closing": _("Plan window closing"),
    }.get(code, code)


class Command(BaseCommand):
    help = "Send each case worker the deadlines of their worklist that are due soon or overdue."

    def add_arguments(self, parser):
        parser.add_argument("--on", help="YYYY-MM-DD; today if not given")
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args, on: str | None, days: int, **options):
        try:
            day = date.fromisoformat(on) if on else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--on: not a date YYYY-MM-DD: {on}") from exc
        horizon = day + timedelta(days=days)
        connection = get_connection(CONSOLE if settings.DEBUG else None)
        users = (
            get_user_model()
            .objects.filter(
                is_active=True,
                memberships__role__in=[Membership.Role.CASEWORKER, Membership.Role.COORDINATOR],
            )
            .exclude(email="")
            .distinct()
            .order_by("pk")
        )
        sent = 0
        with translation.override(settings.LANGUAGE_CODE):
            for user in users:
                lines = []
                named: list[int] = []
                # Only the clients with a deadline by the horizon (SQL), computed in detail.
                options = WorklistOptions(due_by=horizon)
                for row in worklist(user=user, on=day, options=options):
                    if row.deadlines is None:
                        continue
                    named.append(row.client.pk)
                    for action in row.deadlines.actions:
                        if action.due <= horizon:
                            mark = _("OVERDUE") if action.overdue else ""
                            lines.append(
                                f"{action.due.isoformat()}  {row.client.external_id}  "
                                f"{_label(action.code)} {mark}".rstrip()
                            )
                if not lines:
                    continue
                lines.sort()
                body = "\n".join(
                    [
                        _("Deadlines of your worklist on %(day)s:") % {"day": day.isoformat()},
                        "",
                        *lines,
                    ]
                )
                send_mail(
                    _("Kotopolku: %(count)s deadlines") % {"count": len(lines)},
                    body,
                    None,
                    [user.email],
                    connection=connection,
                )
                # The mail names the clients (by external id) to its reader: a read of each.
                digest_audit(user=user, client_ids=named, channel="email")
                sent += 1
        self.stdout.write(f"{sent} digest(s) sent.")
