"""Pages for alternatives, their comparison and the decision taken with the client.

Each view: access helper → form → one service call → redirect, or the form
again with the errors (400), or with both versions after a conflict (409).
Project managers and the PMO propose and set aside alternatives; team
members record decisions too (they are in the meetings); viewers read.
"""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.communications.selectors import get_meeting
from apps.core.concurrency import EditConflict
from apps.core.conflicts import edit_conflict
from apps.core.forms import add_service_errors
from apps.core.pages import back_to, bound, form_page
from apps.incidents.selectors import get_incident_for_user
from apps.projects.selectors import Access
from apps.tone.pages import tone_form_check

from . import services
from .forms import AlternativeForm, DecisionForm, RejectForm
from .selectors import get_alternative, incident_alternatives, incident_decisions


@login_required
def alternative_create(request, pk: int):
    incident, _access = get_incident_for_user(request.user, pk, need=Access.WRITE)
    form = AlternativeForm(bound(request))
    if form.is_valid():
        try:
            services.alternative_propose(incident=incident, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The alternative was proposed."))
            return back_to(incident, "alternatives")
    return form_page(
        request,
        "alternatives/alternative_form.html",
        {"incident": incident, "alternative": None},
        form,
    )


@login_required
def alternative_edit(request, pk: int, alternative_pk: int):
    incident, _access = get_incident_for_user(request.user, pk, need=Access.WRITE)
    alternative = get_alternative(incident, alternative_pk)
    form = AlternativeForm(bound(request), alternative=alternative)
    conflict = None
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.alternative_update(
                alternative=copy.copy(alternative),
                actor=request.user,
                expected_version=version,
                **data,
            )
        except EditConflict as exc:
            conflict = edit_conflict(form, exc.current)
            alternative = exc.current
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The alternative was saved."))
            return back_to(incident, f"alternative-{alternative.pk}")
    return form_page(
        request,
        "alternatives/alternative_form.html",
        {"incident": incident, "alternative": alternative},
        form,
        conflict=conflict,
    )


@login_required
def alternative_reject(request, pk: int, alternative_pk: int):
    incident, _access = get_incident_for_user(request.user, pk, need=Access.WRITE)
    alternative = get_alternative(incident, alternative_pk)
    form = RejectForm(bound(request))
    if form.is_valid():
        try:
            services.alternative_reject(
                alternative=alternative, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The alternative was set aside."))
            return back_to(incident, f"alternative-{alternative.pk}")
    return form_page(
        request,
        "alternatives/reject.html",
        {"incident": incident, "alternative": alternative},
        form,
    )


@login_required
def alternative_compare(request, pk: int):
    incident, access = get_incident_for_user(request.user, pk)
    return render(
        request,
        "alternatives/compare.html",
        {
            "incident": incident,
            "can_choose": access.can_contribute and not incident.is_closed,
            "alternatives": incident_alternatives(incident),
            "decisions": incident_decisions(incident),
            "now": timezone.now(),
        },
    )


def _is_decision_conflict(exc: ValidationError) -> bool:
    return not hasattr(exc, "error_dict") and any(
        error.code == "decision_conflict" for error in exc.error_list
    )


@login_required
def decision_record(request, pk: int, meeting_pk: int | None = None):
    """Record a decision; from a meeting's page, the meeting's people are the default.

    ``?alternative=<id>`` ticks the alternative the user came to choose.
    """
    incident, access = get_incident_for_user(request.user, pk, need=Access.CONTRIBUTE)
    meeting = get_meeting(incident, meeting_pk) if meeting_pk is not None else None
    decisions = incident_decisions(incident)
    form = DecisionForm(
        bound(request),
        incident=incident,
        current=decisions.current,
        meeting=meeting,
        user=request.user,
        alternative_id=request.GET.get("alternative"),
    )
    conflict = False
    tone = tone_form_check(request, subject="decision", form_id="decision-form", incident=incident)
    if not tone["tone_only"] and form.is_valid():
        data = dict(form.cleaned_data)
        expected = data.pop("expected_current_decision")
        try:
            services.decision_record(
                incident=incident,
                actor=request.user,
                expected_current_decision_id=expected,
                **data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            if _is_decision_conflict(exc):
                # Show the decision recorded meanwhile; submitting again is then a
                # deliberate choice to replace it, and what was typed is kept.
                conflict = True
                decisions = incident_decisions(incident)
                form.data = form.data.copy()
                form.data["expected_current_decision"] = (
                    decisions.current.pk if decisions.current else ""
                )
        else:
            messages.success(request, _("The decision was recorded."))
            return back_to(incident, "decision")
    context = {
        "incident": incident,
        "meeting": meeting,
        "decisions": decisions,
        "decision_conflict": conflict,
        "can_edit": access.can_edit,
        "form": form,
        **tone,
    }
    status = 409 if conflict else 400 if form.errors else 200
    return render(request, "alternatives/decision_form.html", context, status=status)
