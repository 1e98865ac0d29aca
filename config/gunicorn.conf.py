"""Gunicorn settings for the web service (see docker-compose.yml)."""

import os

from gunicorn.glogging import Logger

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = 30
accesslog = "-"
errorlog = "-"


class RedactingLogger(Logger):
    """Access lines without status-page tokens: the path is a bearer secret."""

    def atoms(self, resp, req, environ, request_time):
        from apps.core.logging import redact

        atoms = super().atoms(resp, req, environ, request_time)
        # Every string atom, not a chosen few: a custom access_log_format may
        # name the path through any of them ({path_info}e, {referer}i, {location}o...).
        return {
            key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()
        }


logger_class = RedactingLogger
