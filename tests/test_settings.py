"""Production mode refuses to start with the development secret key.

Settings are read once per process, so each case starts a fresh Python.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def _check(tmp_path, **env):
    """Run ``manage.py check`` with the given environment; returns the finished process."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    environment |= {"CANDOR_VAR_DIR": str(tmp_path), "ALLOWED_HOSTS": "candor.example.com"}
    environment |= env
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_mode_without_a_secret_key_refuses_to_start(tmp_path):
    result = _check(tmp_path, DEBUG="false")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DEBUG is off but SECRET_KEY is the development key" in result.stderr


def test_production_mode_with_the_development_key_refuses_to_start(tmp_path):
    result = _check(tmp_path, DEBUG="false", SECRET_KEY=settings.DEV_SECRET_KEY)

    assert result.returncode != 0
    assert "SECRET_KEY is the development key" in result.stderr


def test_production_mode_with_a_short_key_refuses_to_start(tmp_path):
    result = _check(tmp_path, DEBUG="false", SECRET_KEY="too-short")

    assert result.returncode != 0
    assert "SECRET_KEY must be at least 50 characters in production." in result.stderr


def test_production_mode_with_a_long_random_key_starts(tmp_path):
    result = _check(tmp_path, DEBUG="false", SECRET_KEY=secrets.token_urlsafe(64))

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_development_mode_starts_with_the_development_key(tmp_path):
    result = _check(tmp_path, DEBUG="true")

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("debug", ["false", "0", "no", "off"])
def test_every_spelling_of_false_means_production(tmp_path, debug):
    result = _check(tmp_path, DEBUG=debug)

    assert "SECRET_KEY is the development key" in result.stderr
