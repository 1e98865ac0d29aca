"""The image's web command, run as it is written, keeps status-page tokens out of its logs.

The Dockerfile's ``CMD`` is read and started with gunicorn from the virtualenv,
on a scratch SQLite database; a real status-page link is requested, and a
wrong one. Neither the access log (stdout) nor the error log (stderr) may show
a token; both show that a status page was asked for.
"""

import json
import os
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from tests.test_compose import _dockerfile_instructions

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def _image_command() -> list[str]:
    cmd = [args for keyword, args in _dockerfile_instructions() if keyword == "CMD"][-1]
    return json.loads(cmd)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_image_and_compose_start_gunicorn_with_the_one_configuration():
    image = _image_command()
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    compose = services["web"]["command"]

    assert image == ["gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi:application"]
    assert compose == image
    # Nothing on the command line to disagree with the file.
    assert not [arg for arg in image if arg.startswith("--")]


def test_the_images_command_redacts_tokens_in_the_access_and_error_logs(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "CANDOR_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'web.sqlite3'}",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "CELERY_BROKER_URL": "memory://",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    env.pop("CACHE_URL", None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    token = (
        subprocess.run(
            [*manage, "shell", "-c", _MAKE_LINK],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    wrong = "wrong" + token[5:]
    out, err = tmp_path / "stdout.log", tmp_path / "stderr.log"
    with out.open("w") as stdout, err.open("w") as stderr:
        server = subprocess.Popen(_image_command(), cwd=ROOT, env=env, stdout=stdout, stderr=stderr)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    _get(f"{base}/healthz")
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise
                    time.sleep(0.3)
            assert _get(f"{base}/s/{token}/") == 200
            assert _get(f"{base}/s/{wrong}/") == 404
        finally:
            server.terminate()
            server.wait(timeout=30)

    logs = out.read_text() + err.read_text()
    assert token not in logs and wrong not in logs, shlex.join(_image_command())
    assert "GET /s/[redacted]/ HTTP/1.1" in logs
    assert "Not Found: /s/[redacted]/" in logs
    assert "timeout" not in " ".join(_image_command())


_MAKE_LINK = """
from django.contrib.auth import get_user_model
from apps.incidents.services import incident_declare
from apps.projects.services import client_get_or_create, project_create
from apps.statuspage.services import link_create
pm = get_user_model().objects.create_user("pm", "pm@example.com", "x")
client = client_get_or_create(name="Client", actor=pm)
project = project_create(client=client, name="Project", pmo_lead=pm, actor=pm)
incident = incident_declare(project=project, actor=pm, title_en="Slow", summary_en="Slow.")
_link, token = link_create(actor=pm, incident=incident)
print(token)
"""
