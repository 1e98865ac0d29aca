"""The PM's share-link page: create (the URL shown once), revoke, see who read the page."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import models
from django.urls import reverse

from apps.statuspage.models import ShareLink, hash_token
from tests.factories import ClientContactFactory, IncidentFactory, ProjectFactory
from tests.helpers import assert_rejected

from .support import make_link, page_url

NEW_URL = re.compile(r'id="new-link-url" value="([^"]+)"')


def _links_url(incident) -> str:
    return reverse("share_links", args=[incident.pk])


def _revoke_url(incident, link) -> str:
    return reverse("share_link_revoke", args=[incident.pk, link.pk])


def _stored_anywhere(text: str) -> list[str]:
    """Every text column of every table, and every session's data, that contains ``text``."""
    found = []
    for model in apps.get_models():
        fields = model._meta.concrete_fields
        for field in [f for f in fields if isinstance(f, models.CharField | models.TextField)]:
            if model._default_manager.filter(**{f"{field.name}__contains": text}).exists():
                found.append(f"{model._meta.label}.{field.name}")
    for session in Session.objects.all():
        if text in str(session.get_decoded()):
            found.append(f"session {session.session_key}")
    return found


def test_creating_a_link_shows_its_url_once_and_stores_only_a_hash(login, incident, pm, project):
    contact = ClientContactFactory(project=project, name="Ms Li")
    client = login(pm)

    response = client.post(
        _links_url(incident),
        {"contact": contact.pk, "label": "For the CIO", "expires_on": "2025-04-30"},
    )

    assert response.status_code == 302
    html = client.get(_links_url(incident)).content.decode()
    url = NEW_URL.search(html).group(1)
    assert url.startswith("http://testserver/s/") and url.endswith("/")
    token = url.removeprefix("http://testserver/s/").removesuffix("/")
    assert len(token) >= 22  # at least 128 bits in URL-safe base64
    link = ShareLink.objects.get()
    assert link.token_hash == hash_token(token)
    assert (link.contact, link.label, link.incident, link.project) == (
        contact,
        "For the CIO",
        incident,
        None,
    )
    assert link.expires_at.date().isoformat() == "2025-04-30"
    assert "Ms Li" in html and "For the CIO" in html

    again = client.get(_links_url(incident)).content.decode()
    assert token not in again
    assert not NEW_URL.search(again)
    assert f"/s/{token[:6]}…" in again  # the hint tells the links apart
    assert _stored_anywhere(token) == []
    assert client.get(page_url(token)).status_code == 200


def test_a_link_for_the_whole_project(login, incident, pm, project):
    client = login(pm)
    client.post(_links_url(incident), {"whole_project": "on"})
    link = ShareLink.objects.get()
    assert (link.project, link.incident) == (project, None)


def test_revoking_a_link_makes_it_lead_nowhere(login, incident, pm):
    link, token = make_link(incident)
    client = login(pm)

    response = client.post(_revoke_url(incident, link))

    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert client.get(page_url(token)).status_code == 404
    html = client.get(_links_url(incident)).content.decode()
    assert "revoked" in html
    assert _revoke_url(incident, link) not in html


def test_a_link_of_another_incident_cannot_be_revoked_from_here(login, incident, pm, project):
    other = ProjectFactory()
    foreign_link, _token = make_link(IncidentFactory(project=other))
    client = login(pm)
    assert client.post(_revoke_url(incident, foreign_link)).status_code == 404
    foreign_link.refresh_from_db()
    assert foreign_link.revoked_at is None


@pytest.mark.parametrize(
    ("data", "error", "kept"),
    [
        (
            {"label": "Past", "expires_on": "2025-03-09"},
            "Choose an expiry date after today.",
            ("Past", "2025-03-09"),
        ),
        (
            {"label": "Today", "expires_on": "2025-03-10"},
            "Choose an expiry date after today.",
            ("Today",),
        ),
        (
            {"label": "Too long", "expires_on": "2026-06-01"},
            "A link can live at most one year.",
            ("Too long", "2026-06-01"),
        ),
        (
            {"label": "Garbage <script>", "expires_on": "next tuesday-ish"},
            "Enter a valid date.",
            ("Garbage <script>", "next tuesday-ish"),
        ),
    ],
)
def test_bad_input_is_refused_with_the_reason_and_kept(login, incident, pm, data, error, kept):
    response = login(pm).post(_links_url(incident), data)

    assert response.status_code == 400
    assert_rejected(response, error=error, kept=kept)
    assert not ShareLink.objects.exists()


def test_a_contact_of_another_project_is_refused(login, incident, pm):
    outsider = ClientContactFactory(project=ProjectFactory(), name="Outsider")

    response = login(pm).post(
        _links_url(incident), {"contact": outsider.pk, "label": "Wrong contact"}
    )

    assert response.status_code == 400
    assert_rejected(response, error="Choose a contact of this project.", kept=("Wrong contact",))
    assert not ShareLink.objects.exists()


def test_the_pm_sees_views_and_the_last_view(login, client, incident, pm, now):
    link, token = make_link(incident)
    for _ in range(3):
        client.get(page_url(token))
    with time_machine.travel(now + timedelta(minutes=7), tick=False):
        client.get(page_url(token))

        html = login(pm).get(_links_url(incident)).content.decode()

    row = html[html.index(f"/s/{link.token_hint}") :]
    row = row[: row.index("</tr>")]
    assert "<td>4</td>" in row
    assert "10 Mar 2025, 09:07" in row
    assert "never" not in row


def test_a_link_never_viewed_says_never(login, incident, pm):
    make_link(incident)
    html = login(pm).get(_links_url(incident)).content.decode()
    assert "never" in html


def test_strangers_get_404_and_viewers_403(login, incident, stranger, viewer, team_member):
    link, _token = make_link(incident)
    for user, status in ((stranger, 404), (viewer, 403), (team_member, 403)):
        client = login(user)
        assert client.get(_links_url(incident)).status_code == status, user
        assert client.post(_links_url(incident), {"label": "x"}).status_code == status, user
        assert client.post(_revoke_url(incident, link)).status_code == status, user
    assert ShareLink.objects.count() == 1
    link.refresh_from_db()
    assert link.revoked_at is None


def test_pmo_staff_may_share(login, incident, pmo):
    assert login(pmo).get(_links_url(incident)).status_code == 200


def test_anonymous_users_are_sent_to_log_in(client, incident):
    response = client.get(_links_url(incident))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_revoking_needs_a_post(login, incident, pm):
    link, _token = make_link(incident)
    assert login(pm).get(_revoke_url(incident, link)).status_code == 405
