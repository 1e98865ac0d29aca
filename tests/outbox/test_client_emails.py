"""Every e-mail to a client contact carries that contact's own working status-page link.

The messages are read as received (both parts parsed); the link in each opens
that contact's page. Decisions and the resolution are e-mailed as updates are.
"""

import email as email_lib
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import TestCase

from apps.alternatives import services as alternatives
from apps.communications import services as communications
from apps.incidents import services as incidents
from apps.statuspage.models import ShareLink, hash_token
from apps.statuspage.services import link_revoke
from tests.factories import ClientContactFactory, informed_incident

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
LINK = re.compile(re.escape(settings.SITE_URL) + r"/s/([A-Za-z0-9_\-]+)/")


@pytest.fixture
def contacts(project):
    return {
        "en": ClientContactFactory(
            project=project, name="Helen Baker", email="helen@client.example.com", language="en"
        ),
        "zh": ClientContactFactory(
            project=project, name="陈静", email="chen@client.example.com", language="zh-hans"
        ),
    }


@pytest.fixture
def informed(project, pm, now):
    return informed_incident(project=project, declared_by=pm, now=now - 2 * HOUR)


def _parts(message) -> dict[str, str]:
    """The message as a mail client receives it: each MIME part decoded."""
    parsed = email_lib.message_from_bytes(message.message().as_bytes())
    return {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in parsed.walk()
        if not part.is_multipart()
    }


def _publish(incident, pm, now, enqueued):
    draft = communications.update_draft_save(
        incident=incident, actor=pm, body_en="Where we are.", body_zh_hans="目前进展。", now=now
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        communications.update_publish(update=draft, actor=pm, now=now)
    enqueued.run()


def test_each_contacts_update_carries_a_link_to_their_own_page(
    informed, pm, contacts, now, enqueued, mailoutbox, client
):
    _publish(informed, pm, now, enqueued)

    for message in mailoutbox:
        parts = _parts(message)
        [token] = set(LINK.findall(parts["text/plain"]))
        assert token in parts["text/html"]
        link = ShareLink.objects.get(token_hash=hash_token(token))
        assert link.contact.email == message.to[0]
        assert link.incident == informed
        assert client.get(f"/s/{token}/").status_code == 200
        assert not ShareLink.objects.filter(token_hint=token).exists()  # only a hint is kept
        assert token not in str(list(ShareLink.objects.values_list(flat=False)))


def test_the_same_link_is_reused_by_the_next_email(
    informed, pm, contacts, now, enqueued, mailoutbox
):
    _publish(informed, pm, now, enqueued)
    _publish(informed, pm, now + HOUR, enqueued)

    to_helen = [m for m in mailoutbox if m.to == ["helen@client.example.com"]]
    tokens = {LINK.search(_parts(m)["text/plain"]).group(1) for m in to_helen}
    assert len(to_helen) == 2 and len(tokens) == 1
    assert ShareLink.objects.filter(contact=contacts["en"]).count() == 1


def test_a_revoked_link_gives_way_to_a_new_one_in_the_next_email(
    informed, pm, contacts, now, enqueued, mailoutbox, client
):
    _publish(informed, pm, now, enqueued)
    [first] = ShareLink.objects.filter(contact=contacts["en"])
    link_revoke(link=first, actor=pm)

    _publish(informed, pm, now + HOUR, enqueued)

    last = [m for m in mailoutbox if m.to == ["helen@client.example.com"]][-1]
    token = LINK.search(_parts(last)["text/plain"]).group(1)
    assert hash_token(token) != first.token_hash
    assert client.get(f"/s/{token}/").status_code == 200


def test_a_meeting_invitation_carries_the_contacts_link(
    informed, pm, contacts, now, enqueued, mailoutbox, client
):
    with TestCase.captureOnCommitCallbacks(execute=True):
        communications.meeting_schedule(
            incident=informed,
            actor=pm,
            title_en="Options review",
            starts_at=now + 24 * HOUR,
            duration_minutes=60,
            location="Room 3",
            client_attendees=[contacts["zh"]],
            now=now,
        )
    enqueued.run()

    [message] = mailoutbox
    token = LINK.search(_parts(message)["text/plain"]).group(1)
    assert ShareLink.objects.get(token_hash=hash_token(token)).contact == contacts["zh"]


def test_a_decision_taken_together_is_emailed_in_each_contacts_language(
    informed, pm, contacts, now, enqueued, mailoutbox
):
    extend = alternatives.alternative_propose(
        incident=informed,
        actor=pm,
        title_en="Extend 30 days",
        title_zh_hans="延期 30 天",
        description_en="Later, whole.",
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        alternatives.decision_record(
            incident=informed,
            alternative=extend,
            actor=pm,
            rationale_en="Keeps the whole scope.",
            rationale_zh_hans="保留全部范围。",
            client_agreed=[contacts["zh"]],
            team_agreed=[pm],
            expected_current_decision_id=None,
            now=now,
        )
    enqueued.run()

    sent = {m.to[0]: m for m in mailoutbox}
    english = sent["helen@client.example.com"]
    assert english.subject.endswith("What we decided together: Extend 30 days")
    assert "Keeps the whole scope." in _parts(english)["text/plain"]
    assert "Agreed for you by: 陈静" in _parts(english)["text/plain"]
    assert "保留全部范围。" not in _parts(english)["text/plain"]
    chinese = _parts(sent["chen@client.example.com"])["text/plain"]
    assert "我们共同决定" in sent["chen@client.example.com"].subject
    assert "延期 30 天" in sent["chen@client.example.com"].subject
    assert "保留全部范围。" in chinese
    assert "Keeps the whole scope." not in chinese
    assert LINK.search(chinese)


def test_the_resolution_is_emailed_once_to_the_contacts_who_receive_updates(
    informed, pm, contacts, project, now, enqueued, mailoutbox
):
    ClientContactFactory(project=project, email="quiet@client.example.com", receives_updates=False)

    with TestCase.captureOnCommitCallbacks(execute=True):
        incidents.incident_resolve(incident=informed, actor=pm, now=now)
    enqueued.run()

    assert sorted(m.to[0] for m in mailoutbox) == [
        "chen@client.example.com",
        "helen@client.example.com",
    ]
    english = next(m for m in mailoutbox if m.to == ["helen@client.example.com"])
    assert english.subject.endswith(f"Resolved: {informed.title}")
    assert LINK.search(_parts(english)["text/plain"])
