"""Capture what the application hands to Celery, so unit tests need no broker.

``apps.core.queue._send`` (one message) and ``_send_many`` (a batch over one
producer connection) are where messages leave for the broker. Tests replace
them with a recorder: they can assert what would have been
enqueued (task name and arguments) and then play the part of a worker by
running the recorded tasks in this process, in order. A message that is never
run is a message the broker lost.
"""

from collections import deque
from dataclasses import dataclass, field
from importlib import import_module

from django.test import TestCase


def _task(name: str):
    """The registered task of that name (its module is imported on first use)."""
    from config.celery import app

    if name not in app.tasks:
        import_module(name.rpartition(".")[0])
    return app.tasks[name]


@dataclass
class EnqueuedTasks:
    pending: deque = field(default_factory=deque)
    #: Every (task name, args) ever enqueued during the test, in order.
    history: list[tuple[str, tuple]] = field(default_factory=list)

    def record(self, task_name: str, args: tuple, producer=None) -> None:
        self.pending.append((task_name, tuple(args)))
        self.history.append((task_name, tuple(args)))

    def record_many(self, task_name: str, ids) -> None:
        for pk in ids:
            self.record(task_name, (pk,))

    @property
    def messages(self) -> list[tuple[str, tuple]]:
        """What is waiting in the "broker": (task name, args)."""
        return list(self.pending)

    def args_of(self, task_name: str) -> list[tuple]:
        return [args for name, args in self.messages if name.endswith(task_name)]

    def drop(self) -> None:
        """The broker lost every waiting message (a restart, a killed worker)."""
        self.pending.clear()

    def run(self, *, only: str | None = None) -> list[tuple[str, tuple]]:
        """Be a worker: run the waiting tasks (and those they enqueue) until none is left.

        Each task runs as it would in a worker: its ``on_commit`` callbacks
        fire when its work is done. ``only`` runs the tasks whose name ends
        with it and leaves the others waiting.
        """
        ran = []
        kept = deque()
        while self.pending:
            name, args = self.pending.popleft()
            if only is not None and not name.endswith(only):
                kept.append((name, args))
                continue
            with TestCase.captureOnCommitCallbacks(execute=True):
                _task(name)(*args)
            ran.append((name, args))
        self.pending = kept
        return ran


def capture_enqueued(monkeypatch) -> EnqueuedTasks:
    captured = EnqueuedTasks()
    monkeypatch.setattr("apps.core.queue._send", captured.record)
    monkeypatch.setattr("apps.core.queue._send_many", captured.record_many)
    return captured
