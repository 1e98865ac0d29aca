"""What the case library puts on the incident pages (see ``apps.core.slots``)."""

from django.urls import reverse

from apps.core.bilingual import columns
from apps.incidents.models import CauseCategory, IncidentSeverity

from .selectors import Draft, similar_cases

#: The texts of the declare form that say what the incident is about.
DRAFT_TEXTS = columns("title", "summary", "cause", "cause_origin", "impact_scope")


def incident_page(*, request, incident, **kwargs) -> dict:
    """``INCIDENT_PAGE``: the closed cases most like this incident."""
    return {"similar_cases": similar_cases(incident, request.user)}


def draft_from(data, *, client_id=None) -> Draft:
    """What is typed in the declare form (or sent by its script), as a draft to compare."""
    texts = tuple(str(data.get(name, ""))[:5000] for name in DRAFT_TEXTS)
    if "q" in data:
        texts += (str(data.get("q", ""))[:5000],)
    category = data.get("cause_category", "")
    severity = data.get("severity", "")
    return Draft(
        texts=texts,
        cause_category=category if category in CauseCategory.values else "",
        severity=severity if severity in IncidentSeverity.values else "",
        client_id=client_id,
    )


def declare_similar(request, *, project) -> dict:
    """``SIMILAR_CASES``: similar past cases for what is typed while declaring.

    Without JavaScript, "Find similar cases" sends the form; the page comes
    back with what was typed and the cases (``similar_only``: nothing saved).
    """
    posted = request.method == "POST"
    cases = []
    if posted:
        cases = similar_cases(draft_from(request.POST, client_id=project.client_id), request.user)
    return {
        "similar_url": f"{reverse('case_similar')}?project={project.pk}",
        "similar_cases": cases,
        "similar_checked": posted,
        "similar_only": posted and "find_similar" in request.POST,
    }
