"""The article's case, reviewed: the timeline drafted from its whole record."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from apps.incidents.models import Incident, IncidentStatus
from apps.retrospectives.models import Retrospective
from apps.retrospectives.selectors import retrospective_timeline, timeline_events

pytestmark = pytest.mark.django_db

#: What the method's story holds, each a kind of line the timeline must show.
STORY = {
    "incident.declared",
    "incident.disclosure_changed",
    "first_contact.recorded",
    "log_entry.added",
    "update.published",
    "meeting.scheduled",
    "meeting.outcome_recorded",
    "alternative.proposed",
    "alternative.chosen",
    "decision.recorded",
    "project.delivery_date_changed",
    "incident.status_changed",
    "action_item.added",
    "remedy.offered",
    "remedy.answered",
}


@pytest.fixture
def seed(now):
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=StringIO())
    return Incident.objects.get(title_en="Dispatch engine bottleneck delays delivery")


def test_the_timeline_holds_every_kind_of_event_of_the_case_in_order_each_linked(
    seed, client, django_user_model
):
    retrospective = Retrospective.objects.get(incident=seed)
    timeline = retrospective_timeline(retrospective)
    from_record = [item for item in timeline if not item.added]
    verbs = {item.event.verb for item in from_record}
    assert verbs >= STORY

    # Every event of the story is there, once, in the order it happened.
    expected = [
        event.pk
        for event in timeline_events(seed)
        if event.verb != "action_item.updated" or "status" in event.data.get("changes", {})
    ]
    assert [item.event.pk for item in from_record] == expected
    moments = [item.occurred_at for item in timeline]
    assert moments == sorted(moments)

    # Each line links to the page of its source, and that page answers.
    client.force_login(django_user_model.objects.get(username="li.pm"))
    for item in from_record:
        assert item.url, item.event.verb
        path, _hash, anchor = item.url.partition("#")
        page = client.get(path)
        assert page.status_code == 200, item.url
        if anchor:
            assert f'id="{anchor}"' in page.content.decode(), item.url


def test_the_case_is_reviewed_and_its_report_published(seed):
    retrospective = Retrospective.objects.get(incident=seed)
    assert retrospective.is_published
    assert retrospective.root_causes.count() == 2
    assert retrospective.outcome == "delivered_late"
    assert retrospective.report_why_zh_hans and retrospective.report_why_en
    assert seed.meetings.filter(starts_at__gte=seed.resolved_at).exists()


def test_past_cases_are_closed_with_their_reports(seed):
    closed = Incident.objects.filter(status=IncidentStatus.CLOSED)
    assert closed.count() >= 3
    for incident in closed:
        assert incident.retrospective.is_published
        assert incident.retrospective.outcome
        assert incident.alternatives.filter(status="chosen").exclude(kind="").exists()
        assert incident.cause_category
