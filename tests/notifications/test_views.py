"""The in-app inbox and the unread badge in the navbar."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.notifications.context_processors import notifications
from apps.notifications.models import Notification
from tests.factories import NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db

INBOX = "/notifications/"


@pytest.fixture
def user(db):
    return UserFactory(username="inbox-owner")


def _notify(user, count, now, **kwargs):
    return [
        NotificationFactory(user=user, created_at=now - timedelta(minutes=n), **kwargs)
        for n in range(count)
    ]


def test_inbox_url(db):
    assert reverse("notification_list") == INBOX


def test_inbox_lists_my_notifications_newest_first(user, incident, login, now):
    older = NotificationFactory(
        user=user,
        incident=incident,
        title="Update due in 4 hours",
        created_at=now - timedelta(hours=2),
    )
    newer = NotificationFactory(
        user=user,
        incident=incident,
        title="Escalation: update long overdue",
        is_escalation=True,
        created_at=now - timedelta(hours=1),
    )
    NotificationFactory(title="Someone else's reminder")

    html = login(user).get(INBOX).content.decode()

    assert html.index(newer.title) < html.index(older.title)
    assert "Someone else" not in html
    assert "escalation" in html
    assert html.count("notification unread") == 2
    assert f'href="/incidents/{incident.pk}/"' in html
    assert incident.title in html


def test_read_notifications_are_not_highlighted(user, login, now):
    NotificationFactory(user=user, read_at=now)

    html = login(user).get(INBOX).content.decode()

    assert "notification unread" not in html
    assert "Mark all as read" not in html


def test_inbox_shows_25_per_page(user, login, now):
    _notify(user, 30, now)
    client = login(user)

    first = client.get(INBOX).content.decode()
    second = client.get(INBOX, {"page": "2"}).content.decode()

    assert first.count('class="list-group-item notification') == 25
    assert second.count('class="list-group-item notification') == 5
    assert "Page 1 of 2" in first
    assert "?page=2" in first


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999", "9" * 40])
def test_a_bad_page_number_shows_a_page_not_an_error(user, login, now, page):
    _notify(user, 30, now)

    response = login(user).get(INBOX, {"page": page})

    assert response.status_code == 200


def test_mark_one_as_read(user, login, now):
    mine, other = _notify(user, 2, now)

    response = login(user).post(
        reverse("notification_read", args=[mine.pk]), {"next": INBOX + "?page=1"}
    )

    assert response.status_code == 302
    assert response["Location"] == INBOX + "?page=1"
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.read_at == now
    assert other.read_at is None


def test_mark_all_as_read(user, login, now):
    _notify(user, 3, now)
    theirs = NotificationFactory()

    response = login(user).post(reverse("notification_read_all"))

    assert response.status_code == 302
    assert response["Location"] == INBOX
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_someone_elses_notification_is_404(user, login):
    theirs = NotificationFactory()
    client = login(user)

    assert client.post(reverse("notification_read", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notification_read", args=[10**9])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_is_post_only(user, login):
    mine = NotificationFactory(user=user)
    client = login(user)

    assert client.get(reverse("notification_read", args=[mine.pk])).status_code == 405
    assert client.get(reverse("notification_read_all")).status_code == 405
    mine.refresh_from_db()
    assert mine.read_at is None


@pytest.mark.parametrize(
    "target", ["https://evil.example.com/", "//evil.example.com/", "javascript:alert(1)"]
)
def test_never_redirects_to_another_site(user, login, target):
    response = login(user).post(reverse("notification_read_all"), {"next": target})

    assert response["Location"] == INBOX


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    for url in (INBOX, reverse("notification_read_all"), reverse("notification_read", args=[1])):
        response = client.post(url) if "read" in url else client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


# --- the navbar badge ---------------------------------------------------------------------


def test_navbar_shows_the_unread_count(user, login, now):
    _notify(user, 3, now)
    NotificationFactory(user=user, read_at=now)

    html = login(user).get(reverse("dashboard")).content.decode()

    assert 'id="unread-count">3<' in html


def test_navbar_shows_no_badge_without_unread_notifications(user, login):
    html = login(user).get(reverse("dashboard")).content.decode()

    assert 'id="unread-count"' not in html
    assert INBOX in html


def test_the_count_is_one_query_for_a_user_and_none_for_a_visitor(user, now):
    from django.contrib.auth.models import AnonymousUser

    _notify(user, 5, now)
    request = RequestFactory().get("/")

    request.user = user
    with CaptureQueriesContext(connection) as signed_in:
        assert notifications(request) == {"unread_notification_count": 5}
    request.user = AnonymousUser()
    with CaptureQueriesContext(connection) as anonymous:
        assert notifications(request) == {}

    assert len(signed_in.captured_queries) == 1
    assert len(anonymous.captured_queries) == 0
