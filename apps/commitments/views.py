"""Pages for the commitments to the client.

Each view: access helper → form → one service call → redirect, or the form
again with the errors (400) or with both versions after an edit conflict (409).
"""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from apps.core.concurrency import EditConflict
from apps.core.conflicts import edit_conflict
from apps.core.forms import add_service_errors
from apps.core.pages import back_to, bound, form_page
from apps.incidents.selectors import get_incident_for_user
from apps.projects.selectors import Access

from . import services
from .forms import CommitmentEditForm, CommitmentForm, KeepForm, MissForm
from .selectors import get_commitment

FORM = "commitments/form.html"


@login_required
def commitment_create(request, pk: int):
    incident, _access = get_incident_for_user(request.user, pk, need=Access.CONTRIBUTE)
    form = CommitmentForm(bound(request), incident=incident)
    if form.is_valid():
        try:
            services.commitment_make(incident=incident, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The commitment was recorded."))
            return back_to(incident, "commitments")
    context = {"incident": incident, "commitment": None, "step": "make"}
    return form_page(request, FORM, context, form)


def _open_or_back(request, incident, commitment):
    if incident.is_closed:
        messages.error(request, _("The incident is closed: its record is final."))
        return back_to(incident, f"commitment-{commitment.pk}")
    if not commitment.is_open:
        messages.error(request, _("This commitment is already settled."))
        return back_to(incident, f"commitment-{commitment.pk}")
    return None


@login_required
def commitment_edit(request, pk: int, commitment_pk: int):
    incident, _access = get_incident_for_user(request.user, pk, need=Access.CONTRIBUTE)
    commitment = get_commitment(incident, commitment_pk)
    if refused := _open_or_back(request, incident, commitment):
        return refused
    form = CommitmentEditForm(bound(request), commitment=commitment)
    conflict = None
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.commitment_update(
                commitment=copy.copy(commitment),
                expected_version=version,
                actor=request.user,
                **data,
            )
        except EditConflict as exc:
            conflict = edit_conflict(form, exc.current)
            commitment = exc.current
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The commitment was saved."))
            return back_to(incident, f"commitment-{commitment.pk}")
    context = {"incident": incident, "commitment": commitment, "step": "edit"}
    return form_page(request, FORM, context, form, conflict=conflict)


@login_required
def commitment_keep(request, pk: int, commitment_pk: int):
    incident, _access = get_incident_for_user(request.user, pk, need=Access.CONTRIBUTE)
    commitment = get_commitment(incident, commitment_pk)
    if refused := _open_or_back(request, incident, commitment):
        return refused
    form = KeepForm(bound(request))
    if form.is_valid():
        try:
            services.commitment_keep(
                commitment=commitment, actor=request.user, kept_at=form.cleaned_data["kept_at"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The commitment was marked as kept."))
            return back_to(incident, "commitments")
    context = {"incident": incident, "commitment": commitment, "step": "keep"}
    return form_page(request, FORM, context, form)


@login_required
def commitment_miss(request, pk: int, commitment_pk: int):
    incident, _access = get_incident_for_user(request.user, pk, need=Access.CONTRIBUTE)
    commitment = get_commitment(incident, commitment_pk)
    if refused := _open_or_back(request, incident, commitment):
        return refused
    form = MissForm(bound(request))
    if form.is_valid():
        try:
            services.commitment_miss(commitment=commitment, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The commitment was marked as missed."))
            return back_to(incident, "commitments")
    context = {"incident": incident, "commitment": commitment, "step": "miss"}
    return form_page(request, FORM, context, form)
