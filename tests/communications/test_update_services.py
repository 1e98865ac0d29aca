"""Status updates: drafts, publishing, the update clock, and the e-mails to the client."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase

from apps.communications.models import LogChannel, LogEntry, StatusUpdate, UpdateStatus
from apps.communications.services import (
    update_draft_discard,
    update_draft_save,
    update_publish,
)
from apps.core.markdown import render_markdown
from apps.incidents.models import Incident, IncidentStatus
from apps.incidents.services import incident_change_status
from apps.outbox.models import OutgoingEmail
from tests.factories import ClientContactFactory, close_incident, informed_incident

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enqueued")]

HOUR = timedelta(hours=1)


def _draft(incident, author, *, at, en="We found the cause.", zh=""):
    return update_draft_save(incident=incident, actor=author, body_en=en, body_zh_hans=zh, now=at)


def _publish(update, user, *, at):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return update_publish(update=update, actor=user, now=at)


def _fresh(incident) -> Incident:
    return Incident.objects.get(pk=incident.pk)


# --- publishing ------------------------------------------------------------------------------


def test_publishing_writes_the_log_entry_and_resets_the_update_clock(incident, pm, now):
    at = now + 3 * HOUR

    update = _publish(_draft(incident, pm, at=now), pm, at=at)

    assert update.status == UpdateStatus.PUBLISHED
    assert update.published_at == at
    assert update.published_by == pm
    entry = LogEntry.objects.get(incident=incident)
    assert entry.channel == LogChannel.UPDATE
    assert entry.status_update == update
    assert entry.client_visible is True
    assert entry.occurred_at == at
    assert entry.summary == "We found the cause."
    incident = _fresh(incident)
    assert incident.last_update_at == at
    assert incident.next_update_due_at == at + incident.update_cadence


def test_the_first_update_counts_as_the_first_contact(incident, pm, now):
    at = now + 3 * HOUR

    update = _publish(_draft(incident, pm, at=now), pm, at=at)

    incident = _fresh(incident)
    assert incident.first_contact_at == at
    assert incident.status == IncidentStatus.CLIENT_INFORMED
    assert incident.first_contact_met is True
    # It answered the first-contact deadline.
    assert update.was_due_at == incident.first_contact_due_at
    assert update.was_on_time is True


def test_a_later_update_records_the_deadline_it_answered(project, pm, now):
    incident = informed_incident(now=now, project=project, declared_by=pm)
    promised = incident.next_update_due_at
    late = promised + 2 * HOUR

    update = _publish(_draft(incident, pm, at=now), pm, at=late)

    assert update.was_due_at == promised
    assert update.was_on_time is False
    assert _fresh(incident).first_contact_at == now + HOUR  # unchanged
    assert _fresh(incident).next_update_due_at == late + incident.update_cadence


def test_each_update_moves_the_clock_from_its_own_publication(incident, pm, now):
    first = _publish(_draft(incident, pm, at=now), pm, at=now + HOUR)
    second = _publish(_draft(incident, pm, at=now, en="Plan agreed."), pm, at=now + 10 * HOUR)

    incident = _fresh(incident)
    assert second.was_due_at == first.published_at + incident.update_cadence
    assert incident.next_update_due_at == now + 10 * HOUR + incident.update_cadence


def test_an_update_on_a_resolved_incident_sets_no_new_deadline(project, pm, now):
    incident = informed_incident(now=now, project=project, declared_by=pm)
    incident = incident_change_status(
        incident=incident,
        status=IncidentStatus.RESOLVED,
        now=now + HOUR,
        actor=incident.declared_by,
    )

    _publish(_draft(incident, pm, at=now), pm, at=now + 2 * HOUR)

    incident = _fresh(incident)
    assert incident.next_update_due_at is None
    assert incident.last_update_at == now + 2 * HOUR


def test_publishing_twice_is_refused(incident, pm, now):
    update = _publish(_draft(incident, pm, at=now), pm, at=now + HOUR)

    with pytest.raises(ValidationError) as exc:
        _publish(update, pm, at=now + 2 * HOUR)

    assert exc.value.code == "published"
    assert LogEntry.objects.count() == 1
    assert _fresh(incident).last_update_at == now + HOUR


def test_publishing_on_a_closed_incident_is_refused(project, pm, now):
    incident = informed_incident(now=now, project=project, declared_by=pm)
    draft = _draft(incident, pm, at=now + HOUR)
    incident = close_incident(incident, now=now + HOUR, actor=incident.declared_by)

    with pytest.raises(ValidationError) as exc:
        _publish(draft, pm, at=now + 2 * HOUR)

    assert exc.value.code == "closed"


# --- drafts ------------------------------------------------------------------------------------


def test_a_draft_can_be_edited_and_discarded(incident, pm, now):
    draft = _draft(incident, pm, at=now)

    edited = update_draft_save(
        incident=incident, actor=pm, body_en=" Better. ", body_zh_hans=" 更好。 ", update=draft
    )
    assert (edited.pk, edited.body_en, edited.body_zh_hans) == (draft.pk, "Better.", "更好。")
    assert edited.status == UpdateStatus.DRAFT
    assert edited.created_at == now

    update_draft_discard(update=edited, actor=edited.author)
    assert not StatusUpdate.objects.exists()


def test_a_published_update_can_be_neither_edited_nor_deleted(incident, pm, now):
    update = _publish(_draft(incident, pm, at=now), pm, at=now + HOUR)

    with pytest.raises(ValidationError) as edit:
        update_draft_save(
            incident=incident, actor=pm, body_en="Rewritten.", body_zh_hans="", update=update
        )
    with pytest.raises(ValidationError) as delete:
        update_draft_discard(update=update, actor=update.author)

    assert edit.value.code == delete.value.code == "published"
    assert StatusUpdate.objects.get().body_en == "We found the cause."


def test_a_draft_needs_text_in_at_least_one_language(incident, pm, now):
    with pytest.raises(ValidationError):
        _draft(incident, pm, at=now, en="  ", zh="\n")

    assert _draft(incident, pm, at=now, en="", zh="只有中文。").body_zh_hans == "只有中文。"


# --- e-mails to the client -----------------------------------------------------------------------


def test_each_contact_who_receives_updates_gets_one_email_after_commit(
    incident, project, pm, now, enqueued
):
    cio = ClientContactFactory(project=project, language="en")
    cfo = ClientContactFactory(project=project, language="zh-hans")
    ClientContactFactory(project=project, receives_updates=False)
    ClientContactFactory()  # another project's contact

    update = _publish(_draft(incident, pm, at=now), pm, at=now + HOUR)

    emails = OutgoingEmail.objects.order_by("to")
    assert sorted(e.to for e in emails) == sorted([cio.email, cfo.email])
    assert {e.dedupe_key for e in emails} == {
        f"update:{update.pk}:contact:{cio.pk}",
        f"update:{update.pk}:contact:{cfo.pk}",
    }
    assert sorted(enqueued.args_of("send_email")) == sorted((e.pk,) for e in emails)


def test_no_email_leaves_before_the_update_is_committed(
    incident, project, pm, now, enqueued, django_capture_on_commit_callbacks
):
    ClientContactFactory(project=project)

    with django_capture_on_commit_callbacks() as callbacks:
        update_publish(update=_draft(incident, pm, at=now), actor=pm, now=now + HOUR)
    assert enqueued.messages == []

    for callback in callbacks:
        callback()
    assert len(enqueued.args_of("send_email")) == 1


def test_each_contact_reads_the_update_in_their_language(incident, project, pm, now):
    ClientContactFactory(project=project, email="en@client.example.com", language="en")
    ClientContactFactory(project=project, email="zh@client.example.com", language="zh-hans")

    _publish(_draft(incident, pm, at=now, en="The cause.", zh="原因。"), pm, at=now + HOUR)

    email = {e.to: e for e in OutgoingEmail.objects.all()}
    assert "The cause." in email["en@client.example.com"].body_text
    assert "原因。" not in email["en@client.example.com"].body_text
    assert "原因。" in email["zh@client.example.com"].body_text
    assert "The cause." not in email["zh@client.example.com"].body_text
    assert "<p>原因。</p>" in email["zh@client.example.com"].body_html


def test_a_contact_gets_the_other_language_when_theirs_was_not_written(incident, project, pm, now):
    ClientContactFactory(project=project, email="zh@client.example.com", language="zh-hans")
    ClientContactFactory(project=project, email="en@client.example.com", language="en")

    _publish(_draft(incident, pm, at=now, en="Only English."), pm, at=now + HOUR)

    for email in OutgoingEmail.objects.all():
        assert "Only English." in email.body_text


def test_body_for_falls_back_to_the_other_language(incident, pm, now):
    english_only = _draft(incident, pm, at=now, en="Only English.")
    chinese_only = _draft(incident, pm, at=now, en="", zh="只有中文。")

    assert english_only.body_for("zh-hans") == "Only English."
    assert chinese_only.body_for("en") == "只有中文。"
    assert chinese_only.body_for("zh-hans") == "只有中文。"


def test_the_email_states_the_next_deadline(incident, project, pm, now):
    ClientContactFactory(project=project, language="en", time_zone="UTC")

    _publish(_draft(incident, pm, at=now), pm, at=now + HOUR)

    # Published 10:00 UTC on 10 March; a high-severity incident owes an update every 48 h.
    assert "Our next update will reach you by 12 Mar 2025, 10:00" in (
        OutgoingEmail.objects.get().body_text
    )


# --- markdown is rendered safely ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markdown", "forbidden"),
    [
        ('<script>alert("pwned")</script>', "<script"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ("[click me](javascript:alert(1))", "javascript:"),
        ('<a href="javascript:alert(1)">click</a>', "javascript:"),
        ('<p style="color:red" onclick="alert(1)">x</p>', "onclick"),
        ('<iframe src="https://evil.example"></iframe>', "<iframe"),
    ],
)
def test_markdown_rendering_strips_scripts_handlers_and_javascript_links(markdown, forbidden):
    html = render_markdown(markdown)

    assert forbidden not in html.lower()


def test_markdown_keeps_ordinary_formatting_and_safe_links():
    html = render_markdown("**Late** by [30 days](https://example.com/plan)\n\n- one\n- two")

    assert "<strong>Late</strong>" in html
    assert 'href="https://example.com/plan"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
    assert "<li>one</li>" in html


def test_an_update_with_a_script_reaches_the_client_without_it(incident, project, pm, now):
    ClientContactFactory(project=project, language="en")
    body = 'Status: **late**.\n\n<script>alert("pwned")</script>\n\n[plan](javascript:alert(1))'

    _publish(_draft(incident, pm, at=now, en=body), pm, at=now + HOUR)

    html = OutgoingEmail.objects.get().body_html
    assert "<strong>late</strong>" in html
    assert "<script" not in html
    assert "javascript:" not in html
