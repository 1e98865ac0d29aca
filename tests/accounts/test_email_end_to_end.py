"""End to end over real SMTP: an invitation and a password reset, from the form to the login.

The e-mails leave through the outbox and its send task, run here as a worker
would, to an SMTP server on a thread of this process; the test reads what
the server received, both parts of it, and follows the link.
"""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from apps.outbox import services as outbox
from tests.celery_capture import capture_enqueued
from tests.factories import PASSWORD, UserFactory

from .mail import KeepingSmtpSink, link_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase 42"


@pytest.fixture
def smtp(settings):
    sink = KeepingSmtpSink().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield sink
    sink.stop()


@pytest.fixture
def worker(monkeypatch):
    return capture_enqueued(monkeypatch)


def _deliver(worker, smtp, expected: int):
    """Be the worker: send what the outbox queued; the server has it when the send returns."""
    worker.run()
    assert len(smtp.raw) == expected, smtp.report()
    return smtp.raw[-1]


def _read(smtp, message) -> tuple[str, str]:
    text, html = smtp.parts(message)
    link = link_in(text)
    assert link_in(html) == link
    return text, link


def _logs_in(client, username, password) -> bool:
    client.logout()
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session


def _set_password(client, link, password=NEW_PASSWORD):
    form = client.get(link)
    assert form.status_code == 302, form.content.decode()[:500]
    return client.post(form["Location"], {"new_password1": password, "new_password2": password})


def _invite(client, django_capture_on_commit_callbacks, **person):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("people"), person)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_an_invitation_arrives_and_its_link_lets_the_invitee_in_once(
    client, login, smtp, worker, django_capture_on_commit_callbacks
):
    pmo = UserFactory(username="zhou", first_name="Min", last_name="Zhou", profile__is_pmo=True)
    login(pmo)
    invited_at = timezone.now()
    _invite(
        client,
        django_capture_on_commit_callbacks,
        first_name="Mei",
        last_name="Chen",
        email="mei.chen@example.com",
        username="mei.chen",
        language="zh-hans",
        time_zone="Asia/Shanghai",
    )

    message = _deliver(worker, smtp, expected=1)
    assert message["To"] == "mei.chen@example.com"
    with translation.override("zh-hans"):
        subject = gettext("%(invited_by)s invites you to Candor") % {"invited_by": "Min Zhou"}
    assert " ".join(str(message["Subject"]).split()) == subject
    text, link = _read(smtp, message)
    assert "mei.chen" in text
    assert "年" in text  # the expiry, dated the Chinese way

    response = _set_password(client, link)
    assert response["Location"] == reverse("login")
    assert _logs_in(client, "mei.chen", NEW_PASSWORD)

    client.logout()
    assert "new_password1" not in client.get(link).content.decode()
    assert 'id="link-refused"' in client.get(link).content.decode()

    # Another invitation, opened after it expired, is refused.
    login(pmo)
    _invite(
        client,
        django_capture_on_commit_callbacks,
        first_name="Late",
        last_name="Comer",
        email="late@example.com",
        username="late",
        language="en",
        time_zone="UTC",
    )
    _text, late_link = _read(smtp, _deliver(worker, smtp, expected=2))
    client.logout()
    with time_machine.travel(invited_at + timedelta(days=7, hours=1), tick=False):
        refused = client.get(late_link).content.decode()
    assert "This invitation has expired" in refused


def test_a_reset_email_arrives_and_its_link_sets_a_new_password_once(
    client, smtp, worker, django_capture_on_commit_callbacks
):
    UserFactory(username="anna", email="anna@example.com", profile__language="en")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "anna@example.com"})

    message = _deliver(worker, smtp, expected=1)
    assert str(message["Subject"]) == "Set a new Candor password"
    text, link = _read(smtp, message)
    assert "anna" in text

    assert _set_password(client, link)["Location"] == reverse("password_reset_complete")
    assert _logs_in(client, "anna", NEW_PASSWORD)
    assert not _logs_in(client, "anna", PASSWORD)
    assert "This reset link no longer works" in client.get(link).content.decode()


def test_an_unknown_address_sends_nothing(client, smtp, worker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "nobody@example.com"})

    worker.run()
    assert smtp.count() == 0


def test_an_invitation_lost_by_the_broker_is_sent_by_the_sweep(
    login, smtp, worker, pmo, django_capture_on_commit_callbacks
):
    client = login(pmo)
    _invite(
        client,
        django_capture_on_commit_callbacks,
        first_name="Mei",
        last_name="Chen",
        email="mei.chen@example.com",
        username="mei.chen",
        language="en",
        time_zone="UTC",
    )
    worker.drop()  # the broker lost the message

    outbox.email_sweep(now=timezone.now() + outbox.SWEEP_GRACE + timedelta(seconds=1))

    message = _deliver(worker, smtp, expected=1)
    assert message["To"] == "mei.chen@example.com"
