from datetime import datetime

import pytest
import time_machine
from django.test import TestCase

from apps.reminders import services
from apps.reminders.models import Reminder
from tests.celery_capture import EnqueuedTasks, capture_enqueued
from tests.factories import informed_incident


@pytest.fixture(autouse=True)
def enqueued(monkeypatch) -> EnqueuedTasks:
    """No broker: what would be enqueued is recorded, and run by hand."""
    return capture_enqueued(monkeypatch)


@pytest.fixture
def clock(now):
    """The frozen clock, which the test moves with ``clock.move_to(moment)``."""
    with time_machine.travel(now, tick=False) as traveller:
        yield traveller


class Beat:
    """Celery beat and the workers, played by hand at chosen moments."""

    def __init__(self, enqueued: EnqueuedTasks, clock) -> None:
        self.enqueued = enqueued
        self.clock = clock

    def scan(self, *, at: datetime) -> list[Reminder]:
        """One scan at ``at``; returns the reminders it created (committed, enqueued)."""
        self.clock.move_to(at)
        with TestCase.captureOnCommitCallbacks(execute=True):
            ids = services.reminders_scan()
        return list(Reminder.objects.filter(pk__in=ids).order_by("pk"))

    def work(self, *, at: datetime | None = None) -> list[tuple[str, tuple]]:
        """The workers run every waiting message (deliveries, then their e-mails)."""
        if at is not None:
            self.clock.move_to(at)
        return self.enqueued.run()

    def scan_and_work(self, *, at: datetime) -> list[Reminder]:
        created = self.scan(at=at)
        self.work()
        return created


@pytest.fixture
def beat(enqueued, clock) -> Beat:
    return Beat(enqueued, clock)


@pytest.fixture
def informed(project, pm, now):
    """Declared at ``now``; the client heard from us an hour later, so the
    next update (high severity: every 48 h) is due at ``now + 49 h``."""
    return informed_incident(now=now, project=project, declared_by=pm)
