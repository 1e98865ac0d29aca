"""The incident page, with the slot the apps above fill.

The incident page shows the timeline, the plan, the options and the snoozes,
which belong to apps above the incidents: each fills ``INCIDENT_PAGE`` from
its ``AppConfig.ready()`` (see ``apps.core.slots``). Any view that shows the
page again with a form's errors calls ``render_incident_page`` — never another
app's views.
"""

from datetime import timedelta

from django.shortcuts import render
from django.utils import timezone

from apps.core.slots import Slot
from apps.projects.selectors import Access, delivery_summary

from .forms import CadenceForm, IncidentStatusForm
from .models import Incident

#: Fillers are called with ``request``, ``incident``, ``access``, ``now`` and
#: ``forms`` (bound forms to show again, by context name) and return context.
INCIDENT_PAGE = Slot("incident page")
#: The tone check on the disclosure as it is written (the tone app fills it).
#: Fillers get ``request``, ``subject``, ``form_id``, ``incident`` (None while
#: declaring) and ``project``, and return the form page's context, with
#: ``tone_only`` true when the request only asked the check.
TONE_CHECK = Slot("the tone check on a form being written")
#: Similar past cases while an incident is declared (the case library fills it).
#: Fillers get ``request`` and ``project`` and return the declare page's context,
#: with ``similar_only`` true when the request only asked for the cases.
SIMILAR_CASES = Slot("similar past cases while declaring")


def tone_check(request, **kwargs) -> dict:
    """The tone check's part of a form page; nothing when no app fills the slot."""
    return {"tone_only": False} | TONE_CHECK.context(request=request, **kwargs)


def similar_cases_panel(request, **kwargs) -> dict:
    """The similar past cases' part of the declare page; nothing when no app fills the slot."""
    return {"similar_only": False} | SIMILAR_CASES.context(request=request, **kwargs)


def incident_page_context(request, incident: Incident, access: Access, **forms) -> dict:
    now = timezone.now()
    cadence_hours = int(incident.update_cadence / timedelta(hours=1))
    context = {
        "incident": incident,
        "project": incident.project,
        "checklist": incident.readiness_checklist(),
        "access": access,
        "can_edit": access.can_edit,
        "can_contribute": access.can_contribute,
        "status_form": forms.get("status_form") or IncidentStatusForm(incident=incident),
        "cadence_form": forms.get("cadence_form")
        or CadenceForm(initial={"cadence_hours": cadence_hours}),
        "delivery": delivery_summary(incident.project),
        "now": now,
    }
    return (
        INCIDENT_PAGE.context(
            request=request, incident=incident, access=access, now=now, forms=forms
        )
        | context
    )


def render_incident_page(request, incident: Incident, access: Access, *, status=200, **forms):
    """The incident page, e.g. again with a form's errors (``snooze_form=form``, status 400)."""
    return render(
        request,
        "incidents/detail.html",
        incident_page_context(request, incident, access, **forms),
        status=status,
    )
