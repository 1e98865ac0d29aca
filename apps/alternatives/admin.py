from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.core.bilingual import columns
from apps.core.fields import require_one_language
from apps.core.forms import add_service_errors
from apps.incidents.services import ensure_not_closed

from . import services
from .models import DECISION_TEXTS, REJECTION_TEXTS, Alternative, Decision, Rejection


class AlternativeAdminForm(forms.ModelForm):
    class Meta:
        model = Alternative
        fields = services.ALTERNATIVE_FIELDS

    def clean(self):
        cleaned = super().clean()
        require_one_language(
            self, "title", _("Give the alternative a short title, in English or in Chinese.")
        )
        require_one_language(
            self, "description", _("Describe the alternative, in English or in Chinese.")
        )
        try:
            ensure_not_closed(self.instance.incident)
        except ValidationError as exc:
            add_service_errors(self, exc)
        return cleaned


@admin.register(Alternative)
class AlternativeAdmin(admin.ModelAdmin):
    """Alternatives are proposed and chosen in the app; their texts can be corrected here."""

    form = AlternativeAdminForm
    list_display = ("title", "incident", "status", "schedule_impact_days", "cost_impact")
    list_filter = ("status", "incident__project")
    list_select_related = ("incident",)
    search_fields = (
        *columns("title", "description"),
        "incident__title_en",
        "incident__title_zh_hans",
    )
    readonly_fields = (
        "incident",
        "status",
        *columns(*REJECTION_TEXTS),
        "version",
        "created_by",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = Alternative.objects.select_related("incident").get(pk=obj.pk)
        fields = {name: form.cleaned_data[name] for name in services.ALTERNATIVE_FIELDS}
        services.alternative_update(
            alternative=saved, actor=request.user, expected_version=saved.version, **fields
        )
        obj.refresh_from_db()


class RejectionInline(admin.TabularInline):
    """The alternatives the decision set aside, each with its reason: history, read only."""

    model = Rejection
    fields = ("alternative", *columns("reason"))
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    """Decisions are history: read here, recorded (and superseded) only in the app."""

    inlines = (RejectionInline,)

    list_display = (
        "alternative",
        "incident",
        "decided_at",
        "meeting",
        "recorded_by",
        "superseded_at",
    )
    list_filter = (
        ("superseded_at", admin.EmptyFieldListFilter),
        "incident__project",
    )
    list_select_related = ("alternative", "incident", "meeting", "recorded_by")
    search_fields = (
        *columns(*DECISION_TEXTS),
        "alternative__title_en",
        "alternative__title_zh_hans",
        "incident__title_en",
        "incident__title_zh_hans",
    )
    date_hierarchy = "decided_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
