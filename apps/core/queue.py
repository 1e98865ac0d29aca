"""Hand work to Celery without ever letting a broker outage break a request.

Work is enqueued only after the transaction commits (the task must find the
rows it is about). If the broker is down, the message is dropped with a
warning: the rows stay pending and the periodic sweep enqueues them again.

Tasks are named, not imported: a service asks for ``"apps.outbox.tasks.send_email"``
and never imports the tasks module that calls it back, so services and tasks
import each other in one direction only (tasks → services).
"""

import logging
from collections.abc import Iterable

from django.db import transaction

logger = logging.getLogger(__name__)

RETRY_POLICY = {"max_retries": 1, "interval_start": 0}


def _app():
    from config.celery import app

    return app


def _send(task_name: str, args: tuple, producer=None) -> None:
    try:
        _app().send_task(
            task_name, args=args, producer=producer, retry=True, retry_policy=RETRY_POLICY
        )
    except Exception:
        logger.warning("Could not enqueue %s%r; the sweep will retry it", task_name, args)


def _send_many(task_name: str, ids: list[int]) -> None:
    """One producer connection for a batch: a scan may enqueue thousands."""
    try:
        with _app().producer_or_acquire() as producer:
            for pk in ids:
                _send(task_name, (pk,), producer=producer)
    except Exception:
        logger.warning(
            "Could not enqueue %s for %d rows; the sweep will retry", task_name, len(ids)
        )


def enqueue_on_commit(task_name: str, *args) -> None:
    transaction.on_commit(lambda: _send(task_name, args), robust=True)


def enqueue_many_on_commit(task_name: str, ids: Iterable[int]) -> None:
    ids = list(ids)
    if ids:
        transaction.on_commit(lambda: _send_many(task_name, ids), robust=True)


def enqueue_many_now(task_name: str, ids: Iterable[int]) -> None:
    """Enqueue outside any transaction (the sweep), with the same broker-outage safety."""
    ids = list(ids)
    if ids:
        _send_many(task_name, ids)
