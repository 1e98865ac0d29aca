"""The projects' admin: every write goes through the services, so the rules and the record hold.

Clients and projects with history are never deleted (archive them instead);
the membership inline keeps at least one project manager, as the app does.
A project's delivery date is read here, never typed: it changes with a
reason, on the project page, and its history is read only.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    Client,
    ClientContact,
    DeliveryDateChange,
    Membership,
    Milestone,
    Project,
    ProjectRole,
)
from .selectors import client_has_history, is_last_pm, project_has_history


class ArchivedFilter(admin.SimpleListFilter):
    title = _("archived")
    parameter_name = "archived"

    def lookups(self, request, model_admin):
        return [("no", _("Active")), ("yes", _("Archived"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(archived_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(archived_at__isnull=False)
        return queryset


def _report(model_admin, request, obj, exc: ValidationError) -> None:
    model_admin.message_user(request, f"{obj}: {' '.join(exc.messages)}", messages.ERROR)


class ProjectInline(admin.TabularInline):
    """The client's projects, to open; projects are created and changed on their own page."""

    model = Project
    fields = ("name", "pmo_lead", "first_contact_window_hours", "archived_at")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ("name", "project_count", "created_at", "archived_at")
    list_filter = (ArchivedFilter,)
    search_fields = ("name",)
    fields = ("name", "notes", "archived_at")
    readonly_fields = ("archived_at",)
    inlines = [ProjectInline]
    actions = ["archive", "restore"]

    @admin.display(description=_("projects"))
    def project_count(self, obj):
        return obj.projects.count()

    def has_delete_permission(self, request, obj=None):
        # A client is history once it has projects or a record: archive it instead.
        return (
            obj is not None
            and not client_has_history(obj)
            and super().has_delete_permission(request, obj)
        )

    def save_model(self, request, obj, form, change):
        if change:
            services.client_update(client=obj, actor=request.user, name=obj.name, notes=obj.notes)
        else:
            created = services.client_get_or_create(name=obj.name, actor=request.user)
            obj.pk = created.pk
            if obj.notes:
                services.client_update(
                    client=created, actor=request.user, name=created.name, notes=obj.notes
                )
        obj.refresh_from_db()

    @admin.action(description=_("Archive the selected clients"))
    def archive(self, request, queryset):
        for client in queryset:
            try:
                services.client_archive(client=client, actor=request.user)
            except ValidationError as exc:
                _report(self, request, client, exc)

    @admin.action(description=_("Restore the selected clients"))
    def restore(self, request, queryset):
        for client in queryset:
            services.client_restore(client=client, actor=request.user)


class MembershipFormSet(BaseInlineFormSet):
    """The team as the inline would leave it keeps a project manager (like the app)."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        roles = []
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            roles.append(form.cleaned_data.get("role"))
        had_pm = self.instance.pk and self.instance.memberships.filter(role=ProjectRole.PM).exists()
        if had_pm and ProjectRole.PM not in roles:
            raise ValidationError(services.LAST_PM, code="last_pm")


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    fields = ("user", "role")
    extra = 0
    autocomplete_fields = ("user",)


class ClientContactInline(admin.TabularInline):
    model = ClientContact
    extra = 0
    can_delete = False
    fields = services.CONTACT_FIELDS


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("name", "client", "pmo_lead", "first_contact_window_hours", "created_at")
    list_filter = (ArchivedFilter, "client")
    list_select_related = ("client", "pmo_lead")
    search_fields = ("name", "client__name", "description")
    autocomplete_fields = ("client", "pmo_lead")
    fields = (*services.PROJECT_FIELDS, "delivery_date", "archived_at")
    readonly_fields = ("delivery_date", "archived_at")
    inlines = [MembershipInline, ClientContactInline]
    actions = ["archive", "restore"]

    def has_delete_permission(self, request, obj=None):
        # A project is history once it has incidents or a record: archive it instead.
        return (
            obj is not None
            and not project_has_history(obj)
            and super().has_delete_permission(request, obj)
        )

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in services.PROJECT_FIELDS}
        if change:
            services.project_update(project=obj, actor=request.user, **fields)
        else:
            created = services.project_create(actor=request.user, **fields)
            obj.pk = created.pk
        obj.refresh_from_db()

    def save_formset(self, request, form, formset, change):
        """Members and contacts through the services: the rules, and who did it, are kept.

        The formset's lists of new, changed and deleted rows are filled as
        Django's own save would, for the admin's change message.
        """
        project = form.instance
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            if not inline_form.cleaned_data:
                continue
            if formset.model is Membership:
                self._save_membership(request, project, formset, inline_form)
            elif formset.model is ClientContact:
                self._save_contact(request, project, formset, inline_form)

    def _save_membership(self, request, project, formset, inline_form):
        data = inline_form.cleaned_data
        membership = inline_form.instance if inline_form.instance.pk else None
        if data.get("DELETE"):
            if membership is not None:
                services.membership_remove(membership=membership, actor=request.user)
                formset.deleted_objects.append(membership)
            return
        if membership is not None and membership.user_id != data["user"].pk:
            # Another person in the same row: the old member leaves, the new one joins.
            services.membership_remove(membership=membership, actor=request.user)
            formset.deleted_objects.append(membership)
            membership = None
        if membership is None or inline_form.has_changed():
            saved = services.membership_set(
                project=project, user=data["user"], role=data["role"], actor=request.user
            )
            if membership is None:
                formset.new_objects.append(saved)
            else:
                formset.changed_objects.append((saved, inline_form.changed_data))

    def _save_contact(self, request, project, formset, inline_form):
        fields = {name: inline_form.cleaned_data[name] for name in services.CONTACT_FIELDS}
        if inline_form.instance.pk is None:
            created = services.contact_create(project=project, actor=request.user, **fields)
            formset.new_objects.append(created)
        elif inline_form.has_changed():
            services.contact_update(contact=inline_form.instance, actor=request.user, **fields)
            formset.changed_objects.append((inline_form.instance, inline_form.changed_data))

    @admin.action(description=_("Archive the selected projects"))
    def archive(self, request, queryset):
        for project in queryset:
            try:
                services.project_archive(project=project, actor=request.user)
            except ValidationError as exc:
                _report(self, request, project, exc)

    @admin.action(description=_("Restore the selected projects"))
    def restore(self, request, queryset):
        for project in queryset:
            services.project_restore(project=project, actor=request.user)


class MembershipAdminForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ("user", "project", "role")

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("role") != ProjectRole.PM and is_last_pm(self.instance):
            self.add_error("role", services.LAST_PM)
        return cleaned


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Members are added, changed and removed through the services (the last PM stays)."""

    form = MembershipAdminForm
    list_display = ("user", "project", "role", "created_at")
    list_filter = ("role", "project")
    list_select_related = ("user", "project")
    search_fields = ("user__username", "user__email", "project__name")
    autocomplete_fields = ("user", "project")

    def get_readonly_fields(self, request, obj=None):
        # A membership is one person on one project: only the role changes.
        return ("user", "project") if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        if obj is not None and is_last_pm(obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        membership = services.membership_set(
            project=obj.project, user=obj.user, role=obj.role, actor=request.user
        )
        obj.pk = membership.pk
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        services.membership_remove(membership=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            try:
                services.membership_remove(membership=membership, actor=request.user)
            except ValidationError as exc:
                _report(self, request, membership, exc)


@admin.register(ClientContact)
class ClientContactAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "email",
        "project",
        "role",
        "is_decision_maker",
        "language",
        "receives_updates",
    )
    list_filter = ("language", "is_decision_maker", "receives_updates", "project")
    list_select_related = ("project",)
    search_fields = ("name", "email", "role", "project__name")
    autocomplete_fields = ("project",)
    fields = ("project", *services.CONTACT_FIELDS)

    def get_readonly_fields(self, request, obj=None):
        return ("project",) if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        # A contact took part in the record (meetings, decisions): stop their updates instead.
        return False

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in services.CONTACT_FIELDS}
        if change:
            services.contact_update(contact=obj, actor=request.user, **fields)
        else:
            created = services.contact_create(project=obj.project, actor=request.user, **fields)
            obj.pk = created.pk


@admin.register(DeliveryDateChange)
class DeliveryDateChangeAdmin(admin.ModelAdmin):
    """The delivery date's history, to read: changes are made with a reason, on the project page."""

    list_display = ("project", "previous", "new", "changed_by", "changed_at")
    list_filter = ("project",)
    list_select_related = ("project", "changed_by")
    search_fields = ("project__name", "reason")
    date_hierarchy = "changed_at"
    fields = ("project", "previous", "new", "reason", "changed_by", "changed_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    """Milestones are added, changed and removed through the services, so the record holds."""

    list_display = ("__str__", "project", "due_on", "done_on")
    list_filter = ("project",)
    list_select_related = ("project",)
    search_fields = ("title_en", "title_zh_hans", "project__name")
    autocomplete_fields = ("project",)
    fields = ("project", *services.MILESTONE_FIELDS)

    def get_readonly_fields(self, request, obj=None):
        # A milestone belongs to one project for good.
        return ("project",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in services.MILESTONE_FIELDS}
        if change:
            services.milestone_update(milestone=obj, actor=request.user, **fields)
        else:
            created = services.milestone_add(project=obj.project, actor=request.user, **fields)
            obj.pk = created.pk

    def delete_model(self, request, obj):
        services.milestone_remove(milestone=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for milestone in queryset:
            services.milestone_remove(milestone=milestone, actor=request.user)
