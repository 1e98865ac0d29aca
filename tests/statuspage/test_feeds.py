"""The Atom feed of the updates and the iCalendar feed of the meetings, under the same secret."""

from datetime import timedelta

import feedparser
import icalendar
import pytest

from apps.communications import services as communications
from tests.factories import ClientContactFactory, informed_incident

from .support import make_link, page_url, publish


@pytest.fixture
def incident(project, pm, now):
    incident = informed_incident(project=project, declared_by=pm, now=now, title="Dispatch delay")
    publish(
        incident,
        body_en="First: the **design** is under review.",
        body_zh_hans="第一条:新**方案**正在评审。",
        now=now + timedelta(hours=2),
    )
    publish(
        incident,
        body_en="Second: the migration has started.",
        body_zh_hans="第二条:迁移已经开始。",
        now=now + timedelta(hours=30),
    )
    communications.update_draft_save(
        incident=incident, actor=pm, body_en="Unpublished draft.", body_zh_hans="", now=now
    )
    return incident


def _feed(client, token, **params):
    response = client.get(page_url(token, "status_feed"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def test_the_feed_parses_and_lists_published_updates_newest_first(client, incident):
    _link, token = make_link(incident)

    feed = _feed(client, token, lang="en")

    assert feed.version == "atom10"
    assert "Dispatch delay" in feed.feed.title
    assert feed.feed.link.endswith(page_url(token))
    assert len(feed.entries) == 2
    newest, oldest = feed.entries
    assert "the migration has started" in newest.summary
    assert "<strong>design</strong>" in oldest.summary
    assert newest.published_parsed > oldest.published_parsed
    assert newest.link.startswith("http://testserver" + page_url(token) + "#update-")
    assert len({entry.id for entry in feed.entries}) == 2
    assert all("Unpublished draft" not in entry.summary for entry in feed.entries)


def test_the_feed_is_in_the_readers_language(client, incident, project):
    contact = ClientContactFactory(project=project, language="zh-hans")
    _link, token = make_link(incident, contact=contact)

    feed = _feed(client, token)

    assert feed.feed.language == "zh-hans"
    summaries = " ".join(entry.summary for entry in feed.entries)
    assert "第二条:迁移已经开始。" in summaries
    assert "<strong>方案</strong>" in summaries
    assert "migration" not in summaries

    english = _feed(client, token, lang="en")
    assert english.feed.language == "en"
    assert "the migration has started" in english.entries[0].summary


def test_a_project_feed_names_each_updates_incident(client, incident, project, pm, now):
    other = informed_incident(project=project, declared_by=pm, now=now, title="Billing bug")
    publish(other, body_en="Billing is fixed.", now=now + timedelta(hours=40))
    _link, token = make_link(project=project)

    feed = _feed(client, token, lang="en")

    assert [entry.title.split(" — ")[-1] for entry in feed.entries] == [
        "Billing bug",
        "Dispatch delay",
        "Dispatch delay",
    ]


def test_the_meetings_calendar_parses(client, incident, pm, project, now):
    contact = ClientContactFactory(project=project, email="cio@client.example.com")
    planned = communications.meeting_schedule(
        incident=incident,
        actor=pm,
        title_en="Plan review",
        starts_at=now + timedelta(days=2),
        duration_minutes=90,
        location="Room 12",
        agenda_en="The two options.",
        client_attendees=[contact],
        now=now,
    )
    cancelled = communications.meeting_schedule(
        incident=incident,
        actor=pm,
        title_en="Kick-off",
        starts_at=now + timedelta(days=1),
        duration_minutes=30,
        location="Room 3",
        now=now,
    )
    communications.meeting_cancel(meeting=cancelled, now=now, actor=cancelled.organizer)
    _link, token = make_link(incident)

    response = client.get(page_url(token, "status_meetings"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["version"]) == "2.0"
    events = {str(event["uid"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {planned.uid, cancelled.uid}
    review = events[planned.uid]
    assert str(review["summary"]) == "Plan review"
    assert str(review["location"]) == "Room 12"
    assert review.decoded("dtstart") == now + timedelta(days=2)
    assert review.decoded("dtend") - review.decoded("dtstart") == timedelta(minutes=90)
    assert str(events[cancelled.uid]["status"]) == "CANCELLED"
    # Who else is invited is not the reader's business.
    assert "attendee" not in review
    assert b"cio@client.example.com" not in response.content
