"""The communication log, status update and meeting pages.

Every form answers bad input with a 400 that names the problem next to the
field and keeps what was typed; nothing a user can send produces a 500.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from apps.communications import services
from apps.communications.models import LogEntry, Meeting, MeetingStatus, StatusUpdate
from apps.incidents.models import IncidentStatus
from apps.incidents.services import incident_change_status
from apps.outbox.models import OutgoingEmail
from apps.projects.models import ProjectRole
from tests.factories import (
    ClientContactFactory,
    IncidentFactory,
    LogEntryFactory,
    MeetingFactory,
    ProjectFactory,
    StatusUpdateFactory,
    close_incident,
    informed_incident,
    member,
)

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


def _in_tz(user, name: str) -> None:
    user.profile.time_zone = name
    user.profile.save()


@pytest.fixture
def contact(project):
    return ClientContactFactory(project=project, name="Chen Jing", email="chen@client.example.com")


@pytest.fixture
def informed(project, pm, now):
    """The client heard from us an hour ago; the next update is due in 47 hours."""
    return informed_incident(project=project, declared_by=pm, now=now - 2 * HOUR)


def _log_data(**overrides):
    data = {
        "channel": "call",
        "occurred_at": "2025-03-10T08:30",
        "summary_en": "Explained the cause and the next steps.",
        "reaction": "",
    }
    return data | overrides


# --- logging a contact --------------------------------------------------------------------


def test_log_form_offers_the_contact_channels_but_not_published_updates(incident, pm, login):
    html = login(pm).get(reverse("log_entry_create", args=[incident.pk])).content.decode()

    assert 'value="meeting"' in html
    assert 'value="note"' in html
    assert 'value="update"' not in html
    assert 'type="datetime-local"' in html


def test_log_form_defaults_to_now_in_the_users_time_zone(incident, pm, login, now):
    _in_tz(pm, "Asia/Shanghai")

    html = login(pm).get(reverse("log_entry_create", args=[incident.pk])).content.decode()

    assert 'value="2025-03-10T17:00"' in html  # 09:00 UTC is 17:00 in Shanghai


def test_pm_logs_a_call_read_in_their_time_zone(incident, pm, contact, login, now):
    _in_tz(pm, "Asia/Shanghai")
    teammate = member(incident.project, ProjectRole.MEMBER, username="wang")

    response = login(pm).post(
        reverse("log_entry_create", args=[incident.pk]),
        _log_data(
            occurred_at="2025-03-10T16:30",
            team_participants=[pm.pk, teammate.pk],
            client_participants=[contact.pk],
            reaction="-1",
            client_visible="on",
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("incident_detail", args=[incident.pk]) + "#timeline"
    entry = LogEntry.objects.get(incident=incident)
    assert entry.occurred_at == datetime(2025, 3, 10, 8, 30, tzinfo=UTC)
    assert entry.channel == "call"
    assert entry.reaction == -1
    assert entry.client_visible is True
    assert entry.recorded_by == pm
    assert set(entry.team_participants.all()) == {pm, teammate}
    assert list(entry.client_participants.all()) == [contact]
    incident.refresh_from_db()
    assert incident.first_contact_at == incident.declared_at  # clamped to the declaration
    assert incident.status == IncidentStatus.CLIENT_INFORMED


def test_an_internal_note_is_logged_but_is_no_first_contact(incident, pm, login):
    response = login(pm).post(
        reverse("log_entry_create", args=[incident.pk]),
        _log_data(channel="note", summary_en="Staffing needs a second architect."),
    )

    assert response.status_code == 302
    assert LogEntry.objects.get(incident=incident).channel == "note"
    incident.refresh_from_db()
    assert incident.first_contact_at is None


def test_team_member_may_log_a_contact(incident, team_member, login):
    response = login(team_member).post(reverse("log_entry_create", args=[incident.pk]), _log_data())

    assert response.status_code == 302
    assert LogEntry.objects.get(incident=incident).recorded_by == team_member


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("occurred_at", "yesterday-ish", "Enter a date and a time, for example 2025-03-10 14:30."),
        (
            "occurred_at",
            "2025-02-30T10:00",
            "Enter a date and a time, for example 2025-03-10 14:30.",
        ),
        ("occurred_at", "0001-01-01T00:00", "Enter a date between the years 2000 and 2100."),
        ("occurred_at", "9999-12-31T23:59", "Enter a date between the years 2000 and 2100."),
        ("occurred_at", "", "This field is required."),
        ("occurred_at", "2025-03-11T09:00", "A contact cannot be logged in the future."),
        ("channel", "update", "Choose how the contact happened."),
        ("channel", "telepathy", "Choose how the contact happened."),
        ("reaction", "7", "Choose a reaction from the list."),
        ("reaction", "very happy", "Choose a reaction from the list."),
        ("summary_en", "   ", "Say what was said, in English or in Chinese."),
        ("team_participants", "999999", "Choose people from this project&#x27;s team."),
        ("team_participants", "abc", "Choose people from this project&#x27;s team."),
        ("team_participants", "9" * 30, "Choose people from this project&#x27;s team."),
        ("client_participants", "999999", "Choose contacts of this project&#x27;s client."),
        ("client_participants", "-1", "Choose contacts of this project&#x27;s client."),
    ],
)
def test_bad_log_input_is_explained_and_nothing_is_logged(
    incident, pm, login, now, field, value, error
):
    data = _log_data(summary_en="Kept: what I typed.") if field != "summary_en" else _log_data()
    data[field] = value

    response = login(pm).post(reverse("log_entry_create", args=[incident.pk]), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    if field != "summary_en":
        assert "Kept: what I typed." in html
    assert not LogEntry.objects.exists()


def test_participants_from_another_project_are_refused(incident, pm, login):
    elsewhere = ProjectFactory()
    outsider = member(elsewhere, ProjectRole.PM)
    their_contact = ClientContactFactory(project=elsewhere)

    response = login(pm).post(
        reverse("log_entry_create", args=[incident.pk]),
        _log_data(team_participants=[outsider.pk], client_participants=[their_contact.pk]),
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert escape("Choose people from this project's team.") in html
    assert escape("Choose contacts of this project's client.") in html
    assert not LogEntry.objects.exists()


def test_a_20000_character_summary_is_refused_and_kept(incident, pm, login):
    summary = "x" * 20_000

    response = login(pm).post(
        reverse("log_entry_create", args=[incident.pk]), _log_data(summary_en=summary)
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Keep it to 10000 characters (it has 20000)" in html
    assert summary in html
    assert not LogEntry.objects.exists()


def test_a_time_skipped_by_daylight_saving_is_refused(incident, pm, login):
    _in_tz(pm, "Europe/Berlin")  # 2025-03-30 02:00 → 03:00 does not exist

    response = login(pm).post(
        reverse("log_entry_create", args=[incident.pk]),
        _log_data(occurred_at="2025-03-30T02:30"),
    )

    assert response.status_code == 400
    assert "Europe/Berlin" in response.content.decode()
    assert not LogEntry.objects.exists()


def test_an_empty_post_is_a_400_not_a_blank_form(incident, pm, login):
    response = login(pm).post(reverse("log_entry_create", args=[incident.pk]), {})

    assert response.status_code == 400
    assert "Say what was said, in English or in Chinese." in response.content.decode()


def test_a_closed_incident_takes_no_more_entries(informed, pm, login, now):
    informed = close_incident(informed, actor=informed.declared_by)

    response = login(pm).post(reverse("log_entry_create", args=[informed.pk]), _log_data())

    assert response.status_code == 400
    assert "The incident is closed: its record is final." in response.content.decode()


def test_log_form_in_chinese_keeps_the_translated_required_message(incident, pm, login):
    response = login(pm, language="zh-hans").post(
        reverse("log_entry_create", args=[incident.pk]), _log_data(occurred_at="")
    )

    assert response.status_code == 400
    assert "这个字段是必填项。" in response.content.decode()


# --- correcting an entry --------------------------------------------------------------------


def test_a_correction_is_a_new_entry_and_the_original_stays(informed, pm, login, now):
    original = LogEntryFactory(
        incident=informed,
        occurred_at=now - HOUR,
        summary_en="Client agreed to 30 days.",
        reaction=1,
    )

    response = login(pm).post(
        reverse("log_entry_correct", args=[informed.pk, original.pk]),
        {"summary_en": "Client agreed to 20 days.", "occurred_at": "", "reaction": ""},
    )

    correction = LogEntry.objects.get(corrects=original)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#entry-{correction.pk}")
    assert correction.summary == "Client agreed to 20 days."
    assert correction.occurred_at == original.occurred_at
    assert correction.reaction == 1
    original.refresh_from_db()
    assert original.summary == "Client agreed to 30 days."


def test_a_correction_can_change_the_time_and_the_reaction(informed, pm, login, now):
    original = LogEntryFactory(incident=informed, occurred_at=now - HOUR, reaction=1)

    login(pm).post(
        reverse("log_entry_correct", args=[informed.pk, original.pk]),
        {"summary_en": "Earlier than noted.", "occurred_at": "2025-03-10T07:15", "reaction": "-2"},
    )

    correction = LogEntry.objects.get(corrects=original)
    assert correction.occurred_at == datetime(2025, 3, 10, 7, 15, tzinfo=UTC)
    assert correction.reaction == -2


def test_correction_form_is_prefilled_and_rejects_bad_input(informed, pm, login, now):
    original = LogEntryFactory(incident=informed, summary_en="What was really said.")
    url = reverse("log_entry_correct", args=[informed.pk, original.pk])
    client = login(pm)

    assert "What was really said." in client.get(url).content.decode()
    response = client.post(url, {"summary_en": "", "occurred_at": "garbage", "reaction": "5"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Write the corrected summary." in html
    assert "Enter a date and a time" in html
    assert "Choose a reaction from the list." in html
    assert not LogEntry.objects.filter(corrects=original).exists()


def test_an_entry_of_another_incident_cannot_be_corrected_here(informed, pm, login, now):
    other = LogEntryFactory(incident=IncidentFactory(project=informed.project, now=now))
    stray = LogEntryFactory()

    client = login(pm)
    for entry in (stray, other):
        url = reverse("log_entry_correct", args=[informed.pk, entry.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"summary_en": "Hijack"}).status_code == 404
    assert client.get(reverse("log_entry_correct", args=[informed.pk, 10**12])).status_code == 404
    assert not LogEntry.objects.filter(summary_en="Hijack").exists()


# --- the timeline on the incident page ------------------------------------------------------


def test_timeline_shows_entries_newest_first_in_the_viewers_time_zone(
    informed, pm, contact, login, now
):
    _in_tz(pm, "Asia/Shanghai")
    LogEntryFactory(
        incident=informed,
        channel="email",
        occurred_at=datetime(2025, 3, 9, 20, 0, tzinfo=UTC),
        summary_en="Sent the written apology.",
    )
    LogEntryFactory(
        incident=informed,
        channel="meeting",
        occurred_at=datetime(2025, 3, 10, 8, 0, tzinfo=UTC),
        summary_en="Walked through the options.",
        reaction=-2,
        client_visible=True,
        team_participants=[pm],
        client_participants=[contact],
    )

    html = login(pm).get(reverse("incident_detail", args=[informed.pk])).content.decode()

    assert html.index("Walked through the options.") < html.index("Sent the written apology.")
    assert "10 Mar 2025, 16:00" in html  # 08:00 UTC in Shanghai
    assert "10 Mar 2025, 04:00" in html  # 20:00 UTC the day before
    assert "Times in Asia/Shanghai" in html
    assert "Very negative" in html
    assert "client-visible" in html
    assert "Chen Jing" in html
    assert pm.get_full_name() in html


def test_corrected_and_correcting_entries_point_at_each_other(informed, pm, login, now):
    original = LogEntryFactory(
        incident=informed, occurred_at=datetime(2025, 3, 10, 7, 0, tzinfo=UTC)
    )
    correction = services.log_correct(entry=original, actor=pm, summary_en="Fixed.")

    html = login(pm).get(reverse("incident_detail", args=[informed.pk])).content.decode()

    assert f'href="#entry-{correction.pk}"' in html
    assert f'href="#entry-{original.pk}"' in html
    assert "corrected" in html
    assert "Corrects" in html and "the entry of 10 Mar 2025, 07:00" in html


def test_published_updates_are_rendered_as_safe_markdown_in_the_timeline(informed, pm, login, now):
    update = StatusUpdateFactory(
        incident=informed,
        body_en="The **new design** works. <script>alert(1)</script>",
        body_zh_hans="",
    )
    services.update_publish(update=update, actor=pm)

    html = login(pm).get(reverse("incident_detail", args=[informed.pk])).content.decode()

    assert "<strong>new design</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert "Published update" in html


def _entries(incident, count, now, contacts, users):
    for n in range(count):
        entry = LogEntryFactory(
            incident=incident,
            occurred_at=now - timedelta(minutes=n + 1),
            team_participants=users,
            client_participants=contacts,
            reaction=(n % 5) - 2,
        )
        if n % 3 == 0:
            services.log_correct(entry=entry, actor=users[0], summary_en=f"Fix {n}")
        if n % 4 == 0:
            update = StatusUpdateFactory(incident=incident)
            services.update_publish(update=update, actor=users[0])


def test_incident_page_queries_do_not_grow_with_the_log(informed, pm, contact, login, now):
    users = [pm, member(informed.project, ProjectRole.MEMBER)]
    contacts = [contact, ClientContactFactory(project=informed.project)]
    MeetingFactory(incident=informed, team_attendees=users, client_attendees=contacts)
    client = login(pm)
    url = reverse("incident_detail", args=[informed.pk])

    _entries(informed, 1, now, contacts, users)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200

    _entries(informed, 29, now - HOUR, contacts, users)
    with CaptureQueriesContext(connection) as thirty:
        html = client.get(url).content.decode()

    assert LogEntry.objects.filter(incident=informed).count() > 30
    assert html.count('class="timeline-entry') == LogEntry.objects.filter(incident=informed).count()
    assert len(thirty.captured_queries) == len(one.captured_queries)


# --- status updates ----------------------------------------------------------------------------


def test_pm_saves_a_draft_in_chinese_only(informed, pm, login):
    response = login(pm).post(
        reverse("update_create", args=[informed.pk]),
        {"body_en": "", "body_zh_hans": "新方案**已通过**评审。"},
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#drafts")
    update = StatusUpdate.objects.get(incident=informed)
    assert update.status == "draft"
    assert update.body_zh_hans == "新方案**已通过**评审。"
    page = login(pm).get(reverse("incident_detail", args=[informed.pk])).content.decode()
    assert "新方案<strong>已通过</strong>评审。" in page


def test_a_draft_needs_text_in_at_least_one_language(informed, pm, login):
    response = login(pm).post(
        reverse("update_create", args=[informed.pk]), {"body_en": "  ", "body_zh_hans": ""}
    )

    assert response.status_code == 400
    assert "Write the update in English, in Chinese, or in both." in response.content.decode()
    assert not StatusUpdate.objects.exists()


def test_an_overlong_update_is_refused_and_kept(informed, pm, login):
    body = "y" * 20_001

    response = login(pm).post(
        reverse("update_create", args=[informed.pk]), {"body_en": body, "body_zh_hans": "短"}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Keep it to 20000 characters" in html
    assert body in html
    assert "短" in html


def test_pm_edits_a_draft(informed, pm, login):
    update = StatusUpdateFactory(incident=informed, body_en="Old.")
    url = reverse("update_edit", args=[informed.pk, update.pk])
    client = login(pm)

    assert "Old." in client.get(url).content.decode()
    response = client.post(url, {"body_en": "New.", "body_zh_hans": ""})

    assert response.status_code == 302
    update.refresh_from_db()
    assert (update.body_en, update.body_zh_hans) == ("New.", "")


def test_a_published_update_cannot_be_edited(informed, pm, login):
    update = services.update_publish(
        update=StatusUpdateFactory(incident=informed, body_en="As sent."), actor=pm
    )

    response = login(pm).post(
        reverse("update_edit", args=[informed.pk, update.pk]), {"body_en": "Rewritten history."}
    )

    assert response.status_code == 400
    assert "A published update cannot be changed." in response.content.decode()
    update.refresh_from_db()
    assert update.body_en == "As sent."


def test_discard_asks_first_then_deletes_the_draft(informed, pm, login):
    update = StatusUpdateFactory(incident=informed)
    url = reverse("update_discard", args=[informed.pk, update.pk])
    client = login(pm)

    assert client.get(url).status_code == 200
    assert StatusUpdate.objects.filter(pk=update.pk).exists()
    response = client.post(url)

    assert response.status_code == 302
    assert not StatusUpdate.objects.filter(pk=update.pk).exists()


def test_a_published_update_cannot_be_discarded(informed, pm, login):
    update = services.update_publish(update=StatusUpdateFactory(incident=informed), actor=pm)

    response = login(pm).post(reverse("update_discard", args=[informed.pk, update.pk]))

    assert response.status_code == 400
    assert "A published update cannot be deleted." in response.content.decode()
    assert StatusUpdate.objects.filter(pk=update.pk).exists()


def test_publish_shows_what_will_happen_then_publishes(informed, pm, contact, login, now):
    _in_tz(pm, "Asia/Shanghai")
    update = StatusUpdateFactory(incident=informed)
    url = reverse("update_publish", args=[informed.pk, update.pk])
    client = login(pm)

    confirm = client.get(url).content.decode()
    assert "chen@client.example.com" in confirm
    assert "<strong>new design</strong>" in confirm
    update.refresh_from_db()
    assert update.status == "draft"

    response = client.post(url, follow=True)

    update.refresh_from_db()
    assert update.status == "published"
    assert update.published_by == pm
    informed.refresh_from_db()
    assert informed.next_update_due_at == now + informed.update_cadence
    # 09:00 UTC + 48 h, shown in Shanghai
    assert "Published; the next update is due by 12 Mar 2025, 17:00" in (response.content.decode())
    assert OutgoingEmail.objects.filter(to="chen@client.example.com").exists()


def test_publishing_twice_is_refused(informed, pm, login):
    update = StatusUpdateFactory(incident=informed)
    url = reverse("update_publish", args=[informed.pk, update.pk])
    client = login(pm)
    client.post(url)

    response = client.post(url)

    assert response.status_code == 400
    assert "This update was already published." in response.content.decode()
    assert LogEntry.objects.filter(status_update=update).count() == 1


def test_update_of_another_incident_is_404(informed, pm, login, now):
    stray = StatusUpdateFactory()
    client = login(pm)

    for name in ("update_edit", "update_discard", "update_publish"):
        url = reverse(name, args=[informed.pk, stray.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"body_en": "x"}).status_code == 404
    stray.refresh_from_db()
    assert stray.status == "draft"


# --- meetings ------------------------------------------------------------------------------


def _meeting_data(**overrides):
    data = {
        "title_en": "Options review",
        "starts_at": "2025-03-11T10:00",
        "duration_minutes": "90",
        "location": "https://meet.example.com/abc",
        "agenda_en": "The three alternatives.",
        # In English only, for contacts who read Chinese (see test_reader_languages.py).
        "send_anyway": "on",
    }
    return data | overrides


def test_pm_schedules_a_meeting_in_their_time_zone(informed, pm, contact, login, now):
    _in_tz(pm, "Asia/Shanghai")

    response = login(pm).post(
        reverse("meeting_create", args=[informed.pk]),
        _meeting_data(team_attendees=[pm.pk], client_attendees=[contact.pk]),
    )

    meeting = Meeting.objects.get(incident=informed)
    assert response.status_code == 302
    assert response["Location"] == reverse("meeting_detail", args=[informed.pk, meeting.pk])
    assert meeting.starts_at == datetime(2025, 3, 11, 2, 0, tzinfo=UTC)
    assert meeting.duration_minutes == 90
    assert meeting.organizer == pm
    assert list(meeting.client_attendees.all()) == [contact]
    assert OutgoingEmail.objects.filter(to=contact.email, ics_method="REQUEST").exists()


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("starts_at", "tomorrow", "Enter a date and a time"),
        ("starts_at", "2025-03-09T10:00", "Schedule the meeting in the future."),
        ("duration_minutes", "0", "A meeting lasts between 5 minutes and 8 hours."),
        ("duration_minutes", "100000", "A meeting lasts between 5 minutes and 8 hours."),
        ("duration_minutes", "an hour", "Enter the duration in whole minutes."),
        ("title_en", "   ", "Give the meeting a title, in English or in Chinese."),
        ("location", "x" * 501, "Ensure this value has at most 500 characters"),
        ("team_attendees", "424242", "Choose people from this project&#x27;s team."),
        ("client_attendees", "424242", "Choose contacts of this project&#x27;s client."),
        ("agenda_en", "z" * 20_000, "Keep it to 10000 characters"),
    ],
)
def test_bad_meeting_input_is_explained(informed, pm, login, now, field, value, error):
    data = _meeting_data(title_en="Kept title") if field != "title_en" else _meeting_data()
    data[field] = value

    response = login(pm).post(reverse("meeting_create", args=[informed.pk]), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    if field != "title_en":
        assert "Kept title" in html
    assert not Meeting.objects.exists()


def test_reschedule_is_prefilled_and_moves_the_meeting(informed, pm, contact, login, now):
    _in_tz(pm, "Asia/Shanghai")
    meeting = MeetingFactory(
        incident=informed,
        starts_at=datetime(2025, 3, 11, 2, 0, tzinfo=UTC),
        client_attendees=[contact],
    )
    url = reverse("meeting_edit", args=[informed.pk, meeting.pk])
    client = login(pm)

    form = client.get(url).content.decode()
    assert 'value="2025-03-11T10:00"' in form
    assert meeting.title in form

    response = client.post(
        url, _meeting_data(starts_at="2025-03-12T15:00", client_attendees=[contact.pk])
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.starts_at == datetime(2025, 3, 12, 7, 0, tzinfo=UTC)
    assert meeting.sequence == 1
    assert meeting.title == "Options review"


def test_cancel_asks_first_and_cannot_happen_twice(informed, pm, login):
    meeting = MeetingFactory(incident=informed)
    url = reverse("meeting_cancel", args=[informed.pk, meeting.pk])
    client = login(pm)

    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED

    again = client.post(url)
    assert again.status_code == 400
    assert "Only a scheduled meeting can be cancelled." in again.content.decode()


def test_a_cancelled_meeting_cannot_be_rescheduled(informed, pm, login):
    meeting = MeetingFactory(incident=informed, status=MeetingStatus.CANCELLED)

    response = login(pm).post(
        reverse("meeting_edit", args=[informed.pk, meeting.pk]), _meeting_data()
    )

    assert response.status_code == 400
    assert "Only a scheduled meeting can be changed." in response.content.decode()


def test_team_member_records_the_outcome_once_the_meeting_started(
    informed, pm, team_member, contact, login, now
):
    meeting = MeetingFactory(incident=informed, starts_at=now - HOUR, client_attendees=[contact])

    response = login(team_member).post(
        reverse("meeting_outcome", args=[informed.pk, meeting.pk]),
        {"notes": "Client chose option B.", "decisions": "Extend by 20 days.", "reaction": "1"},
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    entry = LogEntry.objects.get(meeting=meeting)
    assert entry.reaction == 1
    assert entry.recorded_by == team_member
    page = login(team_member).get(reverse("meeting_detail", args=[informed.pk, meeting.pk]))
    html = page.content.decode()
    assert "Client chose option B." in html
    assert "Extend by 20 days." in html
    assert "Positive" in html


def test_outcome_of_a_future_meeting_is_refused(informed, pm, login, now):
    meeting = MeetingFactory(incident=informed, starts_at=now + HOUR)

    response = login(pm).post(
        reverse("meeting_outcome", args=[informed.pk, meeting.pk]),
        {"notes": "Premature.", "reaction": ""},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "The meeting has not started yet." in html
    assert "Premature." in html


def test_outcome_needs_notes(informed, pm, login, now):
    meeting = MeetingFactory(incident=informed, starts_at=now - HOUR)

    response = login(pm).post(
        reverse("meeting_outcome", args=[informed.pk, meeting.pk]),
        {"notes": "", "decisions": "Something", "reaction": "x"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Write down what was discussed." in html
    assert "Choose a reaction from the list." in html


def test_meeting_page_shows_details_attendees_and_calendar_link(
    informed, pm, viewer, contact, login, now
):
    meeting = MeetingFactory(incident=informed, team_attendees=[pm], client_attendees=[contact])

    html = login(viewer).get(reverse("meeting_detail", args=[informed.pk, meeting.pk]))
    html = html.content.decode()

    assert meeting.title in html
    assert "Chen Jing" in html
    assert pm.get_full_name() in html
    assert "Scheduled" in html
    assert reverse("meeting_ics", args=[informed.pk, meeting.pk]) in html
    assert reverse("meeting_edit", args=[informed.pk, meeting.pk]) not in html  # viewer


def test_meeting_ics_is_a_calendar_download(informed, pm, contact, login):
    meeting = MeetingFactory(incident=informed, client_attendees=[contact])

    response = login(pm).get(reverse("meeting_ics", args=[informed.pk, meeting.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode()
    assert "BEGIN:VCALENDAR" in body
    assert f"UID:{meeting.uid}" in body
    assert "chen@client.example.com" in body


def test_upcoming_meetings_are_listed_on_the_incident_page(informed, pm, login, now):
    upcoming = MeetingFactory(incident=informed, title_en="Next week's review")
    MeetingFactory(incident=informed, title_en="Called off", status=MeetingStatus.CANCELLED)

    html = login(pm).get(reverse("incident_detail", args=[informed.pk])).content.decode()

    assert reverse("meeting_detail", args=[informed.pk, upcoming.pk]) in html
    assert html.index("Next week&#x27;s review") < html.index("Called off")


def test_meeting_of_another_incident_is_404(informed, pm, login, now):
    stray = MeetingFactory()
    client = login(pm)

    for name in (
        "meeting_detail",
        "meeting_edit",
        "meeting_cancel",
        "meeting_outcome",
        "meeting_ics",
    ):
        assert client.get(reverse(name, args=[informed.pk, stray.pk])).status_code == 404
    assert client.post(reverse("meeting_cancel", args=[informed.pk, stray.pk])).status_code == 404
    stray.refresh_from_db()
    assert stray.status == MeetingStatus.SCHEDULED


# --- who may do what --------------------------------------------------------------------------

#: URL name → (roles that may use it, methods, kind of sub-object it needs)
URLS = {
    "log_entry_create": ("contributor", ("GET", "POST"), None),
    "log_entry_correct": ("contributor", ("GET", "POST"), "entry"),
    "update_create": ("pm", ("GET", "POST"), None),
    "update_edit": ("pm", ("GET", "POST"), "update"),
    "update_discard": ("pm", ("GET", "POST"), "update"),
    "update_publish": ("pm", ("GET", "POST"), "update"),
    "meeting_create": ("pm", ("GET", "POST"), None),
    "meeting_detail": ("reader", ("GET",), "meeting"),
    "meeting_edit": ("pm", ("GET", "POST"), "meeting"),
    "meeting_cancel": ("pm", ("GET", "POST"), "meeting"),
    "meeting_outcome": ("contributor", ("GET", "POST"), "past_meeting"),
    "meeting_ics": ("reader", ("GET",), "meeting"),
}


@pytest.fixture
def world(informed, now):
    objects = {
        "entry": LogEntryFactory(incident=informed),
        "update": StatusUpdateFactory(incident=informed),
        "meeting": MeetingFactory(incident=informed),
        "past_meeting": MeetingFactory(incident=informed, starts_at=now - HOUR),
    }

    def url(name, *, incident_pk=None, object_pk=None):
        kind = URLS[name][2]
        args = [incident_pk or informed.pk]
        if kind:
            args.append(object_pk or objects[kind].pk)
        return reverse(name, args=args)

    return url


def _snapshot():
    return (
        list(LogEntry.objects.values_list("pk", "summary_en")),
        list(StatusUpdate.objects.values_list("pk", "status", "body_en")),
        list(Meeting.objects.values_list("pk", "status", "starts_at", "notes")),
    )


@pytest.mark.parametrize("name", URLS)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_strangers_get_404_like_for_an_incident_that_does_not_exist(
    world, stranger, login, name, method
):
    client = login(stranger)
    before = _snapshot()

    real = getattr(client, method.lower())(world(name))
    ghost = getattr(client, method.lower())(world(name, incident_pk=10**9))

    assert real.status_code == ghost.status_code == 404
    assert _snapshot() == before


@pytest.mark.parametrize("name", URLS)
def test_viewers_read_but_get_403_on_every_write(world, viewer, login, name):
    client = login(viewer)
    roles, methods, _kind = URLS[name]
    before = _snapshot()

    for method in methods:
        response = getattr(client, method.lower())(world(name))
        assert response.status_code == (200 if roles == "reader" else 403), method
    assert _snapshot() == before


@pytest.mark.parametrize("name", URLS)
def test_team_members_log_and_record_outcomes_but_do_not_publish_or_schedule(
    world, team_member, login, name
):
    client = login(team_member)
    roles = URLS[name][0]

    response = client.get(world(name))

    assert response.status_code == (403 if roles == "pm" else 200)


@pytest.mark.parametrize("name", URLS)
def test_pm_and_pmo_staff_may_open_every_page(world, pm, pmo, login, name):
    for user in (pm, pmo):
        assert login(user).get(world(name)).status_code == 200


@pytest.mark.parametrize("name", URLS)
def test_anonymous_visitors_are_sent_to_log_in(world, client, name):
    response = client.get(world(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_read_only_roles_are_offered_no_write_controls(world, informed, viewer, login):
    LogEntryFactory(incident=informed)
    html = login(viewer).get(reverse("incident_detail", args=[informed.pk])).content.decode()

    for name in ("log_entry_create", "update_create", "meeting_create", "update_publish"):
        assert world(name) not in html
    assert "Correct this entry" not in html
    assert reverse("incident_snooze", args=[informed.pk]) not in html


def test_team_members_are_offered_the_log_but_not_the_updates(world, informed, team_member, login):
    html = login(team_member).get(reverse("incident_detail", args=[informed.pk])).content.decode()

    assert world("log_entry_create") in html
    assert "Correct this entry" in html
    assert world("update_create") not in html
    assert world("meeting_create") not in html


@pytest.mark.parametrize("name", URLS)
def test_ids_too_large_for_the_database_are_a_404(world, pm, login, name):
    client = login(pm)
    huge = 10**30

    assert client.get(world(name, incident_pk=huge)).status_code == 404
    if URLS[name][2]:
        assert client.get(world(name, object_pk=huge)).status_code == 404
        assert client.post(world(name, object_pk=huge)).status_code == 404


def test_time_inputs_name_the_time_zone_they_are_read_in(incident, pm, login):
    _in_tz(pm, "Asia/Shanghai")

    html = login(pm).get(reverse("log_entry_create", args=[incident.pk])).content.decode()

    assert "In your time zone (Asia/Shanghai)." in html


def test_the_incident_page_says_whether_the_first_contact_window_was_met(incident, pm, login, now):
    url = reverse("incident_detail", args=[incident.pk])
    client = login(pm)
    assert reverse("log_entry_create", args=[incident.pk]) in client.get(url).content.decode()

    services.log_contact(
        incident=incident,
        actor=pm,
        channel="call",
        occurred_at=now,
        summary_en="Told the client.",
        now=now + timedelta(hours=30),
    )

    html = client.get(url).content.decode()
    assert "First contact: 10 Mar 2025, 09:00" in html
    assert "within the window" in html


def test_a_late_first_contact_is_marked_late_even_after_resolution(incident, pm, login, now):
    late = now + timedelta(hours=25)
    services.log_contact(
        incident=incident,
        actor=pm,
        channel="call",
        occurred_at=late,
        summary_en="Finally called.",
        now=late,
    )
    incident_change_status(
        incident=incident, status=IncidentStatus.RESOLVED, now=late, actor=incident.declared_by
    )

    html = login(pm).get(reverse("incident_detail", args=[incident.pk])).content.decode()

    assert "First contact: 11 Mar 2025, 10:00" in html
    assert '<span class="badge text-bg-danger">late</span>' in html
    assert "(due 11 Mar 2025, 09:00)" in html
