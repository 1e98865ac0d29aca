"""Heartbeats move to the core and notifications to their own app, with every row.

The new tables were created by ``core.0001`` and ``notifications.0001``; this
copies each row (ids kept), then drops the old tables. A notification's cause
becomes its key (``reminder:<id>``), and the incident it was about becomes
its self-contained link and label.
"""

from django.core.management.color import no_style
from django.db import migrations


def _reset_sequences(schema_editor, *models):
    connection = schema_editor.connection
    for sql in connection.ops.sequence_reset_sql(no_style(), models):
        with connection.cursor() as cursor:
            cursor.execute(sql)


def copy_rows(apps, schema_editor):
    db = schema_editor.connection.alias
    OldHeartbeat = apps.get_model("reminders", "Heartbeat")
    Heartbeat = apps.get_model("core", "Heartbeat")
    Heartbeat.objects.using(db).bulk_create(
        Heartbeat(
            pk=old.pk, name=old.name, beat_at=old.beat_at, hostname=old.hostname, count=old.count
        )
        for old in OldHeartbeat.objects.using(db).all()
    )
    OldNotification = apps.get_model("reminders", "Notification")
    Notification = apps.get_model("notifications", "Notification")
    copies = []
    for old in OldNotification.objects.using(db).select_related("incident").iterator():
        incident = old.incident
        url = old.url or (f"/incidents/{incident.pk}/" if incident is not None else "")
        copies.append(
            Notification(
                pk=old.pk,
                user_id=old.user_id,
                key=f"reminder:{old.reminder_id}" if old.reminder_id else f"notification:{old.pk}",
                title=old.title,
                body=old.body,
                url=url,
                about=incident.title if incident is not None else "",
                is_escalation=old.is_escalation,
                created_at=old.created_at,
                read_at=old.read_at,
            )
        )
    Notification.objects.using(db).bulk_create(copies, batch_size=500)
    _reset_sequences(schema_editor, Heartbeat, Notification)


def copy_back(apps, schema_editor):
    db = schema_editor.connection.alias
    Heartbeat = apps.get_model("core", "Heartbeat")
    OldHeartbeat = apps.get_model("reminders", "Heartbeat")
    OldHeartbeat.objects.using(db).bulk_create(
        OldHeartbeat(
            pk=new.pk, name=new.name, beat_at=new.beat_at, hostname=new.hostname, count=new.count
        )
        for new in Heartbeat.objects.using(db).all()
    )
    Notification = apps.get_model("notifications", "Notification")
    OldNotification = apps.get_model("reminders", "Notification")
    copies = []
    for new in Notification.objects.using(db).iterator():
        kind, _sep, pk = new.key.partition(":")
        reminder_id = int(pk) if kind == "reminder" and pk.isdigit() else None
        incident_id = None
        if new.url.startswith("/incidents/"):
            part = new.url.split("/")[2]
            incident_id = int(part) if part.isdigit() else None
        copies.append(
            OldNotification(
                pk=new.pk,
                user_id=new.user_id,
                reminder_id=reminder_id,
                incident_id=incident_id,
                title=new.title,
                body=new.body,
                url=new.url,
                is_escalation=new.is_escalation,
                created_at=new.created_at,
                read_at=new.read_at,
            )
        )
    OldNotification.objects.using(db).bulk_create(copies, batch_size=500)
    _reset_sequences(schema_editor, OldHeartbeat, OldNotification)
    # The rows moved back: the new tables stay, empty, until they are unapplied too.
    Heartbeat.objects.using(db).all().delete()
    Notification.objects.using(db).all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0003_action_overdue"),
        ("core", "0001_initial"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_rows, copy_back),
        migrations.DeleteModel(name="Heartbeat"),
        migrations.DeleteModel(name="Notification"),
    ]
