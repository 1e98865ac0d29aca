from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from apps.demo.data import DEMO_PASSWORD, demo_status_link, load_demo

REFUSAL = (
    "Refusing to load the demo data: DEBUG is off, so this looks like a real deployment, "
    "and the demo creates an admin (zhou.pmo) and other users whose password "
    f"({DEMO_PASSWORD}) is public. Use --force to load it anyway on a deployment that "
    "nobody else can reach."
)


class Command(BaseCommand):
    help = "Create demo users, projects and incidents (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the demo even with DEBUG off (its users' password is public).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(REFUSAL)
        users = load_demo()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Logins (password: {DEMO_PASSWORD}):")
        )
        for user in users:
            self.stdout.write(f"  {user.username:<10} {user.role_label}")
        pm = get_user_model().objects.get(username="li.pm")
        self.stdout.write(
            "Client status page of the article's case (no login): "
            f"{settings.SITE_URL}{demo_status_link(pm)}"
        )
