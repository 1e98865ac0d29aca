"""A known history of one incident: the reactions and the markers of its trust trend."""

from datetime import timedelta

from apps.actionplans.models import Remedy, RemedyAnswer
from apps.alternatives.models import Alternative, Decision
from apps.communications.models import UpdateStatus
from tests.factories import LogEntryFactory, StatusUpdateFactory

DAY = timedelta(days=1)


def make_history(declared, pm, now):
    """Four contacts with a reaction (one corrected), one without, and a marker of each kind.

    Day 0: declared; day 0.5: call, very negative; day 1: update published;
    day 1.5: meeting, negative (its correction says neutral); day 2: decision;
    day 2.5: e-mail with no reaction; day 3: remedy offered; day 3.5: call,
    positive; day 3.75: the remedy accepted.
    """
    start = declared.declared_at
    entries = {
        "first": LogEntryFactory(
            incident=declared, occurred_at=start + DAY / 2, reaction=-2, summary_en="Angry call."
        ),
        "corrected": LogEntryFactory(
            incident=declared, channel="meeting", occurred_at=start + 1.5 * DAY, reaction=-1
        ),
        "silent": LogEntryFactory(
            incident=declared, channel="email", occurred_at=start + 2.5 * DAY
        ),
        "last": LogEntryFactory(incident=declared, occurred_at=start + 3.5 * DAY, reaction=1),
    }
    entries["correction"] = LogEntryFactory(
        incident=declared,
        channel="meeting",
        occurred_at=start + 1.5 * DAY,
        reaction=0,
        corrects=entries["corrected"],
        recorded_at=now,
    )
    StatusUpdateFactory(
        incident=declared,
        status=UpdateStatus.PUBLISHED,
        published_at=start + DAY,
        published_by=pm,
    )
    StatusUpdateFactory(incident=declared)  # a draft is not marked
    alternative = Alternative.objects.create(
        incident=declared,
        title_en="Go live with a smaller scope",
        title_zh_hans="缩小范围上线",
        created_by=pm,
        created_at=start + DAY,
        updated_at=start + DAY,
    )
    Decision.objects.create(
        incident=declared,
        alternative=alternative,
        decided_at=start + 2 * DAY,
        rationale_en="The client needs the core now.",
        recorded_by=pm,
        recorded_at=start + 2 * DAY,
    )
    Remedy.objects.create(
        incident=declared,
        kind="discount",
        description_en="10% off the next invoice.",
        offered_at=start + 3 * DAY,
        answer=RemedyAnswer.ACCEPTED,
        answered_at=start + 3.75 * DAY,
        offered_by=pm,
    )
    return entries
