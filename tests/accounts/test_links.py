"""The links sent by e-mail: an invitation's and a password reset's work once, then expire."""

import re
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.urls import reverse

from apps.accounts import services
from apps.events.models import Event
from tests.factories import PASSWORD, UserFactory

from .mail import link_in, queued_to

pytestmark = pytest.mark.django_db

User = get_user_model()
NEW_PASSWORD = "a brand new passphrase 42"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


@pytest.fixture
def mei(pmo, now):
    return services.user_invite(
        actor=pmo,
        first_name="Mei",
        last_name="Chen",
        email="mei.chen@example.com",
        username="mei.chen",
        language="en",
        time_zone="Asia/Shanghai",
        now=now,
    )


def _page(response) -> str:
    """The page without its CSRF tokens, which differ on every response."""
    return CSRF.sub("", response.content.decode())


def _link(address: str, which: int = -1) -> str:
    return link_in(queued_to(address)[which].body_text)


def _set_password(client, link: str, password: str = NEW_PASSWORD):
    form = client.get(link)
    assert form.status_code == 302, "a good link leads on to the password form"
    return client.post(form["Location"], {"new_password1": password, "new_password2": password})


def _logs_in(client, username: str, password: str) -> bool:
    client.logout()
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session


# --- the invitation's link -------------------------------------------------------------


def test_the_invitation_link_sets_a_password_and_sends_to_the_login(client, mei):
    response = _set_password(client, _link(mei.email))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    page = client.get(reverse("login")).content.decode()
    assert "Your password is set" in page
    assert _logs_in(client, "mei.chen", NEW_PASSWORD)


def test_joining_is_recorded_as_the_user(client, mei):
    _set_password(client, _link(mei.email))

    event = Event.objects.get(verb="user.joined")
    assert event.actor == mei


def test_the_invitation_link_works_once(client, mei):
    link = _link(mei.email)
    _set_password(client, link)

    response = client.get(link)

    assert response.status_code == 200
    assert "This invitation link no longer works" in response.content.decode()
    assert "new_password1" not in response.content.decode()


def test_the_invitation_link_expires(client, mei, now, settings):
    settings.INVITATION_TIMEOUT_DAYS = 7
    link = _link(mei.email)

    with time_machine.travel(now + timedelta(days=7, minutes=1), tick=False):
        response = client.get(link)

    assert response.status_code == 200
    assert "This invitation has expired" in response.content.decode()
    mei.refresh_from_db()
    assert not mei.has_usable_password()


def test_the_invitation_link_still_works_just_before_it_expires(client, mei, now):
    with time_machine.travel(now + timedelta(days=6, hours=23), tick=False):
        assert _set_password(client, _link(mei.email)).status_code == 302


def test_a_reset_link_is_no_invitation_link(client, mei):
    path = _link(mei.email).replace("/accounts/join/", "/accounts/password/reset/")

    assert "no longer works" in client.get(path).content.decode()


def test_the_invitation_page_is_in_the_invitees_language(client, pmo, now):
    user = services.user_invite(
        actor=pmo,
        first_name="Wei",
        last_name="Li",
        email="wei@example.com",
        username="wei",
        language="zh-hans",
        time_zone="Asia/Shanghai",
        now=now,
    )
    client.cookies["django_language"] = "en"

    form = client.get(client.get(_link(user.email))["Location"]).content.decode()

    assert '<html lang="zh-hans">' in form
    assert "新密码" in form  # Django's own label of the password field


def test_a_weak_password_is_refused_and_the_link_still_works(client, mei):
    response = _set_password(client, _link(mei.email), password="123")

    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
    assert _set_password(client, _link(mei.email)).status_code == 302


def test_a_garbled_link_is_refused_clearly(client, mei):
    for path in ("/accounts/join/xx/yy/", "/accounts/join/Mg/zz-zz-zz/", "/accounts/join/!!/a-b/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "This invitation link no longer works" in response.content.decode()


# --- asking for a password reset ----------------------------------------------------------


def test_the_login_page_links_to_the_password_reset(client):
    html = client.get(reverse("login")).content.decode()

    assert f'href="{reverse("password_reset")}"' in html
    assert "Forgot your password?" in html


def test_a_known_and_an_unknown_address_get_the_same_answer(client, stranger):
    known = client.post(reverse("password_reset"), {"email": stranger.email}, follow=True)
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.com"}, follow=True)

    assert known.redirect_chain == unknown.redirect_chain == [(reverse("password_reset_done"), 302)]
    assert _page(known) == _page(unknown)
    assert len(queued_to(stranger.email)) == 1
    assert not queued_to("nobody@example.com")


def test_an_invited_or_inactive_user_gets_the_same_answer_and_no_email(client, mei):
    inactive = UserFactory(username="gone", is_active=False)

    answers = [
        _page(client.post(reverse("password_reset"), {"email": email}, follow=True))
        for email in (mei.email, inactive.email, "nobody@example.com")
    ]

    assert answers[0] == answers[1] == answers[2]
    assert len(queued_to(mei.email)) == 1  # the invitation only
    assert not queued_to(inactive.email)


def test_the_address_is_matched_whatever_its_case(client, stranger):
    client.post(reverse("password_reset"), {"email": stranger.email.upper()})

    assert len(queued_to(stranger.email)) == 1


def test_the_reset_email_is_in_the_users_language(client, now):
    user = UserFactory(
        username="wei", profile__language="zh-hans", profile__time_zone="Asia/Shanghai"
    )

    client.post(reverse("password_reset"), {"email": user.email})

    [email] = queued_to(user.email)
    # 24 hours later, in Shanghai's time and in Chinese.
    assert "2025年3月11日 17:00" in email.body_text
    assert "2025年3月11日 17:00" in email.body_html
    assert link_in(email.body_text) == link_in(email.body_html)


@pytest.mark.parametrize("email", ["", "not an address", "x" * 300 + "@example.com"])
def test_a_bad_address_is_explained(client, email):
    response = client.post(reverse("password_reset"), {"email": email})

    assert response.status_code == 200
    assert 'class="invalid-feedback"' in response.content.decode()


# --- throttling ------------------------------------------------------------------------


def _ask(client, email, address="10.0.0.1", **headers):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address, **headers)


def test_too_many_requests_from_one_address_are_refused_with_429(client, settings, stranger):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 3
    for n in range(3):
        assert _ask(client, f"someone{n}@example.com").status_code == 302

    response = _ask(client, stranger.email)

    assert response.status_code == 429
    assert "Too many password resets were asked for" in response.content.decode()
    assert not queued_to(stranger.email)
    assert _ask(client, stranger.email, address="10.0.0.2").status_code == 302


def test_too_many_requests_for_one_email_are_refused_from_anywhere(client, settings, stranger):
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 2
    _ask(client, stranger.email, address="10.0.0.1")
    _ask(client, stranger.email, address="10.0.0.2")

    response = _ask(client, stranger.email.upper(), address="10.0.0.3")

    assert response.status_code == 429
    assert len(queued_to(stranger.email)) == 2


def test_the_refusal_is_the_same_for_a_known_and_an_unknown_address(client, settings, stranger):
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 1
    for email in (stranger.email, "nobody@example.com"):
        _ask(client, email, address="10.0.0.1")
    known = _ask(client, stranger.email, address="10.0.0.2")
    unknown = _ask(client, "nobody@example.com", address="10.0.0.3")

    assert known.status_code == unknown.status_code == 429
    assert _page(known) == _page(unknown)


def test_the_limit_counts_the_client_behind_a_trusted_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 1
    proxy = "192.0.2.1"
    _ask(client, "a@example.com", address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.5")

    other_client = _ask(client, "b@example.com", address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.6")
    same_client = _ask(client, "c@example.com", address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.5")

    assert other_client.status_code == 302
    assert same_client.status_code == 429


def test_the_limit_ends_with_its_window(client, settings, now):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 1
    settings.PASSWORD_RESET_WINDOW_MINUTES = 60
    _ask(client, "a@example.com")
    assert _ask(client, "b@example.com").status_code == 429

    with time_machine.travel(now + timedelta(minutes=61), tick=False):
        assert _ask(client, "c@example.com").status_code == 302


def test_the_refusal_is_in_the_readers_language(client, settings):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 1
    client.cookies["django_language"] = "zh-hans"
    _ask(client, "a@example.com")

    response = _ask(client, "b@example.com")

    assert response.status_code == 429
    assert '<html lang="zh-hans">' in response.content.decode()


# --- the reset link ----------------------------------------------------------------------


def test_a_reset_link_sets_a_new_password_once(client, stranger):
    client.post(reverse("password_reset"), {"email": stranger.email})
    link = _link(stranger.email)

    response = _set_password(client, link)

    assert response["Location"] == reverse("password_reset_complete")
    assert _logs_in(client, "stranger", NEW_PASSWORD)
    assert not _logs_in(client, "stranger", PASSWORD)
    refused = client.get(link).content.decode()
    assert "This reset link no longer works" in refused
    assert Event.objects.get(verb="user.password_reset").actor == stranger


def test_a_reset_link_expires(client, stranger, now, settings):
    settings.PASSWORD_RESET_TIMEOUT = 3600
    client.post(reverse("password_reset"), {"email": stranger.email})

    with time_machine.travel(now + timedelta(hours=1, seconds=1), tick=False):
        response = client.get(_link(stranger.email))

    assert "This reset link has expired" in response.content.decode()


def test_an_invitation_link_is_no_reset_link(client, stranger):
    client.post(reverse("password_reset"), {"email": stranger.email})
    path = _link(stranger.email).replace("/accounts/password/reset/", "/accounts/join/")

    assert "no longer works" in client.get(path).content.decode()


def test_a_reset_clears_the_users_login_lockout(client, settings, stranger):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(
            reverse("login"), {"username": "stranger", "password": "wrong"}, REMOTE_ADDR="10.0.0.1"
        )
    locked = client.post(
        reverse("login"), {"username": "stranger", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert locked.status_code == 429
    client.post(reverse("password_reset"), {"email": stranger.email})

    _set_password(client, _link(stranger.email))

    assert not AccessAttempt.objects.filter(username="stranger").exists()
    response = client.post(
        reverse("login"), {"username": "stranger", "password": NEW_PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_a_reset_leaves_other_users_lockouts_alone(client, settings, stranger):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="other")
    for _ in range(3):
        client.post(reverse("login"), {"username": "other", "password": "wrong"})
    client.post(reverse("password_reset"), {"email": stranger.email})

    _set_password(client, _link(stranger.email))

    assert AccessAttempt.objects.filter(username="other").exists()
