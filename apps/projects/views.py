from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.selectors import user_is_pmo
from apps.core.forms import add_service_errors
from apps.incidents.selectors import project_incidents

from . import services
from .forms import ClientContactForm, MembershipForm, ProjectForm
from .selectors import (
    can_write_project,
    get_project_for_user,
    get_rw_project_for_user,
    project_detail,
    project_list_for_user,
)


@login_required
def project_list(request):
    return render(
        request,
        "projects/list.html",
        {
            "projects": project_list_for_user(request.user),
            "can_create": user_is_pmo(request.user),
        },
    )


@login_required
def project_create(request):
    if not user_is_pmo(request.user):
        raise PermissionDenied
    form = ProjectForm(request.POST or None, initial={"pmo_lead": request.user.pk})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.project_create(
                client=services.client_get_or_create(name=data["client_name"]),
                name=data["name"],
                description=data["description"],
                pmo_lead=data["pmo_lead"],
                first_contact_window_hours=data["first_contact_window_hours"],
                created_by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The project was created."))
            return redirect("project_detail", pk=project.pk)
    return render(request, "projects/create.html", {"form": form})


def _project_page(request, project, *, member_form=None, status=200):
    project = project_detail(project)
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "incidents": project_incidents(project.pk),
            "can_edit": can_write_project(request.user, project),
            "member_form": member_form or MembershipForm(),
        },
        status=status,
    )


@login_required
def project_detail_view(request, pk: int):
    return _project_page(request, get_project_for_user(request.user, pk))


@login_required
def contact_create(request, pk: int):
    project = get_rw_project_for_user(request.user, pk)
    form = ClientContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_create(project=project, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The contact was added."))
            return redirect("project_detail", pk=project.pk)
    return render(
        request, "projects/contact_form.html", {"project": project, "form": form, "contact": None}
    )


@login_required
def contact_edit(request, pk: int, contact_pk: int):
    project = get_rw_project_for_user(request.user, pk)
    contact = get_object_or_404(project.contacts, pk=contact_pk)
    form = ClientContactForm(request.POST or None, instance=project.contacts.get(pk=contact.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(contact=contact, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The contact was saved."))
            return redirect("project_detail", pk=project.pk)
    return render(
        request,
        "projects/contact_form.html",
        {"project": project, "form": form, "contact": contact},
    )


@login_required
@require_POST
def member_add(request, pk: int):
    project = get_rw_project_for_user(request.user, pk)
    form = MembershipForm(request.POST)
    if form.is_valid():
        try:
            services.membership_set(
                project=project, user=form.cleaned_data["user"], role=form.cleaned_data["role"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc, field="role")
        else:
            messages.success(request, _("The member was saved."))
            return redirect("project_detail", pk=project.pk)
    return _project_page(request, project, member_form=form, status=400)


@login_required
@require_POST
def member_remove(request, pk: int, membership_pk: int):
    project = get_rw_project_for_user(request.user, pk)
    membership = get_object_or_404(project.memberships, pk=membership_pk)
    try:
        services.membership_remove(membership=membership)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The member was removed."))
    return redirect("project_detail", pk=project.pk)
