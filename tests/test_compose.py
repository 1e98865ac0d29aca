"""The container topology: docker-compose.yml, the Dockerfile and .dockerignore.

No Docker engine is needed: the files are parsed, and the compose
environment is fed to the real settings module in a subprocess.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")
LONG_RUNNING = ("web", "worker", "beat", "postgres", "redis", "mailpit")
VALID_CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def _command(service: dict) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def _dockerfile_instructions() -> list[tuple[str, str]]:
    """``(INSTRUCTION, arguments)`` pairs, with continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text()
    logical = re.sub(r"\\\n", " ", text)
    instructions = []
    for line in logical.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def _interpolate(value: str, variables: dict[str, str]) -> str:
    """Compose's ``${NAME}``, ``${NAME:-default}`` and ``${NAME:?error}``."""

    def replace(match: re.Match) -> str:
        name, op, arg = match.group(1), match.group(2), match.group(3)
        if variables.get(name):
            return variables[name]
        if op == ":-":
            return arg
        raise AssertionError(f"{name} is required: {arg}")

    return re.sub(r"\$\{(\w+)(?:(:-|:\?)([^}]*))?\}", replace, value)


def test_every_service_of_the_topology_exists(services):
    assert set(services) >= {"migrate", *LONG_RUNNING}
    # Fully qualified: the same images whatever registries a machine's engine searches.
    assert services["postgres"]["image"].startswith("docker.io/library/postgres:16")
    assert services["redis"]["image"].startswith("docker.io/library/redis:7")
    assert services["mailpit"]["image"].startswith("docker.io/axllent/mailpit")


def test_web_worker_and_beat_run_one_image_with_one_configuration(compose, services):
    first = services["web"]
    for name in (*APP_SERVICES, "migrate"):
        service = services[name]
        assert service["image"] == first["image"], name
        assert service["build"] == first["build"], name
        assert service["environment"] == compose["x-candor-env"], name


def test_the_shared_configuration_points_at_the_compose_services(compose):
    env = compose["x-candor-env"]
    assert env["DATABASE_URL"].startswith("postgres://")
    assert env["DATABASE_URL"].endswith("@postgres:5432/candor")
    assert env["CELERY_BROKER_URL"] == "redis://redis:6379/0"
    assert env["CACHE_URL"] == "rediscache://redis:6379/1"
    assert env["EMAIL_URL"] == "smtp://mailpit:1025"
    assert env["SECRET_KEY"] == "${SECRET_KEY:?set SECRET_KEY}"
    assert env["DEBUG"] == "false"
    assert _interpolate(env["SECURE_SSL_REDIRECT"], {}) == "false"
    # The web healthcheck sends Host: localhost.
    assert "localhost" in _interpolate(env["ALLOWED_HOSTS"], {}).split(",")


def test_the_settings_accept_the_compose_configuration(compose, tmp_path):
    secret = "compose-test-" + "k" * 60
    env = {
        name: _interpolate(str(value), {"SECRET_KEY": secret})
        for name, value in compose["x-candor-env"].items()
    }
    probe = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'debug': s.DEBUG, 'db': s.DATABASES['default']['ENGINE'],"
        "'db_host': s.DATABASES['default']['HOST'], 'broker': s.CELERY_BROKER_URL,"
        "'cache': s.CACHES['default']['BACKEND'], 'email_host': s.EMAIL_HOST,"
        "'email_port': s.EMAIL_PORT, 'ssl_redirect': s.SECURE_SSL_REDIRECT,"
        "'hosts': s.ALLOWED_HOSTS}))"
    )
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "SYSTEMROOT")}
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={
            **keep,
            **env,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "CANDOR_VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded == {
        "debug": False,
        "db": "django.db.backends.postgresql",
        "db_host": "postgres",
        "broker": "redis://redis:6379/0",
        "cache": "django.core.cache.backends.redis.RedisCache",
        "email_host": "mailpit",
        "email_port": 1025,
        "ssl_redirect": False,
        "hosts": ["localhost", "127.0.0.1"],
    }


def test_every_long_running_service_has_a_healthcheck(services):
    for name in LONG_RUNNING:
        healthcheck = services[name].get("healthcheck")
        assert healthcheck and healthcheck.get("test"), f"{name} has no healthcheck"
        assert not healthcheck.get("disable"), name


def test_celery_healthchecks_ping_the_node_the_command_names(services):
    worker_check = " ".join(services["worker"]["healthcheck"]["test"])
    assert "--hostname=worker@%h" in _command(services["worker"])
    assert "inspect ping" in worker_check and "worker@$$HOSTNAME" in worker_check
    beat_check = " ".join(services["beat"]["healthcheck"]["test"])
    assert "--enable-remote-control" in _command(services["beat"])
    assert "inspect ping" in beat_check and "celerybeat@$$HOSTNAME" in beat_check


def test_dependencies_wait_for_health_and_for_migrations(services):
    for name, service in services.items():
        depends_on = service.get("depends_on", {})
        assert isinstance(depends_on, dict), f"{name}: depends_on needs conditions"
        for dependency, spec in depends_on.items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            assert spec["condition"] in VALID_CONDITIONS, (name, dependency)
            if dependency in LONG_RUNNING:
                assert spec["condition"] == "service_healthy", (name, dependency)
    for name in APP_SERVICES:
        depends_on = services[name]["depends_on"]
        assert depends_on["migrate"]["condition"] == "service_completed_successfully", name
        assert depends_on["postgres"]["condition"] == "service_healthy", name
        assert depends_on["redis"]["condition"] == "service_healthy", name
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_migrate_runs_once_and_the_others_run_their_process(services):
    assert "manage.py migrate" in _command(services["migrate"])
    assert services["migrate"].get("restart") == "no"
    assert "healthcheck" not in services["migrate"]
    web = _command(services["web"])
    assert web.startswith("gunicorn ") and "config.wsgi" in web
    assert _command(services["worker"]).startswith("celery -A config worker")
    assert _command(services["beat"]).startswith("celery -A config beat")


def test_dockerfile_builds_a_slim_non_root_gunicorn_image():
    instructions = _dockerfile_instructions()
    assert instructions[0] == ("FROM", "python:3.11-slim")
    runs = " ".join(args for keyword, args in instructions if keyword == "RUN")
    assert "pip install" in runs
    assert "collectstatic --noinput" in runs
    assert "DEBUG=false" in runs and "SECRET_KEY=" in runs
    users = [args for keyword, args in instructions if keyword == "USER"]
    assert users and users[-1] not in ("root", "0")
    cmd = [args for keyword, args in instructions if keyword == "CMD"][-1]
    argv = json.loads(cmd)
    assert argv[0] == "gunicorn"
    assert argv[-1] in ("config.wsgi", "config.wsgi:application")


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_image():
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".git", ".venv", ".env", "var", "staticfiles"} <= ignored
    # pip install needs the readme that pyproject.toml names.
    assert "README.md" not in ignored and "*.md" not in ignored
