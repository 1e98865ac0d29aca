"""An incident closes once the client has the report, or the PM said why there is none."""

import pytest
from django.core.exceptions import ValidationError

from apps.events.models import Event
from apps.incidents import services as incident_services
from apps.incidents.models import IncidentStatus
from apps.retrospectives import services

pytestmark = pytest.mark.django_db

REPORT = {
    f"{name}_{suffix}": f"{name} {suffix}"
    for name in ("report_what_happened", "report_why", "report_what_we_did", "report_what_changes")
    for suffix in ("en", "zh_hans")
}


def test_closing_without_a_report_is_refused(resolved, pm):
    with pytest.raises(ValidationError) as caught:
        incident_services.incident_close(incident=resolved, actor=pm)
    assert caught.value.code == "no_client_report"
    resolved.refresh_from_db()
    assert resolved.status == IncidentStatus.RESOLVED


def test_closing_without_a_report_needs_a_reason(resolved, pm):
    with pytest.raises(ValidationError) as caught:
        services.retrospective_close_without_report(incident=resolved, actor=pm, reason="  ")
    assert "reason" in caught.value.message_dict
    services.retrospective_close_without_report(
        incident=resolved, actor=pm, reason="The client ended the contract and asked for nothing."
    )
    resolved.refresh_from_db()
    assert resolved.status == IncidentStatus.CLOSED
    waived = Event.objects.get(verb="retrospective.report_waived")
    assert waived.data["reason"].startswith("The client ended")
    assert resolved.retrospective.review_meeting_due_at is None


def test_once_published_the_incident_closes(retrospective, pm):
    services.retrospective_update(
        retrospective=retrospective, actor=pm, expected_version=1, **REPORT
    )
    services.retrospective_publish(retrospective=retrospective, actor=pm)
    services.retrospective_close(incident=retrospective.incident, actor=pm)
    retrospective.incident.refresh_from_db()
    assert retrospective.incident.status == IncidentStatus.CLOSED


def test_a_published_report_is_not_waived(retrospective, pm):
    services.retrospective_update(
        retrospective=retrospective, actor=pm, expected_version=1, **REPORT
    )
    services.retrospective_publish(retrospective=retrospective, actor=pm)
    with pytest.raises(ValidationError):
        services.retrospective_close_without_report(
            incident=retrospective.incident, actor=pm, reason="No need."
        )
