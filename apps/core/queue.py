"""Hand work to Celery without ever letting a broker outage break a request.

Work is enqueued only after the transaction commits (the task must find the
rows it is about). If the broker is down, the message is dropped with a
warning: the rows stay pending and the periodic sweep enqueues them again.
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def _send(task, args: tuple) -> None:
    try:
        task.apply_async(
            args=args, retry=True, retry_policy={"max_retries": 1, "interval_start": 0}
        )
    except Exception:
        logger.warning("Could not enqueue %s%r; the sweep will retry it", task.name, args)


def enqueue_on_commit(task, *args) -> None:
    transaction.on_commit(lambda: _send(task, args), robust=True)


def enqueue_now(task, *args) -> None:
    _send(task, args)
