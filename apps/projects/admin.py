from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Client, ClientContact, Membership, Project


class ProjectInline(admin.TabularInline):
    model = Project
    fields = ("name", "pmo_lead", "first_contact_window_hours")
    extra = 0
    show_change_link = True


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ("name", "project_count", "created_at")
    search_fields = ("name",)
    inlines = [ProjectInline]

    @admin.display(description=_("projects"))
    def project_count(self, obj):
        return obj.projects.count()


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


class ClientContactInline(admin.TabularInline):
    model = ClientContact
    extra = 0
    fields = (
        "name",
        "email",
        "role",
        "is_decision_maker",
        "language",
        "time_zone",
        "receives_updates",
    )


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("name", "client", "pmo_lead", "first_contact_window_hours", "created_at")
    list_filter = ("client",)
    list_select_related = ("client", "pmo_lead")
    search_fields = ("name", "client__name", "description")
    autocomplete_fields = ("client", "pmo_lead")
    inlines = [MembershipInline, ClientContactInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "project", "role", "created_at")
    list_filter = ("role", "project")
    list_select_related = ("user", "project")
    search_fields = ("user__username", "user__email", "project__name")
    autocomplete_fields = ("user", "project")


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
