"""Small helpers shared by the reminder tests."""

from collections import defaultdict
from datetime import timedelta

from apps.reminders.models import Reminder

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)


def kinds(reminders) -> set[str]:
    return {r.kind for r in reminders}


def recipients(reminders) -> dict[str, set[int]]:
    """Who each kind of reminder went to: ``{kind: {user ids}}``."""
    found: dict[str, set[int]] = defaultdict(set)
    for r in reminders:
        found[r.kind].add(r.recipient_id)
    return dict(found)


def all_reminders(incident=None) -> list[Reminder]:
    qs = Reminder.objects.order_by("pk")
    if incident is not None:
        qs = qs.filter(incident=incident)
    return list(qs)


class BrokenDelivery:
    """Reminder delivery that breaks (for one recipient, or for all) until ``repair()``.

    What breaks is the rendering of the reminder's texts, inside the delivery:
    the reminder records the error and is tried again, then given up.
    """

    error = "RuntimeError: template broke"

    def __init__(self, monkeypatch, *, for_user=None):
        from apps.reminders import services

        self.broken = True
        real = services.render_to_string

        def render(template_name, context=None, *args, **kwargs):
            if self.broken and (for_user is None or context["user"] == for_user):
                raise RuntimeError("template broke")
            return real(template_name, context, *args, **kwargs)

        monkeypatch.setattr(services, "render_to_string", render)

    def repair(self) -> None:
        self.broken = False


def until_given_up(beat, moment):
    """The workers and the sweep try every pending reminder until each is delivered or given
    up; returns the moment reached (the sweep runs each grace period)."""
    from apps.reminders import services, tasks
    from apps.reminders.models import ReminderStatus

    beat.work(at=moment)
    for _ in range(services.MAX_DELIVERY_ATTEMPTS):
        if not Reminder.objects.filter(status=ReminderStatus.PENDING).exists():
            break
        moment += services.SWEEP_GRACE
        beat.clock.move_to(moment)
        tasks.sweep()
        beat.work()
    return moment
