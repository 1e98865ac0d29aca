"""Pages for the action plan and the remedies.

Each view: access helper → form → one service call → redirect, or the form
again with the errors (400) or with both versions after an edit conflict
(409). Team members add and update actions; what the client is offered
(remedies) stays with the project managers and the PMO.
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
from .forms import (
    ActionItemEditForm,
    ActionItemForm,
    ActionItemProgressForm,
    RemedyAnswerForm,
    RemedyForm,
)
from .selectors import get_action_item, get_remedy


@login_required
def action_item_create(request, pk: int):
    incident, _access = get_incident_for_user(request.user, pk, need=Access.CONTRIBUTE)
    form = ActionItemForm(bound(request), incident=incident)
    if form.is_valid():
        try:
            services.action_item_create(incident=incident, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The action was added to the plan."))
            return back_to(incident, "plan")
    return form_page(
        request, "actionplans/item_form.html", {"incident": incident, "item": None}, form
    )


@login_required
def action_item_edit(request, pk: int, item_pk: int):
    incident, _access = get_incident_for_user(request.user, pk, need=Access.CONTRIBUTE)
    item = get_action_item(incident, item_pk)
    if incident.is_closed and not services.open_after_closing(item):
        messages.error(request, _("The incident is closed: its record is final."))
        return back_to(incident, f"item-{item.pk}")
    # A closed incident's prevention actions go on: only their progress is offered.
    form_class = ActionItemProgressForm if incident.is_closed else ActionItemEditForm
    form = form_class(bound(request), item=item)
    conflict = None
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            # A copy: the service writes the new values onto the item it is given,
            # and the page shows the item as saved if the change is refused.
            services.action_item_update(
                item=copy.copy(item), expected_version=version, actor=request.user, **data
            )
        except EditConflict as exc:
            conflict = edit_conflict(form, exc.current)
            item = exc.current
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The action was saved."))
            return back_to(incident, f"item-{item.pk}")
    return form_page(
        request,
        "actionplans/item_form.html",
        {"incident": incident, "item": item},
        form,
        conflict=conflict,
    )


@login_required
def remedy_create(request, pk: int):
    incident, _access = get_incident_for_user(request.user, pk, need=Access.WRITE)
    form = RemedyForm(bound(request))
    if form.is_valid():
        try:
            services.remedy_offer(incident=incident, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The offer was recorded. Record the client's answer."))
            return back_to(incident, "remedies")
    return form_page(request, "actionplans/remedy_form.html", {"incident": incident}, form)


@login_required
def remedy_answer(request, pk: int, remedy_pk: int):
    incident, _access = get_incident_for_user(request.user, pk, need=Access.WRITE)
    remedy = get_remedy(incident, remedy_pk)
    form = RemedyAnswerForm(bound(request), remedy=remedy)
    if form.is_valid():
        try:
            services.remedy_answer(
                remedy=copy.copy(remedy), actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The client's answer was recorded."))
            return back_to(incident, "remedies")
    return form_page(
        request, "actionplans/remedy_answer.html", {"incident": incident, "remedy": remedy}, form
    )
