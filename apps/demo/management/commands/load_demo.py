from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from apps.demo.data import DEMO_PASSWORD, demo_status_link, load_demo


class Command(BaseCommand):
    help = "Create demo users, projects and incidents (safe to run again)."

    def handle(self, *args, **options):
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
