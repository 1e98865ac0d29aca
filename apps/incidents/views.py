import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.concurrency import EditConflict
from apps.core.conflicts import edit_conflict
from apps.core.forms import add_service_errors
from apps.core.pages import bound, confirm_page
from apps.events.pages import history_context
from apps.events.selectors import incident_actors, incident_events
from apps.projects.selectors import Access, get_project_for_user

from . import services
from .forms import CadenceForm, IncidentEditForm, IncidentForm, IncidentStatusForm, ResolveForm
from .models import IncidentStatus
from .pages import render_incident_page, similar_cases_panel, tone_check
from .selectors import (
    dashboard_incidents,
    get_incident_for_user,
    incident_open_work,
    projects_to_declare_in,
    recently_resolved_incidents,
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
            "declare_projects": list(projects_to_declare_in(request.user)),
            "recently_resolved": list(recently_resolved_incidents(request.user, now)),
        },
    )


@login_required
def incident_declare(request, project_pk: int):
    project, _access = get_project_for_user(request.user, project_pk, need=Access.WRITE)
    similar = similar_cases_panel(request, project=project)
    form = IncidentForm(
        request.POST or None,
        submit_label=_("Declare the incident"),
        find_similar="similar_url" in similar,
    )
    tone = tone_check(
        request, subject="disclosure", form_id="incident-form", incident=None, project=project
    )
    only_checking = tone["tone_only"] or similar["similar_only"]
    if request.method == "POST" and not only_checking and form.is_valid():
        try:
            incident = services.incident_declare(
                project=project, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Incident declared. The client must hear from you within %(hours)s hours.")
                % {"hours": project.first_contact_window_hours},
            )
            return redirect(incident)
    return render(
        request,
        "incidents/declare.html",
        {"project": project, "form": form, **tone, **similar},
    )


@login_required
def incident_detail(request, pk: int):
    incident, access = get_incident_for_user(request.user, pk)
    return render_incident_page(request, incident, access)


@login_required
def incident_edit(request, pk: int):
    incident, _access = get_incident_for_user(request.user, pk, need=Access.WRITE)
    # The form gets a copy: a ModelForm writes cleaned values onto its instance,
    # and the service must compare them with what is saved (e.g. the severity).
    form = IncidentEditForm(
        request.POST or None, instance=copy.copy(incident), submit_label=_("Save changes")
    )
    conflict = None
    tone = tone_check(
        request,
        subject="disclosure",
        form_id="incident-form",
        incident=incident,
        project=incident.project_id,
    )
    if request.method == "POST" and not tone["tone_only"] and form.is_valid():
        data = dict(form.cleaned_data)
        severity = data.pop("severity")
        version = data.pop("version")
        try:
            services.incident_update_disclosure(
                incident=incident,
                actor=request.user,
                expected_version=version,
                severity=severity,
                **data,
            )
        except EditConflict as exc:
            conflict = edit_conflict(form, exc.current)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The incident was updated."))
            return redirect(incident)
    return render(
        request,
        "incidents/edit.html",
        {"incident": incident, "form": form, "conflict": conflict, **tone},
        status=409 if conflict else 200,
    )


@login_required
@require_POST
def incident_change_status(request, pk: int):
    incident, access = get_incident_for_user(request.user, pk, need=Access.WRITE)
    form = IncidentStatusForm(request.POST, incident=incident)
    if form.is_valid():
        status = form.cleaned_data["status"]
        if status == IncidentStatus.RESOLVED and incident_open_work(incident):
            # Actions are still open: the PM confirms, and says why, first.
            return redirect(reverse("incident_resolve", args=[incident.pk]))
        try:
            incident = services.incident_change_status(
                incident=incident, actor=request.user, status=status
            )
        except ValidationError as exc:
            add_service_errors(form, exc, field="status")
        else:
            messages.success(
                request,
                _("The incident is now “%(status)s”.") % {"status": incident.get_status_display()},
            )
            return redirect(incident)
    return render_incident_page(request, incident, access, status=400, status_form=form)


@login_required
def incident_resolve(request, pk: int):
    """Resolve the incident, after a look at what is still open on it and why resolve anyway.

    The reason is needed only while work is open (the plan's remediation
    actions); the service refuses to resolve without it all the same.
    """
    incident, _access = get_incident_for_user(request.user, pk, need=Access.WRITE)
    open_work = incident_open_work(incident)
    form = ResolveForm(bound(request), reason_required=bool(open_work))
    context = {
        "incident": incident,
        "project": incident.project,
        "open_work": open_work,
        "form": form,
        "can_act": IncidentStatus.RESOLVED in incident.next_statuses,
    }

    def resolve():
        if not form.is_valid():
            return render(request, "incidents/resolve.html", context | {"error": None}, status=400)
        services.incident_resolve(
            incident=incident, actor=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(
            request,
            _("The incident is now “%(status)s”.")
            % {"status": IncidentStatus(IncidentStatus.RESOLVED).label},
        )
        return redirect(incident)

    return confirm_page(request, "incidents/resolve.html", context, resolve)


@login_required
@require_POST
def incident_set_cadence(request, pk: int):
    incident, access = get_incident_for_user(request.user, pk, need=Access.WRITE)
    form = CadenceForm(request.POST)
    if form.is_valid():
        try:
            services.incident_set_cadence(
                incident=incident, actor=request.user, cadence=form.cadence
            )
        except ValidationError as exc:
            add_service_errors(form, exc, field="cadence_hours")
        else:
            messages.success(request, _("The update cadence was changed."))
            return redirect(incident)
    return render_incident_page(request, incident, access, status=400, cadence_form=form)


@login_required
def incident_history(request, pk: int):
    """Who changed what, and when: the incident's record of changes, filterable.

    Every project member reads it (PMO staff too); anyone else gets a 404.
    A fixed number of queries, however long the history.
    """
    incident, _access = get_incident_for_user(request.user, pk)
    context = history_context(
        request,
        lambda **filters: incident_events(incident.pk, **filters),
        incident_actors(incident.pk),
    )
    return render(
        request,
        "incidents/history.html",
        {"incident": incident, "project": incident.project} | context,
        status=400 if context["form"].errors else 200,
    )
