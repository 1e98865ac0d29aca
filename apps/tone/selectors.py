"""Reads about the tone check: what a project switched off, what was dismissed in an incident."""

from django.db.models import QuerySet
from django.http import Http404

from .models import Dismissal, RuleException


def disabled_rules(project) -> frozenset[str]:
    """The ids of the rules the project switched off (one query)."""
    project_id = getattr(project, "pk", project)
    return frozenset(
        RuleException.objects.filter(project_id=project_id).values_list("rule", flat=True)
    )


def rule_exceptions(project) -> QuerySet[RuleException]:
    """The project's switched-off rules, with who did it."""
    return RuleException.objects.filter(project=project).select_related("created_by")


def get_rule_exception(project, pk: int) -> RuleException:
    try:
        return RuleException.objects.get(project=project, pk=pk)
    except (RuleException.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def incident_dismissals(incident) -> dict[tuple[str, str, str], Dismissal]:
    """The incident's dismissals by (language, rule, words), with who made them (one query)."""
    incident_id = getattr(incident, "pk", incident)
    return {
        (d.language, d.rule, d.text): d
        for d in Dismissal.objects.filter(incident_id=incident_id).select_related("dismissed_by")
    }


def get_dismissal(incident, pk: int) -> Dismissal:
    try:
        return Dismissal.objects.get(incident=incident, pk=pk)
    except (Dismissal.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_dismissal_or_none(incident, pk) -> Dismissal | None:
    """The incident's dismissal ``pk`` (as typed in a form), or None."""
    try:
        return Dismissal.objects.filter(incident=incident, pk=int(pk)).first()
    except (ValueError, TypeError):
        return None
