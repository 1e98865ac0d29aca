"""Wrong passwords lock a user out from one address for a while; an admin can unlock."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

HOME = "10.0.0.1"
ELSEWHERE = "10.0.0.2"
START = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
LOCKED_EN = "This account is locked for logins from this address after too many failed attempts."
LOCKED_ZH = "此账户在该地址的登录已被锁定"


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


@pytest.fixture
def li(db):
    return UserFactory(username="li.pm")


def _login(client, username, password, *, address=HOME, path=None, **headers):
    return client.post(
        path or reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def _fail(client, username, times=3, **kwargs):
    for _ in range(times):
        response = _login(client, username, "wrong password", **kwargs)
    return response


def test_the_right_password_is_refused_after_too_many_failures(client, li):
    _fail(client, "li.pm")

    response = _login(client, "li.pm", PASSWORD)

    assert response.status_code == 429
    html = response.content.decode()
    assert LOCKED_EN in html
    assert "Try again in 15 minutes;" in html
    assert "ask a PMO lead or an administrator" in html
    assert "axes_reset_username" in html
    assert "_auth_user_id" not in client.session


def test_the_lockout_page_speaks_the_users_language(client, li):
    _fail(client, "li.pm")

    response = _login(client, "li.pm", PASSWORD, headers={"accept-language": "zh-hans"})

    assert response.status_code == 429
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert LOCKED_ZH in html
    assert "15 分钟" in html


def test_fewer_failures_than_the_limit_do_not_lock(client, li):
    _fail(client, "li.pm", times=2)

    assert _login(client, "li.pm", PASSWORD).status_code == 302


def test_another_address_can_still_log_in(client, li):
    _fail(client, "li.pm")

    assert _login(client, "li.pm", PASSWORD, address=ELSEWHERE).status_code == 302


def test_another_user_from_the_same_address_is_unaffected(client, li):
    UserFactory(username="anna.pm")
    _fail(client, "li.pm")

    assert _login(client, "anna.pm", PASSWORD).status_code == 302


def test_the_lock_expires_after_the_cool_off(client, li):
    with time_machine.travel(START, tick=False):
        _fail(client, "li.pm")
    with time_machine.travel(START + timedelta(minutes=16), tick=False):
        assert _login(client, "li.pm", PASSWORD).status_code == 302


def test_an_attempt_during_the_lock_starts_the_wait_again(client, li):
    with time_machine.travel(START, tick=False):
        _fail(client, "li.pm")
    with time_machine.travel(START + timedelta(minutes=10), tick=False):
        assert _login(client, "li.pm", PASSWORD).status_code == 429
    with time_machine.travel(START + timedelta(minutes=20), tick=False):
        assert _login(client, "li.pm", PASSWORD).status_code == 429
    with time_machine.travel(START + timedelta(minutes=36), tick=False):
        assert _login(client, "li.pm", PASSWORD).status_code == 302


def test_an_admin_unlocks_by_deleting_the_access_attempt(client, li):
    _fail(client, "li.pm")
    attempt = AccessAttempt.objects.get(username="li.pm", ip_address=HOME)
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)

    response = client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    client.logout()
    assert _login(client, "li.pm", PASSWORD).status_code == 302


def test_an_admin_unlocks_with_the_reset_command(client, li):
    _fail(client, "li.pm")

    call_command("axes_reset_username", "li.pm")

    assert _login(client, "li.pm", PASSWORD).status_code == 302


def test_the_admin_login_is_locked_the_same_way(client):
    UserFactory(username="root", is_superuser=True, is_staff=True)
    admin_login = reverse("admin:login")
    _fail(client, "root", path=admin_login)

    response = _login(client, "root", PASSWORD, path=admin_login)

    assert response.status_code == 429
    assert LOCKED_EN in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_lock_from_one_form_holds_on_the_other(client, li):
    _fail(client, "li.pm")

    assert _login(client, "li.pm", PASSWORD, path=reverse("admin:login")).status_code == 429


def test_a_success_resets_the_count(client, li):
    _fail(client, "li.pm", times=2)
    assert _login(client, "li.pm", PASSWORD).status_code == 302
    client.logout()

    _fail(client, "li.pm", times=2)

    assert _login(client, "li.pm", PASSWORD).status_code == 302


def test_the_address_behind_trusted_proxies_is_the_one_counted(client, li, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "192.0.2.10"
    _fail(client, "li.pm", address=proxy, HTTP_X_FORWARDED_FOR=HOME)

    assert AccessAttempt.objects.get().ip_address == HOME
    locked = _login(client, "li.pm", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR=HOME)
    other = _login(client, "li.pm", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE)
    assert (locked.status_code, other.status_code) == (429, 302)


def test_a_forwarded_address_is_ignored_without_trusted_proxies(client, li):
    _fail(client, "li.pm", HTTP_X_FORWARDED_FOR=ELSEWHERE)

    assert AccessAttempt.objects.get().ip_address == HOME
    assert _login(client, "li.pm", PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429


def test_a_forwarded_value_that_is_no_address_is_not_stored(client, li, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    _fail(client, "li.pm", HTTP_X_FORWARDED_FOR="not-an-address")

    assert AccessAttempt.objects.get().ip_address == HOME


def test_an_absurdly_long_username_is_a_wrong_login_not_a_server_error(client):
    response = client.post("/accounts/login/", {"username": "u" * 10_000, "password": "x"})

    assert response.status_code == 200  # the form again, with its error
    assert "Please enter a correct username and password." in response.content.decode()

    assert AccessAttempt.objects.get().username == "u" * 150
