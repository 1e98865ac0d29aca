"""Reading account e-mails in tests: from the outbox rows, or as an SMTP server received them."""

import re
from email import message_from_bytes, policy
from email.message import EmailMessage

from apps.outbox.models import OutgoingEmail
from tests.integration.smtp import SmtpSink

LINK = re.compile(r"https?://[^\s\"<>]+/accounts/(?:join|password/reset)/[^\s\"<>]+/[^\s\"<>]+/")


def link_in(text: str) -> str:
    """The one account link in ``text``, as a path the test client can GET."""
    links = set(LINK.findall(text))
    assert len(links) == 1, links
    return re.sub(r"^https?://[^/]+", "", links.pop())


def queued_to(address: str) -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(to=address).order_by("created_at", "pk"))


class KeepingSmtpSink(SmtpSink):
    """The integration tests' SMTP server, keeping each whole message to read its parts."""

    def __init__(self) -> None:
        super().__init__()
        self.raw: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        with self._lock:
            self.raw.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return await super().handle_DATA(server, session, envelope)

    def parts(self, message: EmailMessage) -> tuple[str, str]:
        """The text and the HTML of a multipart message."""
        assert message.get_content_type() == "multipart/alternative"
        text = message.get_body(preferencelist=("plain",)).get_content()
        html = message.get_body(preferencelist=("html",)).get_content()
        return text, html
