"""Keep status-page secrets out of the logs.

A status-page link is a bearer secret: whoever has ``/s/<token>/`` reads the
page. Request paths appear in access logs and in Django's 404 warnings, so
every log record passes through this filter on its way out.
"""

import logging
import re

TOKEN_IN_PATH = re.compile(r"(/s/)[A-Za-z0-9_\-]{4,}")


def redact(text: str) -> str:
    return TOKEN_IN_PATH.sub(r"\1[redacted]", text)


class RedactTokensFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is not ours to fix
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            # Handlers such as AdminEmailHandler format the request too.
            record.request = None
        return True
