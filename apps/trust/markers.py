"""The updates, decisions and remedies marked on the trust trend (one query each)."""

from django.utils.translation import gettext as _

from apps.actionplans.models import Remedy, RemedyAnswer
from apps.alternatives.models import Decision
from apps.communications.models import UpdateStatus
from apps.communications.trend import TrendMarker
from apps.incidents.models import Incident


def update_markers(markers: list[TrendMarker], *, incident: Incident) -> list[TrendMarker]:
    published = incident.updates.filter(status=UpdateStatus.PUBLISHED, published_at__isnull=False)
    name = _("Update published")
    return markers + [
        TrendMarker(at=at, kind="update", kind_name=name, label=name)
        for at in published.order_by("published_at", "pk").values_list("published_at", flat=True)
    ]


def decision_markers(markers: list[TrendMarker], *, incident: Incident) -> list[TrendMarker]:
    decisions = (
        Decision.objects.filter(incident=incident)
        .select_related("alternative")
        .order_by("decided_at", "pk")
    )
    name = _("Decision recorded")
    return markers + [
        TrendMarker(
            at=decision.decided_at,
            kind="decision",
            kind_name=name,
            label=_("Decision: %(option)s") % {"option": decision.alternative.title},
        )
        for decision in decisions
    ]


def remedy_markers(markers: list[TrendMarker], *, incident: Incident) -> list[TrendMarker]:
    """A remedy marks its offer and, once the client answered, the answer."""
    name = _("Remedy offered or answered")
    found = []
    for remedy in Remedy.objects.filter(incident=incident).order_by("offered_at", "pk"):
        kind = remedy.get_kind_display()
        found.append(
            TrendMarker(
                at=remedy.offered_at,
                kind="remedy",
                kind_name=name,
                label=_("Remedy offered: %(kind)s") % {"kind": kind},
            )
        )
        if remedy.answer != RemedyAnswer.PENDING and remedy.answered_at is not None:
            label = (
                _("Remedy accepted: %(kind)s")
                if remedy.answer == RemedyAnswer.ACCEPTED
                else _("Remedy declined: %(kind)s")
            )
            found.append(
                TrendMarker(
                    at=remedy.answered_at,
                    kind="remedy",
                    kind_name=name,
                    label=label % {"kind": kind},
                )
            )
    return markers + found
