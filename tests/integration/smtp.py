"""A real SMTP server in the test process that keeps what it receives.

Workers started by a test get ``EMAIL_URL=smtp://127.0.0.1:<port>`` and talk
SMTP to it over a socket, exactly as they would to a relay. The test then
counts the messages: the outbox puts the ``X-Candor-Key`` header (its dedupe
key) on every e-mail, so a message sent twice shows up as a key seen twice.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from dataclasses import dataclass
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller

from tests.integration.processes import free_port


@dataclass(frozen=True)
class Received:
    to: tuple[str, ...]
    subject: str
    key: str


class SmtpSink:
    """An aiosmtpd server on a free local port, running in a thread of its own."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._messages: list[Received] = []
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    # aiosmtpd's handler hook
    async def handle_DATA(self, server, session, envelope) -> str:
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        received = Received(
            to=tuple(envelope.rcpt_tos),
            # Folding may leave a leading blank on a long, non-ASCII subject.
            subject=" ".join(str(message["Subject"] or "").split()),
            key=str(message["X-Candor-Key"] or ""),
        )
        with self._lock:
            self._messages.append(received)
        return "250 Message accepted for delivery"

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> SmtpSink:
        # aiosmtpd logs every SMTP command at INFO; a failing test shows report() instead.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    @property
    def messages(self) -> list[Received]:
        with self._lock:
            return list(self._messages)

    def count(self) -> int:
        return len(self.messages)

    def keys(self) -> Counter:
        """How many times each ``X-Candor-Key`` arrived."""
        return Counter(m.key for m in self.messages)

    def report(self) -> str:
        lines = [f"----- SMTP server on port {self.port}: {self.count()} message(s) -----"]
        lines += [f"{m.key}  to={','.join(m.to)}  {m.subject}" for m in self.messages]
        return "\n".join(lines)
