"""Every service that changes state records who did it, what, to what, and (for edits) from what.

One test per service, in the order of the layers. Each asks the record, not
the service's return value: the event is there, with its actor and verb, on
the right incident and object, and an edit carries its before and after.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.accounts import services as accounts
from apps.actionplans import services as plans
from apps.alternatives import services as alternatives
from apps.communications import services as communications
from apps.events.models import Event
from apps.events.services import SYSTEM
from apps.incidents import services as incidents
from apps.incidents.models import IncidentSeverity, IncidentStatus
from apps.projects import services as projects
from apps.projects.models import Membership, ProjectRole
from apps.reminders import services as reminders
from apps.statuspage import services as statuspage
from tests.factories import (
    ClientContactFactory,
    ClientFactory,
    MeetingFactory,
    ProjectFactory,
    UserFactory,
    informed_incident,
    member,
)

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def recorded(verb: str) -> Event:
    """The one event of that verb (the test fails if there are none or several)."""
    [event] = Event.objects.filter(verb=verb)
    return event


def assert_event(event: Event, *, actor, obj=None, incident=None, project=None) -> None:
    """The event's actor, object and incident are the expected ones."""
    assert event.actor == (None if actor is SYSTEM else actor)
    if obj is not None:
        assert (event.object_type.model_class(), event.object_id) == (type(obj), obj.pk)
    if incident is not None:
        assert event.incident_id == incident.pk
        assert event.project_id == incident.project_id
    if project is not None:
        assert event.project_id == project.pk


@pytest.fixture
def informed(project, pm, now):
    return informed_incident(project=project, declared_by=pm, now=now - 2 * HOUR)


@pytest.fixture
def contact(project):
    return ClientContactFactory(project=project, name="Chen Jing")


# --- accounts ----------------------------------------------------------------------------


def test_changing_a_profile_records_who_changed_what_from_what(pm, pmo):
    accounts.profile_update(
        user=pm, actor=pmo, language="zh-hans", time_zone="Asia/Shanghai", is_pmo=True
    )

    event = recorded("profile.updated")
    assert_event(event, actor=pmo, obj=pm.profile)
    assert event.data["user"] == {"id": pm.pk, "name": pm.get_full_name()}
    assert event.data["changes"] == {
        "language": {"before": "en", "after": "zh-hans"},
        "time_zone": {"before": "UTC", "after": "Asia/Shanghai"},
        "is_pmo": {"before": False, "after": True},
    }


def test_saving_a_profile_unchanged_records_nothing(pm):
    accounts.profile_update(user=pm, actor=pm, language="en", time_zone="UTC")

    assert not Event.objects.exists()


# --- projects ----------------------------------------------------------------------------


def test_a_new_client_is_recorded_once(pmo):
    client = projects.client_get_or_create(name="Huaxin", actor=pmo)
    projects.client_get_or_create(name="Huaxin", actor=pmo)

    assert_event(recorded("client.created"), actor=pmo, obj=client)


def test_renaming_a_client_records_the_old_and_the_new_name(pmo):
    client = ClientFactory(name="Huaxin")

    projects.client_update(client=client, actor=pmo, name="Huaxin Logistics", notes="")

    event = recorded("client.updated")
    assert_event(event, actor=pmo, obj=client)
    assert event.data["changes"] == {"name": {"before": "Huaxin", "after": "Huaxin Logistics"}}


def test_an_event_keeps_what_its_object_was_called_then(pmo):
    client = projects.client_get_or_create(name="Huaxin", actor=pmo)

    projects.client_update(client=client, actor=pmo, name="Huaxin Logistics", notes="")

    assert recorded("client.created").object_repr == "Huaxin"
    assert recorded("client.updated").object_repr == "Huaxin Logistics"


def test_creating_a_project_records_it_and_its_first_pm(pmo, now):
    creator = UserFactory()
    client = ClientFactory()

    project = projects.project_create(
        client=client, name="Dispatch", pmo_lead=pmo, actor=creator, first_contact_window_hours=8
    )

    event = recorded("project.created")
    assert_event(event, actor=creator, obj=project, project=project)
    assert event.data["name"] == "Dispatch"
    assert event.data["client"] == {"id": client.pk, "name": client.name}
    assert event.data["first_contact_window_hours"] == 8
    assert recorded("membership.added").data["role"] == ProjectRole.PM


def test_changing_a_project_records_the_fields_before_and_after(project, pmo):
    old_name = project.name

    projects.project_update(project=project, actor=pmo, name="Dispatch 2", description="New.")

    event = recorded("project.updated")
    assert_event(event, actor=pmo, obj=project, project=project)
    assert event.data["changes"]["name"] == {"before": old_name, "after": "Dispatch 2"}
    assert event.data["changes"]["description"]["after"] == "New."


def test_archiving_and_restoring_a_project_are_recorded(project, pmo):
    projects.project_archive(project=project, actor=pmo)
    projects.project_restore(project=project, actor=pmo)

    assert_event(recorded("project.archived"), actor=pmo, obj=project, project=project)
    assert_event(recorded("project.restored"), actor=pmo, obj=project, project=project)


def test_a_project_with_an_open_incident_is_not_archived(incident, pmo):
    with pytest.raises(ValidationError) as exc:
        projects.project_archive(project=incident.project, actor=pmo)

    assert exc.value.error_list[0].code == "open_incidents"
    assert not Event.objects.filter(verb="project.archived").exists()


def test_archiving_and_restoring_a_client_are_recorded(pmo):
    client = ClientFactory()

    projects.client_archive(client=client, actor=pmo)
    projects.client_restore(client=client, actor=pmo)

    assert_event(recorded("client.archived"), actor=pmo, obj=client)
    assert_event(recorded("client.restored"), actor=pmo, obj=client)


def test_adding_a_member_and_changing_their_role_are_recorded(project, pm):
    newcomer = UserFactory()

    membership = projects.membership_set(
        project=project, user=newcomer, role=ProjectRole.VIEWER, actor=pm
    )
    projects.membership_set(project=project, user=newcomer, role=ProjectRole.MEMBER, actor=pm)

    added = recorded("membership.added")
    assert_event(added, actor=pm, obj=membership, project=project)
    assert added.data == {
        "user": {"id": newcomer.pk, "name": newcomer.get_full_name()},
        "role": ProjectRole.VIEWER,
    }
    changed = recorded("membership.role_changed")
    assert changed.data["changes"] == {
        "role": {"before": ProjectRole.VIEWER, "after": ProjectRole.MEMBER}
    }


def test_removing_a_member_is_recorded_with_who_they_were(project, pm, team_member):
    membership = Membership.objects.get(user=team_member)

    projects.membership_remove(membership=membership, actor=pm)

    event = recorded("membership.removed")
    assert_event(event, actor=pm, project=project)
    assert event.data["user"]["id"] == team_member.pk
    assert event.data["role"] == ProjectRole.MEMBER


def test_adding_and_changing_a_contact_are_recorded(project, pm):
    contact = projects.contact_create(
        project=project,
        actor=pm,
        name="Chen Jing",
        email="chen@client.example.com",
        language="zh-hans",
        time_zone="Asia/Shanghai",
    )
    projects.contact_update(contact=contact, actor=pm, receives_updates=False)

    added = recorded("contact.added")
    assert_event(added, actor=pm, obj=contact, project=project)
    assert added.data["email"] == "chen@client.example.com"
    assert recorded("contact.updated").data["changes"] == {
        "receives_updates": {"before": True, "after": False}
    }


# --- incidents ---------------------------------------------------------------------------


def test_declaring_an_incident_records_who_declared_it_and_the_deadline(project, pm, now):
    incident = incidents.incident_declare(
        project=project,
        actor=pm,
        title_en="Dispatch too slow",
        summary_en="40 s, not 2 s.",
        now=now,
    )

    event = recorded("incident.declared")
    assert_event(event, actor=pm, obj=incident, incident=incident)
    assert event.occurred_at == now
    assert event.data["title_en"] == "Dispatch too slow"
    assert event.data["title_zh_hans"] == ""
    assert event.data["first_contact_due_at"] == incident.first_contact_due_at.isoformat()
    assert event.data["update_cadence"] == int(incident.update_cadence.total_seconds())


def test_editing_the_disclosure_records_each_changed_field_before_and_after(incident, pm):
    incidents.incident_update_disclosure(
        incident=incident,
        actor=pm,
        cause_en="The routing algorithm does not scale.",
        impact_cost=Decimal("180000.00"),
        severity=IncidentSeverity.CRITICAL,
    )

    event = recorded("incident.disclosure_changed")
    assert_event(event, actor=pm, obj=incident, incident=incident)
    changes = event.data["changes"]
    assert changes["cause_en"] == {"before": "", "after": "The routing algorithm does not scale."}
    assert changes["impact_cost"] == {"before": None, "after": "180000.00"}
    assert changes["severity"] == {"before": "high", "after": "critical"}
    assert "summary_en" not in changes  # unchanged fields are not on the record


def test_changing_the_cadence_records_the_old_and_new_cadence(informed, pm):
    incidents.incident_set_cadence(incident=informed, actor=pm, cadence=timedelta(hours=24))

    event = recorded("incident.cadence_changed")
    assert_event(event, actor=pm, obj=informed, incident=informed)
    assert event.data["changes"]["update_cadence"] == {"before": 48 * 3600, "after": 24 * 3600}


def test_changing_the_status_records_the_move(informed, pm, now):
    incidents.incident_resolve(incident=informed, actor=pm, now=now)

    event = recorded("incident.status_changed")
    assert_event(event, actor=pm, obj=informed, incident=informed)
    assert event.data["changes"]["status"] == {
        "before": IncidentStatus.CLIENT_INFORMED,
        "after": IncidentStatus.RESOLVED,
    }
    assert event.data["changes"]["resolved_at"]["after"] == now.isoformat()


def test_the_first_contact_is_recorded_with_whether_the_window_was_met(incident, pm, now):
    incidents.incident_record_first_contact(
        incident=incident, actor=pm, at=now + HOUR, now=now + HOUR
    )
    incidents.incident_record_first_contact(
        incident=incident, actor=pm, at=now + DAY, now=now + DAY
    )

    event = recorded("first_contact.recorded")  # once: later contacts are not the first
    assert_event(event, actor=pm, obj=incident, incident=incident)
    assert event.data["within_window"] is True
    assert event.data["first_contact_at"] == (now + HOUR).isoformat()


# --- communications ----------------------------------------------------------------------


def test_logging_a_contact_records_it_and_the_first_contact(incident, pm, contact, now):
    entry = communications.log_contact(
        incident=incident,
        actor=pm,
        channel="call",
        occurred_at=now,
        summary_en="Told Chen Jing.",
        client_participants=[contact],
        reaction=-1,
        now=now,
    )

    event = recorded("log_entry.added")
    assert_event(event, actor=pm, obj=entry, incident=incident)
    assert event.data["channel"] == "call"
    assert event.data["reaction"] == -1
    assert event.data["client_participants"] == [{"id": contact.pk, "name": "Chen Jing"}]
    assert recorded("first_contact.recorded").actor == pm


def test_correcting_an_entry_records_the_correction_and_what_it_corrects(
    incident, pm, team_member, now
):
    entry = communications.log_contact(
        incident=incident, actor=pm, channel="call", occurred_at=now, summary_en="Wrong.", now=now
    )

    correction = communications.log_correct(
        entry=entry, actor=team_member, summary_en="Right.", now=now + HOUR
    )

    event = recorded("log_entry.corrected")
    assert_event(event, actor=team_member, obj=correction, incident=incident)
    assert event.data["corrects"] == entry.pk
    assert event.data["summary_en"] == "Right."


def test_drafting_editing_and_discarding_an_update_are_recorded(incident, pm, now):
    draft = communications.update_draft_save(
        incident=incident, actor=pm, body_en="First words.", body_zh_hans="", now=now
    )
    communications.update_draft_save(
        incident=incident, actor=pm, body_en="Better words.", body_zh_hans="", update=draft
    )
    assert_event(recorded("update.drafted"), actor=pm, obj=draft, incident=incident)
    draft_id = draft.pk

    communications.update_draft_discard(update=draft, actor=pm)

    assert recorded("update.draft_edited").data["changes"] == {
        "body_en": {"before": "First words.", "after": "Better words."}
    }
    discarded = recorded("update.draft_discarded")
    assert_event(discarded, actor=pm, incident=incident)
    assert discarded.object_id == draft_id
    assert discarded.data["body_en"] == "Better words."  # the record keeps what it said


def test_publishing_an_update_records_the_deadline_it_met_and_who_hears_of_it(
    informed, pm, contact, now
):
    draft = communications.update_draft_save(
        incident=informed, actor=pm, body_en="Where we are.", body_zh_hans="进展。", now=now
    )

    update = communications.update_publish(update=draft, actor=pm, now=now)

    event = recorded("update.published")
    assert_event(event, actor=pm, obj=update, incident=informed)
    assert event.data["on_time"] is True
    assert event.data["was_due_at"] == update.was_due_at.isoformat()
    assert event.data["languages"] == ["en", "zh-hans"]
    assert event.data["recipients"] == [
        {"id": contact.pk, "name": "Chen Jing", "language": contact.language}
    ]


def test_scheduling_changing_and_cancelling_a_meeting_are_recorded(informed, pm, contact, now):
    meeting = communications.meeting_schedule(
        incident=informed,
        actor=pm,
        title_en="Review",
        starts_at=now + DAY,
        duration_minutes=60,
        location="Room 3",
        client_attendees=[contact],
        now=now,
    )
    communications.meeting_reschedule(
        meeting=meeting,
        actor=pm,
        starts_at=now + 2 * DAY,
        duration_minutes=90,
        location="Room 3",
        client_attendees=[],
        now=now,
    )
    communications.meeting_cancel(meeting=meeting, actor=pm, now=now)

    scheduled = recorded("meeting.scheduled")
    assert_event(scheduled, actor=pm, obj=meeting, incident=informed)
    assert scheduled.data["client_attendees"] == [{"id": contact.pk, "name": "Chen Jing"}]
    changes = recorded("meeting.rescheduled").data["changes"]
    assert changes["starts_at"] == {
        "before": (now + DAY).isoformat(),
        "after": (now + 2 * DAY).isoformat(),
    }
    assert changes["duration_minutes"] == {"before": 60, "after": 90}
    assert changes["client_attendees"]["after"] == []
    assert_event(recorded("meeting.cancelled"), actor=pm, obj=meeting, incident=informed)


def test_recording_and_then_correcting_a_meetings_outcome_are_recorded(
    informed, pm, team_member, now
):
    meeting = MeetingFactory(incident=informed, starts_at=now - HOUR, team_attendees=[pm])

    communications.meeting_record_outcome(
        meeting=meeting, actor=team_member, notes="We talked.", now=now
    )
    communications.meeting_record_outcome(
        meeting=meeting, actor=pm, notes="We talked and agreed.", now=now
    )

    first = recorded("meeting.outcome_recorded")
    assert_event(first, actor=team_member, obj=meeting, incident=informed)
    assert first.data["notes"] == "We talked."
    assert recorded("meeting.outcome_edited").data["changes"]["notes"] == {
        "before": "We talked.",
        "after": "We talked and agreed.",
    }


# --- the action plan ---------------------------------------------------------------------


def test_adding_and_changing_an_action_are_recorded(informed, pm, team_member, now):
    item = plans.action_item_create(
        incident=informed,
        actor=pm,
        kind="remediation",
        title_en="Partition the engine",
        owner=team_member,
        due_at=now + DAY,
        now=now,
    )
    plans.action_item_update(
        item=item, expected_version=item.version, actor=team_member, progress=40, now=now
    )

    added = recorded("action_item.added")
    assert_event(added, actor=pm, obj=item, incident=informed)
    assert added.data["owner"] == {"id": team_member.pk, "name": team_member.get_full_name()}
    changes = recorded("action_item.updated").data["changes"]
    assert changes["progress"] == {"before": 0, "after": 40}
    assert changes["status"] == {"before": "planned", "after": "in_progress"}


def test_offering_a_remedy_and_the_clients_answer_are_recorded(informed, pm, now):
    remedy = plans.remedy_offer(
        incident=informed,
        actor=pm,
        kind="discount",
        description_en="Ten percent off.",
        value=Decimal("5000"),
        now=now,
    )
    plans.remedy_answer(remedy=remedy, actor=pm, answer="accepted", now=now)

    offered = recorded("remedy.offered")
    assert_event(offered, actor=pm, obj=remedy, incident=informed)
    assert offered.data["value"] == "5000.00"
    assert recorded("remedy.answered").data["changes"]["answer"] == {
        "before": "pending",
        "after": "accepted",
    }


# --- alternatives and decisions ---------------------------------------------------------


def _propose(incident, actor, title, now):
    return alternatives.alternative_propose(
        incident=incident, actor=actor, title_en=title, description_en="A way forward.", now=now
    )


def test_proposing_changing_and_rejecting_an_alternative_are_recorded(informed, pm, now):
    alternative = _propose(informed, pm, "Extend 30 days", now)
    alternatives.alternative_update(
        alternative=alternative,
        actor=pm,
        expected_version=alternative.version,
        schedule_impact_days=30,
        now=now,
    )
    alternatives.alternative_reject(
        alternative=alternative, actor=pm, reason_en="Too late.", now=now
    )

    assert_event(recorded("alternative.proposed"), actor=pm, obj=alternative, incident=informed)
    assert recorded("alternative.updated").data["changes"] == {
        "schedule_impact_days": {"before": None, "after": 30}
    }
    rejected = recorded("alternative.rejected")
    assert rejected.data == {
        "rejection_reason_en": "Too late.",
        "rejection_reason_zh_hans": "",
        "decision": None,
    }


def test_a_decision_records_the_choice_who_agreed_and_what_was_set_aside(
    informed, pm, contact, now
):
    extend = _propose(informed, pm, "Extend 30 days", now)
    cut = _propose(informed, pm, "Cut scope", now)

    decision = alternatives.decision_record(
        incident=informed,
        alternative=extend,
        actor=pm,
        rationale_en="Keeps the scope.",
        rationale_zh_hans="保留范围。",
        client_agreed=[contact],
        team_agreed=[pm],
        expected_current_decision_id=None,
        others_reason_en="Operations need the scope.",
        now=now,
    )

    event = recorded("decision.recorded")
    assert_event(event, actor=pm, obj=decision, incident=informed)
    assert event.data["alternative"] == {"id": extend.pk, "name": "Extend 30 days"}
    assert event.data["client_agreed"] == [{"id": contact.pk, "name": "Chen Jing"}]
    assert (event.data["rationale_en"], event.data["rationale_zh_hans"]) == (
        "Keeps the scope.",
        "保留范围。",
    )
    assert_event(recorded("alternative.chosen"), actor=pm, obj=extend, incident=informed)
    set_aside = recorded("alternative.rejected")
    assert (set_aside.object_id, set_aside.data["decision"]) == (cut.pk, decision.pk)
    assert recorded("incident.status_changed").data["changes"]["status"]["after"] == (
        IncidentStatus.PLAN_AGREED
    )


# --- reminders -------------------------------------------------------------------------------


def test_a_missed_first_contact_deadline_is_recorded_once_by_the_system(incident):
    due = incident.first_contact_due_at

    reminders.reminders_scan(now=due + HOUR)
    reminders.reminders_scan(now=due + 2 * HOUR)

    event = recorded("first_contact.breached")
    assert_event(event, actor=SYSTEM, incident=incident)
    assert event.occurred_at == due  # when it happened, not when the scan noticed
    assert event.data["noticed_at"] == (due + HOUR).isoformat()


def test_an_overdue_update_and_its_escalation_are_recorded_by_the_system(informed):
    due = informed.next_update_due_at

    reminders.reminders_scan(now=due + informed.update_cadence)

    assert_event(recorded("update.overdue"), actor=SYSTEM, incident=informed)
    escalated = recorded("update.escalated")
    assert escalated.occurred_at == due + informed.update_cadence / 2


def test_an_overdue_action_is_recorded_by_the_system(informed, pm, team_member, now):
    item = plans.action_item_create(
        incident=informed,
        actor=pm,
        kind="remediation",
        title_en="Load test",
        owner=team_member,
        due_at=now + HOUR,
        now=now,
    )

    reminders.reminders_scan(now=now + 2 * HOUR)

    event = recorded("action_item.overdue")
    assert_event(event, actor=SYSTEM, obj=item, incident=informed)
    assert event.occurred_at == item.due_at


def test_snoozing_the_update_reminders_is_recorded_with_the_reason(informed, pm, now):
    snooze = reminders.snooze_update_reminders(
        incident=informed, actor=pm, until=now + 10 * HOUR, reason="The CIO is flying.", now=now
    )

    event = recorded("reminder.snoozed")
    assert_event(event, actor=pm, obj=snooze, incident=informed)
    assert event.data["reason"] == "The CIO is flying."
    assert event.data["due_at"] == informed.next_update_due_at.isoformat()


# --- the status page -------------------------------------------------------------------------


def test_creating_and_revoking_a_link_are_recorded_once(informed, pm, contact):
    link, _token = statuspage.link_create(actor=pm, incident=informed, contact=contact)
    statuspage.link_revoke(link=link, actor=pm)
    statuspage.link_revoke(link=link, actor=pm)

    created = recorded("link.created")
    assert_event(created, actor=pm, obj=link, incident=informed)
    assert created.data["scope"] == "incident"
    assert created.data["token_hint"] == link.token_hint
    assert_event(recorded("link.revoked"), actor=pm, obj=link, incident=informed)


def test_a_project_wide_link_is_recorded_on_the_project(pm, contact):
    project = contact.project

    link, _token = statuspage.link_create(actor=pm, project=project)

    event = recorded("link.created")
    assert_event(event, actor=pm, obj=link, project=project)
    assert event.incident_id is None
    assert event.data["scope"] == "project"


# --- who may act -----------------------------------------------------------------------------


def test_an_unknown_verb_is_a_programming_error(pm):
    from apps.events.services import event_record

    with pytest.raises(ValueError, match="Unknown event verb"):
        event_record(actor=pm, verb="incident.deleted")


def test_an_anonymous_user_cannot_act(incident):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(TypeError):
        incidents.incident_set_cadence(
            incident=incident, actor=AnonymousUser(), cadence=timedelta(hours=24)
        )


def test_a_project_outside_any_incident_has_its_own_record():
    project = ProjectFactory()
    member(project, ProjectRole.PM)

    projects.project_update(project=project, actor=project.pmo_lead, name="Renamed")

    assert Event.objects.get().incident_id is None
