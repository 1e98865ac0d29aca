import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.actionplans import selectors as plans
from apps.alternatives import selectors as alternatives
from apps.communications import selectors as communications
from apps.core.concurrency import EditConflict
from apps.core.conflicts import edit_conflict
from apps.core.forms import add_service_errors
from apps.projects.selectors import can_write_project, get_rw_project_for_user
from apps.reminders.forms import SnoozeForm
from apps.reminders.selectors import active_snoozes

from . import services
from .forms import CadenceForm, IncidentEditForm, IncidentForm, IncidentStatusForm
from .selectors import (
    can_contribute_to_incident,
    dashboard_incidents,
    get_incident_for_user,
    get_rw_incident_for_user,
)


@login_required
def dashboard(request):
    now = timezone.now()
    incidents = list(dashboard_incidents(request.user, now))
    return render(
        request,
        "incidents/dashboard.html",
        {
            "rows": [
                (incident, incident.next_step(now), incident.update_overdue(now))
                for incident in incidents
            ],
            "now": now,
        },
    )


@login_required
def incident_declare(request, project_pk: int):
    project = get_rw_project_for_user(request.user, project_pk)
    form = IncidentForm(request.POST or None, submit_label=_("Declare the incident"))
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.incident_declare(
                project=project, declared_by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Incident declared. The client must hear from you within %(hours)s hours.")
                % {"hours": project.first_contact_window_hours},
            )
            return redirect("incident_detail", pk=incident.pk)
    return render(request, "incidents/declare.html", {"project": project, "form": form})


def _detail_context(request, incident, **forms):
    now = timezone.now()
    can_edit = can_write_project(request.user, incident.project)
    return {
        "incident": incident,
        "project": incident.project,
        "checklist": incident.readiness_checklist(),
        "can_edit": can_edit,
        "can_contribute": can_edit or can_contribute_to_incident(request.user, incident),
        "status_form": forms.get("status_form") or IncidentStatusForm(incident=incident),
        "cadence_form": forms.get("cadence_form")
        or CadenceForm(
            initial={"cadence_hours": int(incident.update_cadence.total_seconds() // 3600)}
        ),
        "snooze_form": forms.get("snooze_form") or SnoozeForm(incident=incident, now=now),
        "timeline": communications.incident_timeline(incident),
        "drafts": communications.incident_drafts(incident),
        "scheduled_meetings": communications.scheduled_meetings(incident),
        "past_meetings": communications.past_meetings(incident),
        "snoozes": active_snoozes(incident, now),
        "plan": plans.incident_plan(incident, now),
        "remedies": list(plans.incident_remedies(incident)),
        "alternatives": alternatives.incident_alternatives(incident),
        "decisions": alternatives.incident_decisions(incident),
        "now": now,
    }


def render_incident_page(request, incident, *, status: int = 200, **forms):
    """The incident page, e.g. again with a form's errors (``snooze_form=form``)."""
    return render(
        request, "incidents/detail.html", _detail_context(request, incident, **forms), status=status
    )


@login_required
def incident_detail(request, pk: int):
    incident = get_incident_for_user(request.user, pk)
    return render(request, "incidents/detail.html", _detail_context(request, incident))


@login_required
def incident_edit(request, pk: int):
    incident = get_rw_incident_for_user(request.user, pk)
    # The form gets a copy: a ModelForm writes cleaned values onto its instance,
    # and the service must compare them with what is saved (e.g. the severity).
    form = IncidentEditForm(
        request.POST or None, instance=copy.copy(incident), submit_label=_("Save changes")
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        severity = data.pop("severity")
        version = data.pop("version")
        try:
            services.incident_update_disclosure(
                incident=incident, expected_version=version, severity=severity, **data
            )
        except EditConflict as exc:
            conflict = edit_conflict(form, exc.current)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The incident was updated."))
            return redirect("incident_detail", pk=incident.pk)
    return render(
        request,
        "incidents/edit.html",
        {"incident": incident, "form": form, "conflict": conflict},
        status=409 if conflict else 200,
    )


@login_required
@require_POST
def incident_change_status(request, pk: int):
    incident = get_rw_incident_for_user(request.user, pk)
    form = IncidentStatusForm(request.POST, incident=incident)
    if form.is_valid():
        try:
            incident = services.incident_change_status(
                incident=incident, status=form.cleaned_data["status"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc, field="status")
        else:
            messages.success(
                request,
                _("The incident is now “%(status)s”.") % {"status": incident.get_status_display()},
            )
            return redirect("incident_detail", pk=incident.pk)
    return render(
        request,
        "incidents/detail.html",
        _detail_context(request, incident, status_form=form),
        status=400,
    )


@login_required
@require_POST
def incident_set_cadence(request, pk: int):
    incident = get_rw_incident_for_user(request.user, pk)
    form = CadenceForm(request.POST)
    if form.is_valid():
        try:
            services.incident_set_cadence(incident=incident, cadence=form.cadence)
        except ValidationError as exc:
            add_service_errors(form, exc, field="cadence_hours")
        else:
            messages.success(request, _("The update cadence was changed."))
            return redirect("incident_detail", pk=incident.pk)
    return render(
        request,
        "incidents/detail.html",
        _detail_context(request, incident, cadence_form=form),
        status=400,
    )
