"""Each decision taken before keeps, for each alternative it set aside, the reason given then.

Decisions used to take one reason for every alternative they set aside; the
record (``alternative.rejected``, which names its decision) kept that reason
for each of them. Each becomes that alternative's own reason on the decision.
"""

from django.db import migrations


def forward(apps, schema_editor):
    db = schema_editor.connection.alias
    Event = apps.get_model("events", "Event")
    Decision = apps.get_model("alternatives", "Decision")
    Alternative = apps.get_model("alternatives", "Alternative")
    Rejection = apps.get_model("alternatives", "Rejection")
    decisions = set(Decision.objects.using(db).values_list("pk", flat=True))
    alternatives = set(Alternative.objects.using(db).values_list("pk", flat=True))
    seen = set(Rejection.objects.using(db).values_list("decision_id", "alternative_id"))
    rows = []
    events = Event.objects.using(db).filter(verb="alternative.rejected").order_by("pk")
    for event in events.iterator():
        data = event.data or {}
        key = (data.get("decision"), event.object_id)
        reason = {
            "reason_en": (data.get("rejection_reason_en") or "").strip(),
            "reason_zh_hans": (data.get("rejection_reason_zh_hans") or "").strip(),
        }
        if key[0] not in decisions or key[1] not in alternatives or key in seen:
            continue
        if not any(reason.values()):
            continue
        seen.add(key)
        rows.append(Rejection(decision_id=key[0], alternative_id=key[1], **reason))
    Rejection.objects.using(db).bulk_create(rows, batch_size=500)


def backward(apps, schema_editor):
    # The alternatives and the record keep the reasons: nothing is lost going back.
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("alternatives", "0005_rejection_per_alternative"),
        ("events", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
