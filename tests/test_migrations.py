"""The migrations keep every row: heartbeats and notifications move, reminders gain typed
links, and the texts of incidents, actions and alternatives split into their English and
their Chinese.

The test database is taken back to before the move, filled the old way, and
migrated forward again; whatever happens, it ends at the latest state.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

#: Every app at its latest migration but these, before the move (an incident, an
#: action and an alternative then had one title).
BEFORE = {
    "reminders": "0003_action_overdue",
    "incidents": "0005_alter_incident_project",
    "actionplans": "0002_alter_actionitem_incident_alter_remedy_incident",
    "alternatives": "0002_alter_alternative_incident_alter_decision_incident",
    "communications": "0002_alter_logentry_incident_alter_meeting_incident_and_more",
}
MOMENT = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _before(latest):
    return [node for node in latest if node[0] not in BEFORE] + list(BEFORE.items())


def _old_history(apps):
    """A user, a project, an incident with an action and a decision, reminders, inbox entries."""
    User = apps.get_model("auth", "User")
    pm = User.objects.create(username="pm", email="pm@example.com")
    client = apps.get_model("projects", "Client").objects.create(name="Huaxin")
    project = apps.get_model("projects", "Project").objects.create(
        client=client, name="Dispatch", pmo_lead=pm
    )
    incident = apps.get_model("incidents", "Incident").objects.create(
        project=project,
        title="Dispatch too slow",
        summary="40 s.",
        declared_by=pm,
        declared_at=MOMENT,
        first_contact_due_at=MOMENT + timedelta(hours=24),
        update_cadence=timedelta(hours=48),
    )
    apps.get_model("incidents", "Incident").objects.create(
        project=project,
        title="调度引擎瓶颈 / Dispatch bottleneck",
        summary="压力测试未通过。",
        declared_by=pm,
        declared_at=MOMENT,
        first_contact_due_at=MOMENT + timedelta(hours=24),
        update_cadence=timedelta(hours=48),
    )
    item = apps.get_model("actionplans", "ActionItem").objects.create(
        incident=incident,
        kind="remediation",
        title="Load test",
        owner=pm,
        due_at=MOMENT,
        created_by=pm,
        created_at=MOMENT,
        updated_at=MOMENT,
    )
    alternative = apps.get_model("alternatives", "Alternative").objects.create(
        incident=incident,
        title="延期 30 天 / Extend 30 days",
        description="Partition the engine.",
        status="rejected",
        rejection_reason="运营方无法接受。",
        created_by=pm,
        created_at=MOMENT,
        updated_at=MOMENT,
    )
    apps.get_model("alternatives", "Decision").objects.create(
        incident=incident,
        alternative=alternative,
        decided_at=MOMENT,
        rationale="Keeps the scope.",
        recorded_by=pm,
        recorded_at=MOMENT,
        superseded_at=MOMENT,
    )
    Reminder = apps.get_model("reminders", "Reminder")
    common = {"due_at": MOMENT, "fire_at": MOMENT, "recipient": pm, "created_at": MOMENT}
    on_incident = Reminder.objects.create(
        subject=f"incident:{incident.pk}", incident=incident, kind="update_overdue", **common
    )
    on_item = Reminder.objects.create(
        subject=f"action:{item.pk}", incident=incident, kind="action_overdue", **common
    )
    Notification = apps.get_model("reminders", "Notification")
    Notification.objects.create(
        user=pm, reminder=on_incident, incident=incident, title="Update overdue", created_at=MOMENT
    )
    Notification.objects.create(user=pm, title="Hello", url="/notifications/", created_at=MOMENT)
    apps.get_model("reminders", "Heartbeat").objects.create(name="scan", beat_at=MOMENT, count=7)
    apps.get_model("communications", "Meeting").objects.create(
        incident=incident,
        title="复盘会 / Review meeting",
        agenda="原因、影响、计划。",
        starts_at=MOMENT,
        location="https://meet.example.com/r",
        organizer=pm,
        uid="old@candor",
    )
    apps.get_model("communications", "LogEntry").objects.create(
        incident=incident,
        channel="call",
        occurred_at=MOMENT,
        summary="Called the CIO.",
        recorded_at=MOMENT,
    )
    return incident, item, on_incident, on_item


def test_moving_heartbeats_notifications_and_reminder_subjects_keeps_every_row():
    latest = _latest()
    try:
        incident, item, on_incident, on_item = _old_history(_migrate(_before(latest)))

        apps = _migrate(latest)

        Heartbeat = apps.get_model("core", "Heartbeat")
        assert list(Heartbeat.objects.values_list("name", "count")) == [("scan", 7)]
        Notification = apps.get_model("notifications", "Notification")
        by_key = {n.key: n for n in Notification.objects.all()}
        assert set(by_key) == {f"reminder:{on_incident.pk}", f"notification:{by_key_pk(by_key)}"}
        about_incident = by_key[f"reminder:{on_incident.pk}"]
        assert about_incident.about == "Dispatch too slow"
        assert about_incident.url == f"/incidents/{incident.pk}/"
        Incident = apps.get_model("incidents", "Incident")
        migrated = Incident.objects.get(pk=incident.pk)
        assert (migrated.title_en, migrated.title_zh_hans) == ("Dispatch too slow", "")
        both = Incident.objects.get(pk=incident.pk + 1)
        assert (both.title_zh_hans, both.title_en) == ("调度引擎瓶颈", "Dispatch bottleneck")
        assert (both.summary_zh_hans, both.summary_en) == ("压力测试未通过。", "")
        meeting = apps.get_model("communications", "Meeting").objects.get(uid="old@candor")
        assert (meeting.title_zh_hans, meeting.title_en) == ("复盘会", "Review meeting")
        assert (meeting.agenda_zh_hans, meeting.agenda_en) == ("原因、影响、计划。", "")
        entry = apps.get_model("communications", "LogEntry").objects.get(incident_id=incident.pk)
        assert (entry.summary_en, entry.summary_zh_hans) == ("Called the CIO.", "")
        moved = apps.get_model("actionplans", "ActionItem").objects.get(pk=item.pk)
        assert (moved.title_en, moved.title_zh_hans) == ("Load test", "")
        alternative = apps.get_model("alternatives", "Alternative").objects.get()
        assert (alternative.title_en, alternative.title_zh_hans) == ("Extend 30 days", "延期 30 天")
        assert (alternative.description_en, alternative.description_zh_hans) == (
            "Partition the engine.",
            "",
        )
        assert (alternative.rejection_reason_en, alternative.rejection_reason_zh_hans) == (
            "",
            "运营方无法接受。",
        )
        decision = apps.get_model("alternatives", "Decision").objects.get()
        assert (decision.rationale_en, decision.rationale_zh_hans) == ("Keeps the scope.", "")
        Reminder = apps.get_model("reminders", "Reminder")
        assert Reminder.objects.get(pk=on_item.pk).action_item_id == item.pk
        assert Reminder.objects.get(pk=on_incident.pk).action_item_id is None
        # The sequences moved on: new rows get new ids.
        fresh = Notification.objects.create(
            user_id=about_incident.user_id, key="new", title="New", created_at=MOMENT
        )
        assert fresh.pk > max(n.pk for n in by_key.values())
    finally:
        _migrate(latest)


def by_key_pk(by_key) -> int:
    """The id of the notification that had no reminder (its key is made from it)."""
    return next(n.pk for key, n in by_key.items() if key.startswith("notification:"))
