from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.selectors import pmo_staff_to_ask, user_is_pmo
from apps.core.forms import add_service_errors
from apps.core.pages import back_to, bound, confirm_page, form_page
from apps.events.pages import history_context
from apps.events.selectors import project_actors, project_events

from . import services
from .forms import (
    ClientContactForm,
    DeliveryDateForm,
    MembershipForm,
    MilestoneForm,
    ProjectForm,
)
from .pages import PROJECT_PAGE
from .selectors import (
    Access,
    delivery_history,
    delivery_summary,
    get_milestone,
    get_project_for_user,
    project_detail,
    project_list_for_user,
    project_milestones,
)


@login_required
def project_list(request):
    archived = request.GET.get("archived") == "1"
    projects = project_list_for_user(request.user).filter(archived_at__isnull=not archived)
    return render(
        request,
        "projects/list.html",
        {"projects": projects, "archived": archived, "can_create": user_is_pmo(request.user)},
    )


@login_required
def project_create(request):
    if not user_is_pmo(request.user):
        # The rule is about who the user is, not their role on a project: say so, and whom to ask.
        context = {"pmo_staff": pmo_staff_to_ask(limit=3)}
        return render(request, "projects/create_refused.html", context, status=403)
    form = ProjectForm(request.POST or None, initial={"pmo_lead": request.user.pk})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.project_create(
                client=services.client_get_or_create(name=data["client_name"], actor=request.user),
                name=data["name"],
                description=data["description"],
                pmo_lead=data["pmo_lead"],
                first_contact_window_hours=data["first_contact_window_hours"],
                currency=data["currency"],
                delivery_date=data["delivery_date"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The project was created."))
            return redirect(project)
    return render(request, "projects/create.html", {"form": form})


def _project_page(request, project, access, *, member_form=None, status=200):
    project = project_detail(project)
    context = {
        "project": project,
        "access": access,
        "can_edit": access.can_edit,
        "can_archive": user_is_pmo(request.user),
        "member_form": member_form or MembershipForm(),
        "delivery_history": delivery_history(project),
        "milestones": project_milestones(project),
        "delivery": delivery_summary(project),
    }
    extra = PROJECT_PAGE.context(request=request, project=project, access=access)
    return render(request, "projects/detail.html", extra | context, status=status)


@login_required
def project_detail_view(request, pk: int):
    project, access = get_project_for_user(request.user, pk)
    return _project_page(request, project, access)


@login_required
def contact_create(request, pk: int):
    project, _access = get_project_for_user(request.user, pk, need=Access.WRITE)
    form = ClientContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_create(project=project, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The contact was added."))
            return redirect(project)
    return render(
        request, "projects/contact_form.html", {"project": project, "form": form, "contact": None}
    )


@login_required
def contact_edit(request, pk: int, contact_pk: int):
    project, _access = get_project_for_user(request.user, pk, need=Access.WRITE)
    contact = get_object_or_404(project.contacts, pk=contact_pk)
    form = ClientContactForm(request.POST or None, instance=project.contacts.get(pk=contact.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(contact=contact, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The contact was saved."))
            return redirect(project)
    return render(
        request,
        "projects/contact_form.html",
        {"project": project, "form": form, "contact": contact},
    )


@login_required
@require_POST
def member_add(request, pk: int):
    project, access = get_project_for_user(request.user, pk, need=Access.WRITE)
    form = MembershipForm(request.POST)
    if form.is_valid():
        try:
            services.membership_set(
                project=project,
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc, field="role")
        else:
            messages.success(request, _("The member was saved."))
            return redirect(project)
    return _project_page(request, project, access, member_form=form, status=400)


@login_required
@require_POST
def member_remove(request, pk: int, membership_pk: int):
    project, _access = get_project_for_user(request.user, pk, need=Access.WRITE)
    membership = get_object_or_404(project.memberships, pk=membership_pk)
    try:
        services.membership_remove(membership=membership, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The member was removed."))
    return redirect(project)


@login_required
@require_POST
def project_archive(request, pk: int):
    """PMO staff take a finished project off the lists (and bring it back)."""
    project, _access = get_project_for_user(request.user, pk, need=Access.WRITE)
    if not user_is_pmo(request.user):
        raise PermissionDenied
    restore = request.POST.get("restore") == "1"
    try:
        if restore:
            services.project_restore(project=project, actor=request.user)
        else:
            services.project_archive(project=project, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The project is back on the lists.")
            if restore
            else _("The project was archived: it is off the lists, and its history is kept."),
        )
    return redirect(project)


@login_required
def project_history(request, pk: int):
    """Everything on the project's record: team, contacts, links and every incident's changes."""
    project, _access = get_project_for_user(request.user, pk)
    context = history_context(
        request,
        lambda **filters: project_events(project.pk, **filters),
        project_actors(project.pk),
    )
    return render(
        request,
        "projects/history.html",
        {"project": project} | context,
        status=400 if context["form"].errors else 200,
    )


# --- the committed delivery date and the milestones -----------------------------------------


@login_required
def delivery_date_change(request, pk: int):
    """Project managers move the committed delivery date, saying why."""
    project, _access = get_project_for_user(request.user, pk, need=Access.WRITE)
    form = DeliveryDateForm(bound(request), project=project)
    if form.is_valid():
        try:
            services.project_change_delivery_date(
                project=project,
                actor=request.user,
                delivery_date=form.cleaned_data["delivery_date"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The delivery date was changed; its history keeps why."))
            return back_to(project, "delivery")
    return form_page(request, "projects/delivery_form.html", {"project": project}, form)


@login_required
def milestone_create(request, pk: int):
    project, _access = get_project_for_user(request.user, pk, need=Access.WRITE)
    form = MilestoneForm(bound(request))
    if form.is_valid():
        try:
            services.milestone_add(project=project, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The milestone was added."))
            return back_to(project, "milestones")
    return form_page(
        request, "projects/milestone_form.html", {"project": project, "milestone": None}, form
    )


@login_required
def milestone_edit(request, pk: int, milestone_pk: int):
    project, _access = get_project_for_user(request.user, pk, need=Access.WRITE)
    milestone = get_milestone(project, milestone_pk)
    form = MilestoneForm(bound(request), milestone=milestone)
    if form.is_valid():
        try:
            services.milestone_update(milestone=milestone, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The milestone was saved."))
            return back_to(project, "milestones")
    return form_page(
        request,
        "projects/milestone_form.html",
        {"project": project, "milestone": milestone},
        form,
    )


@login_required
def milestone_remove(request, pk: int, milestone_pk: int):
    project, _access = get_project_for_user(request.user, pk, need=Access.WRITE)
    milestone = get_milestone(project, milestone_pk)

    def remove():
        services.milestone_remove(milestone=milestone, actor=request.user)
        messages.success(request, _("The milestone was removed."))
        return back_to(project, "milestones")

    context = {"project": project, "milestone": milestone, "can_act": True}
    return confirm_page(request, "projects/milestone_remove.html", context, remove)
