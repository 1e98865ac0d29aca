"""A status-page token is a bearer secret: no log line may carry it."""

import importlib.util
import io
import logging
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from apps.core.logging import RedactTokensFilter
from tests.factories import informed_incident

from .support import make_link, page_url, publish

GUNICORN_CONF = Path(__file__).resolve().parents[2] / "config" / "gunicorn.conf.py"


def _gunicorn_conf():
    """config/gunicorn.conf.py, loaded as gunicorn loads it (its name is no module name)."""
    spec = importlib.util.spec_from_file_location("candor_gunicorn_conf", GUNICORN_CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def django_log(caplog):
    """Everything Django logs, as the configured console handler writes it, and via caplog.

    Django's loggers do not propagate to the root logger, so caplog's handler is
    added after the console handler, whose filter redacts each record first.
    """
    django_logger = logging.getLogger("django")
    console = next(h for h in django_logger.handlers if isinstance(h, logging.StreamHandler))
    assert any(isinstance(f, RedactTokensFilter) for f in console.filters)
    stream = io.StringIO()
    old_stream = console.setStream(stream)
    django_logger.addHandler(caplog.handler)
    caplog.set_level(logging.DEBUG, logger="django")
    try:
        yield SimpleNamespace(console=stream, caplog=caplog)
    finally:
        django_logger.removeHandler(caplog.handler)
        console.setStream(old_stream)


def test_no_token_in_the_logs_of_a_404_or_a_200(client, project, pm, now, django_log):
    incident = informed_incident(project=project, declared_by=pm, now=now)
    publish(incident, now=now + timedelta(hours=2))
    _link, token = make_link(incident)
    wrong = "Zq8" + token[3:][::-1]

    assert client.get(page_url(wrong)).status_code == 404
    assert client.get(page_url(token)).status_code == 200
    assert client.get(page_url(token, "status_feed")).status_code == 200
    assert client.get(page_url(token, "status_meetings")).status_code == 200
    # What runserver writes for each request goes through the same handler.
    logging.getLogger("django.server").info('"GET %s HTTP/1.1" 200 4450', page_url(token))

    console = django_log.console.getvalue()
    captured = django_log.caplog.text
    assert "Not Found: /s/[redacted]/" in console  # the 404 was logged, without its token
    assert '"GET /s/[redacted]/ HTTP/1.1" 200' in console
    for text in (console, captured):
        assert token not in text
        assert wrong not in text
        assert token[:12] not in text
    assert all(getattr(record, "request", None) is None for record in django_log.caplog.records)


def test_the_gunicorn_access_line_is_redacted(project, pm, now):
    incident = informed_incident(project=project, declared_by=pm, now=now)
    _link, token = make_link(incident)
    path = page_url(token)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"{path}?lang=en",
        "PATH_INFO": path,
        "QUERY_STRING": "lang=en",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.4",
        "HTTP_REFERER": f"https://candor.example.com{path}",
        "HTTP_USER_AGENT": "Mozilla/5.0",
    }
    request = SimpleNamespace(headers=[("REFERER", f"https://candor.example.com{path}")])
    response = SimpleNamespace(
        status="301 Moved Permanently",
        sent=0,
        headers=[("Location", f"https://candor.example.com{path}")],
    )
    logger = _gunicorn_conf().RedactingLogger(Config())

    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=3))

    assert atoms["r"] == "GET /s/[redacted]/?lang=en HTTP/1.1"
    assert atoms["U"] == "/s/[redacted]/"
    leaks = {key: value for key, value in atoms.items() if token in str(value)}
    assert leaks == {}
    line = Config().access_log_format % logger.atoms_wrapper_class(atoms)
    assert token not in line and "/s/[redacted]/" in line


def test_the_gunicorn_error_log_is_redacted(caplog):
    logger = _gunicorn_conf().RedactingLogger(Config())
    logger.error_log.propagate = True
    caplog.set_level(logging.DEBUG, logger="gunicorn.error")

    logger.error("Error handling request %s", "/s/abcdefghijklmnopqrstuvwxyz012345/?lang=en")
    try:
        raise ValueError("/s/abcdefghijklmnopqrstuvwxyz012345/")
    except ValueError:
        logger.exception("Error handling request %s", "/s/abcdefghijklmnopqrstuvwxyz012345/")

    text = caplog.text
    assert "abcdefghijklmnopqrstuvwxyz012345" not in text
    assert "Error handling request /s/[redacted]/?lang=en" in text
    assert "Error handling request /s/[redacted]/\n" in text
    assert "ValueError: /s/[redacted]/" in text
