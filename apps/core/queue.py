"""Hand work to Celery without ever letting a broker outage break a request.

Work is enqueued only after the transaction commits (the task must find the
rows it is about). If the broker is down, the message is dropped with a
warning: the rows stay pending and the periodic sweep enqueues them again.
"""

import logging
from collections.abc import Iterable

from django.db import transaction

logger = logging.getLogger(__name__)

RETRY_POLICY = {"max_retries": 1, "interval_start": 0}


def _send(task, args: tuple, producer=None) -> None:
    try:
        task.apply_async(args=args, producer=producer, retry=True, retry_policy=RETRY_POLICY)
    except Exception:
        logger.warning("Could not enqueue %s%r; the sweep will retry it", task.name, args)


def _send_many(task, ids: list[int]) -> None:
    """One producer connection for a batch: a scan may enqueue thousands."""
    from config.celery import app

    try:
        with app.producer_or_acquire() as producer:
            for pk in ids:
                _send(task, (pk,), producer=producer)
    except Exception:
        logger.warning(
            "Could not enqueue %s for %d rows; the sweep will retry", task.name, len(ids)
        )


def enqueue_on_commit(task, *args) -> None:
    transaction.on_commit(lambda: _send(task, args), robust=True)


def enqueue_many_on_commit(task, ids: Iterable[int]) -> None:
    ids = list(ids)
    if ids:
        transaction.on_commit(lambda: _send_many(task, ids), robust=True)


def enqueue_many_now(task, ids: Iterable[int]) -> None:
    """Enqueue outside any transaction (the sweep), with the same broker-outage safety."""
    ids = list(ids)
    if ids:
        _send_many(task, ids)
