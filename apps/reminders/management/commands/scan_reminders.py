import argparse
from datetime import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from apps.outbox.services import email_sweep
from apps.reminders import services


def _parse_now(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        message = f"must be an ISO-8601 date and time, not {value!r}"
        raise argparse.ArgumentTypeError(message) from exc
    if timezone.is_naive(moment):
        raise argparse.ArgumentTypeError("must carry a time zone offset, e.g. +08:00")
    return moment


class Command(BaseCommand):
    help = (
        "Scan for due reminders and escalations once (what beat does every minute). "
        "Safe to run at any time, as often as you like: a cron fallback for teams without beat."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            type=_parse_now,
            default=None,
            help="Pretend it is this moment (ISO-8601 with offset), e.g. to replay a gap.",
        )
        parser.add_argument(
            "--deliver",
            action="store_true",
            help="Also deliver what is due in this process instead of through the workers.",
        )
        parser.add_argument(
            "--sweep",
            action="store_true",
            help=(
                "Also re-enqueue reminders and e-mails left pending past the grace period "
                "(lost messages, killed workers), as beat's sweep does."
            ),
        )

    def handle(self, *args, now=None, deliver=False, sweep=False, **options):
        new_ids = services.reminders_scan(now=now)
        swept = (services.reminders_sweep(now=now), email_sweep(now=now)) if sweep else None
        delivered = 0
        if deliver:
            for reminder_id in set(new_ids) | set(services.reminder_ids_to_sweep(now=now)):
                if services.reminder_deliver(reminder_id=reminder_id, now=now) == "delivered":
                    delivered += 1
        message = f"{len(new_ids)} new reminder(s)"
        if deliver:
            message += f", {delivered} delivered"
        if swept is not None:
            message += f", {swept[0]} reminder(s) and {swept[1]} e-mail(s) re-enqueued"
        self.stdout.write(message)
