"""Gunicorn settings for the web service: the one configuration, wherever it runs.

The image's ``CMD``, compose's ``web`` service and the deployment guide all start
``gunicorn -c config/gunicorn.conf.py config.wsgi:application`` and set nothing
else on the command line, so there is one timeout, one bind and one logger: the
one that keeps status-page tokens out of the access and the error logs.
"""

import os
from pathlib import Path

from gunicorn.glogging import Logger

#: ``HOST`` and ``PORT`` say where to listen; in a container, every interface.
bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
#: Longer than any page needs; a request that takes longer is killed and logged.
timeout = 60
#: Heartbeat files in memory, not on a container's overlay file system.
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None
accesslog = "-"
errorlog = "-"


class RedactingLogger(Logger):
    """Log lines without status-page tokens: the path is a bearer secret.

    Access lines are redacted atom by atom; error-log lines ("Error handling
    request /s/…") as their message is formatted.
    """

    def atoms(self, resp, req, environ, request_time):
        from apps.core.logging import redact

        atoms = super().atoms(resp, req, environ, request_time)
        # Every string atom, not a chosen few: a custom access_log_format may
        # name the path through any of them ({path_info}e, {referer}i, {location}o...).
        return {
            key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()
        }

    def _redacted(self, msg, args):
        from apps.core.logging import redact

        try:
            text = str(msg) % args if args else str(msg)
        except (TypeError, ValueError):
            text = " ".join(str(part) for part in (msg, *args))
        return redact(text)

    def critical(self, msg, *args, **kwargs):
        super().critical(self._redacted(msg, args), **kwargs)

    def error(self, msg, *args, **kwargs):
        super().error(self._redacted(msg, args), **kwargs)

    def warning(self, msg, *args, **kwargs):
        super().warning(self._redacted(msg, args), **kwargs)

    def info(self, msg, *args, **kwargs):
        super().info(self._redacted(msg, args), **kwargs)

    def debug(self, msg, *args, **kwargs):
        super().debug(self._redacted(msg, args), **kwargs)

    def exception(self, msg, *args, **kwargs):
        # The traceback names the request too: format it here, redacted, as one message.
        import traceback

        details = traceback.format_exc()
        super().error(self._redacted(f"{msg}\n{details}".rstrip(), args), **kwargs)


logger_class = RedactingLogger
