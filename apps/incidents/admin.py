from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.core.bilingual import columns
from apps.core.forms import add_service_errors

from . import services
from .models import Incident
from .selectors import incident_has_history


class IncidentAdminForm(forms.ModelForm):
    """A refusal of the service is a form error here, not a crash."""

    class Meta:
        model = Incident
        fields = (*services.DISCLOSURE_FIELDS, "severity")

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            try:
                services.ensure_not_closed(self.instance)
            except ValidationError as exc:
                add_service_errors(self, exc)
        return cleaned


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    """Administrators read and correct incidents; deadlines are set only by the services."""

    form = IncidentAdminForm

    list_display = (
        "title_en",
        "title_zh_hans",
        "project",
        "severity",
        "status",
        "declared_at",
        "first_contact_due_at",
        "first_contact_at",
        "next_update_due_at",
    )
    list_filter = ("status", "severity", "project__client", "project")
    list_select_related = ("project",)
    search_fields = (*columns("title", "summary", "cause", "cause_origin"), "project__name")
    date_hierarchy = "declared_at"
    autocomplete_fields = ("project", "declared_by")
    readonly_fields = (
        "status",
        "declared_at",
        "first_contact_due_at",
        "first_contact_at",
        "last_update_at",
        "next_update_due_at",
        "resolved_at",
        "closed_at",
        "updated_at",
        "update_cadence",
    )
    fieldsets = (
        (None, {"fields": ("project", *columns("title", "summary"), "severity", "declared_by")}),
        (_("Cause"), {"fields": columns("cause", "cause_origin")}),
        (
            _("State and impact"),
            {
                "fields": (
                    *columns("current_state"),
                    "impact_schedule_days",
                    "impact_cost",
                    *columns("impact_scope"),
                )
            },
        ),
        (_("What we will say and do"), {"fields": columns("first_step", "apology")}),
        (_("Internal only"), {"fields": ("internal_notes",)}),
        (_("Deadlines"), {"fields": readonly_fields}),
    )
    actions = ["resolve_incidents"]

    def has_add_permission(self, request):
        # Declaring starts the first-contact clock; that happens in the app.
        return False

    def has_delete_permission(self, request, obj=None):
        # The record of what the client was told is never deleted.
        return (
            obj is not None
            and not incident_has_history(obj)
            and super().has_delete_permission(request, obj)
        )

    def get_readonly_fields(self, request, obj=None):
        # An incident stays on its project, declared by whoever declared it.
        return (*self.readonly_fields, "project", "declared_by")

    def save_model(self, request, obj, form, change):
        """Edits go through the service, so a new severity moves the cadence too."""
        if not change:
            return super().save_model(request, obj, form, change)
        saved = Incident.objects.get(pk=obj.pk)
        fields = {
            name: form.cleaned_data[name]
            for name in services.DISCLOSURE_FIELDS
            if name in form.cleaned_data
        }
        # The administrator corrects what is saved now: their edit wins.
        services.incident_update_disclosure(
            incident=saved,
            actor=request.user,
            expected_version=saved.version,
            severity=form.cleaned_data.get("severity"),
            **fields,
        )
        obj.refresh_from_db()

    @admin.action(description=_("Resolve the selected incidents"))
    def resolve_incidents(self, request, queryset):
        for incident in queryset:
            try:
                services.incident_resolve(incident=incident, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{incident}: {' '.join(exc.messages)}", messages.ERROR)
