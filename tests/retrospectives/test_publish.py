"""Publishing the client report: once, to every contact who receives updates, in their language."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from apps.events.models import Event
from apps.incidents.models import Incident
from apps.outbox.models import OutgoingEmail
from apps.retrospectives.services import retrospective_publish

from .report_support import (  # noqa: F401 (the fixtures)
    _report_contacts,
    _report_enqueued,
    _report_retrospective,
    han,
    markers_in,
)


def _report_emails():
    return OutgoingEmail.objects.filter(dedupe_key__startswith="retrospective:").order_by("to")


def test_publishing_twice_sends_once_and_records_one_event(
    report_retrospective, pm, report_contacts
):
    retrospective_publish(retrospective=report_retrospective, actor=pm)
    retrospective_publish(retrospective=report_retrospective, actor=pm)

    emails = list(_report_emails())
    assert sorted(email.to for email in emails) == sorted(
        [report_contacts["zh"].email, report_contacts["en"].email]
    )
    assert {email.dedupe_key for email in emails} == {
        f"retrospective:{report_retrospective.pk}:contact:{report_contacts['zh'].pk}",
        f"retrospective:{report_retrospective.pk}:contact:{report_contacts['en'].pk}",
    }
    events = Event.objects.filter(verb="retrospective.published")
    assert events.count() == 1
    assert events.get().data["emailed"] == 2
    report_retrospective.refresh_from_db()
    assert report_retrospective.published_by == pm


def test_each_contact_reads_the_report_in_their_language(report_retrospective, pm, report_contacts):
    retrospective_publish(retrospective=report_retrospective, actor=pm)

    chinese = _report_emails().get(to=report_contacts["zh"].email)
    english = _report_emails().get(to=report_contacts["en"].email)
    assert "调度引擎在高峰期超载" in chinese.body_text
    assert "调度引擎在高峰期超载" in chinese.body_html
    assert "复盘" in chinese.subject or "调度延误" in chinese.subject
    assert "The dispatch engine was overloaded" in english.body_text
    assert "The dispatch engine was overloaded" in english.body_html
    assert not han(english.body_text)
    # Each with their own status-page link, and dated in their own time zone.
    assert "/s/" in chinese.body_text and "/s/" in english.body_text
    assert chinese.body_text.split("/s/")[1][:20] != english.body_text.split("/s/")[1][:20]
    assert "Asia/Shanghai" in chinese.body_text
    assert "Europe/Berlin" in english.body_text


def test_no_internal_text_reaches_the_emails(report_retrospective, pm):
    retrospective_publish(retrospective=report_retrospective, actor=pm)

    for email in _report_emails():
        for part in (email.subject, email.body_text, email.body_html):
            assert markers_in(part) == []
        assert "Full-scale load tests" in email.body_text or "全量负载测试" in email.body_text


def test_gaps_refuse_publishing_with_a_clear_message(report_retrospective, pm):
    report_retrospective.report_why_zh_hans = ""
    report_retrospective.save()

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        retrospective_publish(retrospective=report_retrospective, actor=pm)

    assert any("Missing in Chinese" in message for message in refused.value.messages)
    assert not _report_emails().exists()
    report_retrospective.refresh_from_db()
    assert not report_retrospective.is_published
    assert not Event.objects.filter(verb="retrospective.published").exists()


def test_publishing_moves_the_status_page_on(report_retrospective, pm):
    before = Incident.objects.get(pk=report_retrospective.incident_id).updated_at

    retrospective_publish(retrospective=report_retrospective, actor=pm)

    assert Incident.objects.get(pk=report_retrospective.incident_id).updated_at > before
