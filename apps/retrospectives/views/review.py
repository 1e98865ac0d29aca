"""The review's pages: the retrospective, its texts, causes, timeline and improvements.

Each view: access helper → form → one service call → redirect, or the form
again with the errors (400) or both versions after an edit conflict (409).
Team members write the review; the client report and closing are the
project managers' (and the PMO's).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.concurrency import EditConflict
from apps.core.conflicts import edit_conflict
from apps.core.forms import add_service_errors
from apps.core.pages import bound, confirm_page, form_page
from apps.events.display import event_line
from apps.incidents.selectors import get_incident_for_user
from apps.projects.selectors import Access
from apps.tone.pages import tone_form_check

from .. import services
from ..forms import (
    ImprovementForm,
    ReportForm,
    ReviewForm,
    RootCauseForm,
    TimelineLineForm,
    TimelineNoteForm,
)
from ..models import REVIEW_TEXTS, Retrospective
from ..selectors import (
    get_retrospective,
    prevention_items,
    retrospective_figures,
    retrospective_timeline,
    review_meetings,
    timeline_events,
)
from ..services.publish import report_gaps


def _url(retrospective: Retrospective, anchor: str = "") -> str:
    url = reverse("retrospective", args=[retrospective.incident_id])
    return f"{url}#{anchor}" if anchor else url


def _retrospective(request, pk: int, need: Access = Access.CONTRIBUTE):
    """The incident and its retrospective; 404 while there is none to write."""
    incident, access = get_incident_for_user(request.user, pk, need=need)
    retrospective = get_retrospective(incident)
    if retrospective is None:
        raise Http404("No retrospective yet")
    retrospective.incident = incident
    return incident, access, retrospective


@login_required
def retrospective_detail(request, pk: int):
    incident, access = get_incident_for_user(request.user, pk)
    retrospective = get_retrospective(incident)
    context = {"incident": incident, "project": incident.project, "access": access}
    if retrospective is None:
        return render(request, "retrospectives/not_started.html", context)
    retrospective.incident = incident
    timeline = retrospective_timeline(retrospective)
    show_hidden = request.GET.get("hidden") == "1"
    context |= {
        "retrospective": retrospective,
        "timeline": timeline if show_hidden else [item for item in timeline if not item.hidden],
        "hidden_count": sum(item.hidden for item in timeline),
        "show_hidden": show_hidden,
        "figures": retrospective_figures(incident),
        "causes": list(retrospective.root_causes.all()),
        "improvements": list(prevention_items(incident)),
        "review_meetings": list(review_meetings(incident)),
        "report_gaps": report_gaps(retrospective),
        "review_texts": [
            (
                Retrospective._meta.get_field(name).verbose_name.capitalize(),
                getattr(retrospective, name),
            )
            for name in REVIEW_TEXTS
        ],
        "now": timezone.now(),
        "can_contribute": access.can_contribute and not incident.is_closed,
        "can_edit": access.can_edit and not incident.is_closed,
    }
    return render(request, "retrospectives/detail.html", context)


@login_required
@require_POST
def retrospective_start(request, pk: int):
    incident, _access = get_incident_for_user(request.user, pk, need=Access.CONTRIBUTE)
    try:
        services.retrospective_start(incident=incident, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("retrospective", pk=incident.pk)


def _save_texts(request, retrospective, form, *, done: str, anchor: str):
    """Save a form of texts with its version; the response, or the conflict to show."""
    data = dict(form.cleaned_data)
    version = data.pop("version")
    try:
        services.retrospective_update(
            retrospective=retrospective, actor=request.user, expected_version=version, **data
        )
    except EditConflict as exc:
        return None, edit_conflict(form, exc.current)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None, None
    messages.success(request, done)
    return redirect(_url(retrospective, anchor)), None


@login_required
def review_edit(request, pk: int):
    incident, _access, retrospective = _retrospective(request, pk)
    form = ReviewForm(bound(request), retrospective=retrospective)
    conflict = None
    if form.is_valid():
        response, conflict = _save_texts(
            request, retrospective, form, done=_("The review was saved."), anchor="review"
        )
        if response:
            return response
    context = {"incident": incident, "retrospective": retrospective}
    return form_page(request, "retrospectives/review_form.html", context, form, conflict=conflict)


@login_required
def report_edit(request, pk: int):
    incident, _access, retrospective = _retrospective(request, pk, need=Access.WRITE)
    form = ReportForm(bound(request), retrospective=retrospective)
    tone = tone_form_check(
        request, subject="retrospective", form_id="report-form", incident=incident
    )
    conflict = None
    if not tone["tone_only"] and form.is_valid():
        response, conflict = _save_texts(
            request,
            retrospective,
            form,
            done=_("The client report was saved. Read it as the client will before publishing."),
            anchor="report",
        )
        if response:
            return response
    context = {
        "incident": incident,
        "retrospective": retrospective,
        "gaps": report_gaps(retrospective),
        **tone,
    }
    return form_page(request, "retrospectives/report_form.html", context, form, conflict=conflict)


@login_required
def root_cause_edit(request, pk: int, cause_pk: int | None = None):
    incident, _access, retrospective = _retrospective(request, pk)
    cause = (
        get_object_or_404(retrospective.root_causes, pk=cause_pk) if cause_pk is not None else None
    )
    form = RootCauseForm(bound(request), cause=cause)
    if form.is_valid():
        try:
            if cause is None:
                cause = services.root_cause_add(
                    retrospective=retrospective, actor=request.user, **form.cleaned_data
                )
            else:
                cause.retrospective = retrospective
                services.root_cause_update(cause=cause, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The root cause was saved."))
            return redirect(_url(retrospective, f"cause-{cause.pk}"))
    context = {"incident": incident, "retrospective": retrospective, "cause": cause}
    return form_page(request, "retrospectives/cause_form.html", context, form)


@login_required
def root_cause_remove(request, pk: int, cause_pk: int):
    incident, _access, retrospective = _retrospective(request, pk)
    cause = get_object_or_404(retrospective.root_causes, pk=cause_pk)
    cause.retrospective = retrospective

    def act():
        services.root_cause_remove(cause=cause, actor=request.user)
        messages.success(request, _("The root cause was removed; the History keeps what it said."))
        return redirect(_url(retrospective, "causes"))

    context = {
        "incident": incident,
        "retrospective": retrospective,
        "cause": cause,
        "can_act": not incident.is_closed,
    }
    return confirm_page(request, "retrospectives/cause_remove.html", context, act)


@login_required
def timeline_note(request, pk: int, event_pk: int):
    incident, _access, retrospective = _retrospective(request, pk)
    event = timeline_events(incident).filter(pk=event_pk).first()
    if event is None:
        raise Http404("Not on this incident's timeline")
    note = retrospective.timeline_lines.filter(event=event).first()
    form = TimelineNoteForm(bound(request), note=note)
    if form.is_valid():
        try:
            services.timeline_note(
                retrospective=retrospective, actor=request.user, event=event, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The timeline was annotated."))
            return redirect(_url(retrospective, f"line-event-{event.pk}"))
    context = {
        "incident": incident,
        "retrospective": retrospective,
        "line": event_line(event),
    }
    return form_page(request, "retrospectives/timeline_note.html", context, form)


@login_required
def timeline_line_edit(request, pk: int, line_pk: int | None = None):
    incident, _access, retrospective = _retrospective(request, pk)
    line = (
        get_object_or_404(retrospective.timeline_lines, pk=line_pk, event__isnull=True)
        if line_pk is not None
        else None
    )
    form = TimelineLineForm(bound(request), line=line)
    if form.is_valid():
        try:
            if line is None:
                line = services.timeline_line_add(
                    retrospective=retrospective, actor=request.user, **form.cleaned_data
                )
            else:
                line.retrospective = retrospective
                services.timeline_line_edit(line=line, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The timeline line was saved."))
            return redirect(_url(retrospective, f"line-{line.pk}"))
    context = {"incident": incident, "retrospective": retrospective, "line": line}
    return form_page(request, "retrospectives/timeline_line_form.html", context, form)


@login_required
def improvement_create(request, pk: int):
    incident, _access, retrospective = _retrospective(request, pk)
    form = ImprovementForm(bound(request), incident=incident)
    if form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("kind", None)
        try:
            item = services.improvement_add(retrospective=retrospective, actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The improvement is on the action plan; its owner is reminded when it is due."),
            )
            return redirect(_url(retrospective, f"improvement-{item.pk}"))
    context = {"incident": incident, "retrospective": retrospective}
    return form_page(request, "retrospectives/improvement_form.html", context, form)


@login_required
def retrospective_close(request, pk: int):
    """Close the incident: with the report published, or with the reason there is none."""
    incident, _access, retrospective = _retrospective(request, pk, need=Access.WRITE)
    reason = (request.POST.get("reason") or "") if request.method == "POST" else ""

    def act():
        if retrospective.is_published:
            services.retrospective_close(incident=incident, actor=request.user)
        else:
            services.retrospective_close_without_report(
                incident=incident, actor=request.user, reason=reason
            )
        messages.success(request, _("The incident is closed. It is now a case in the library."))
        return redirect("incident_detail", pk=incident.pk)

    context = {
        "incident": incident,
        "retrospective": retrospective,
        "reason": reason,
        "can_act": incident.status == "resolved",
    }
    return confirm_page(request, "retrospectives/close.html", context, act)
