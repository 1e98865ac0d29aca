"""A reminder names what it is about with foreign keys, not a string like "action:12".

Every row is kept: "incident:<id>" becomes the incident alone (it is already
the ``incident`` column), "action:<id>" the action item too. The unique
constraint on the string becomes two partial ones with the same meaning.
"""

import django.db.models.deletion
from django.db import migrations, models


def subject_to_action_item(apps, schema_editor):
    db = schema_editor.connection.alias
    Reminder = apps.get_model("reminders", "Reminder")
    ActionItem = apps.get_model("actionplans", "ActionItem")
    known = set(ActionItem.objects.using(db).values_list("pk", flat=True))
    for reminder in Reminder.objects.using(db).filter(subject__startswith="action:").iterator():
        pk = reminder.subject.partition(":")[2]
        if pk.isdigit() and int(pk) in known:
            Reminder.objects.using(db).filter(pk=reminder.pk).update(action_item_id=int(pk))


def action_item_to_subject(apps, schema_editor):
    db = schema_editor.connection.alias
    Reminder = apps.get_model("reminders", "Reminder")
    for reminder in Reminder.objects.using(db).iterator():
        subject = (
            f"action:{reminder.action_item_id}"
            if reminder.action_item_id
            else f"incident:{reminder.incident_id}"
        )
        Reminder.objects.using(db).filter(pk=reminder.pk).update(subject=subject)


class Migration(migrations.Migration):
    dependencies = [
        ("actionplans", "0002_alter_actionitem_incident_alter_remedy_incident"),
        ("incidents", "0005_alter_incident_project"),
        ("reminders", "0004_move_heartbeat_and_notification"),
    ]

    operations = [
        migrations.AddField(
            model_name="reminder",
            name="action_item",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reminders",
                to="actionplans.actionitem",
                verbose_name="action item",
            ),
        ),
        migrations.AlterField(
            model_name="reminder",
            name="subject",
            field=models.CharField(max_length=50, blank=True, verbose_name="subject"),
        ),
        migrations.RunPython(subject_to_action_item, action_item_to_subject),
        migrations.RemoveConstraint(model_name="reminder", name="reminder_once"),
        migrations.RemoveField(model_name="reminder", name="subject"),
        migrations.AlterField(
            model_name="reminder",
            name="incident",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reminders",
                to="incidents.incident",
                verbose_name="incident",
            ),
        ),
        migrations.AlterField(
            model_name="snooze",
            name="incident",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="snoozes",
                to="incidents.incident",
                verbose_name="incident",
            ),
        ),
        migrations.AddConstraint(
            model_name="reminder",
            constraint=models.UniqueConstraint(
                condition=models.Q(("action_item__isnull", True)),
                fields=("incident", "kind", "due_at", "recipient"),
                name="reminder_once_per_incident_deadline",
            ),
        ),
        migrations.AddConstraint(
            model_name="reminder",
            constraint=models.UniqueConstraint(
                condition=models.Q(("action_item__isnull", False)),
                fields=("action_item", "kind", "due_at", "recipient"),
                name="reminder_once_per_action_deadline",
            ),
        ),
    ]
