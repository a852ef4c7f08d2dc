"""`python manage.py referrals_expire [--on YYYY-MM-DD]`: record the referrals whose access ended.

Run daily from cron. A referral's access already ends on its `access_until` (the access scope
checks the day); this marks the open ones past that day as expired, each with a `revoke` audit
row in the client's log report.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kotopolku.casework.services import referrals_expire


class Command(BaseCommand):
    help = "Mark open referrals whose access has ended as expired (with a revoke audit row)."

    def add_arguments(self, parser):
        parser.add_argument("--on", help="YYYY-MM-DD; today if not given")

    def handle(self, *args, **options):
        try:
            on = date.fromisoformat(options["on"]) if options["on"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError("--on: use YYYY-MM-DD.") from exc
        count = referrals_expire(on=on)
        self.stdout.write(f"{count} referrals expired")
