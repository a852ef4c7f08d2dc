from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kotopolku.demo.seed import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Load the Keski-Uusimaa demo region, its organisations and demo users. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--clients",
            type=int,
            default=200,
            help="Synthetic clients to create (needs the client registry).",
        )
        parser.add_argument(
            "--demo-users",
            action="store_true",
            help="Create the demo users even when DEBUG is off.",
        )

    def handle(self, *args, clients, demo_users, **options):
        if clients < 0:
            raise CommandError("--clients must be zero or more")
        with_users = settings.DEBUG or demo_users
        result = seed_demo(with_users=with_users, clients=clients)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {result.organisations} organisations, "
                f"{result.users_created} new demo users, {result.rules_created} new rule rows."
            )
        )
        if not with_users:
            self.stdout.write(
                "Demo users were not created: DEBUG is off and --demo-users was not given."
            )
        else:
            self.stdout.write(
                f"Demo log-ins (password {DEMO_PASSWORD}): " + ", ".join(result.usernames)
            )
