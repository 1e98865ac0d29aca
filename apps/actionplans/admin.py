from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.core.forms import add_service_errors
from apps.incidents.services import ensure_not_closed

from . import services
from .models import ActionItem, Remedy


class ActionItemAdminForm(forms.ModelForm):
    """Checks the service's rules first, so that a refusal is a form error, not a crash."""

    class Meta:
        model = ActionItem
        fields = services.ITEM_FIELDS

    def clean(self):
        cleaned = super().clean()
        incident = self.instance.incident
        try:
            ensure_not_closed(incident)
            if cleaned.get("owner") is not None:
                services.check_owner(incident, cleaned["owner"])
        except ValidationError as exc:
            add_service_errors(self, exc)
        return cleaned


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    """Actions are added in the app; corrections here go through the service."""

    form = ActionItemAdminForm
    list_display = (
        "title",
        "incident",
        "kind",
        "owner",
        "due_at",
        "status",
        "progress",
        "client_visible",
    )
    list_filter = ("status", "kind", "client_visible", "incident__project")
    list_select_related = ("incident", "owner")
    search_fields = (
        "title_en",
        "title_zh_hans",
        "description_en",
        "description_zh_hans",
        "incident__title_en",
        "incident__title_zh_hans",
        "owner__username",
    )
    date_hierarchy = "due_at"
    autocomplete_fields = ("owner",)
    readonly_fields = (
        "incident",
        "version",
        "created_by",
        "created_at",
        "updated_at",
        "completed_at",
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = ActionItem.objects.select_related("incident").get(pk=obj.pk)
        fields = {name: form.cleaned_data[name] for name in services.ITEM_FIELDS}
        # The administrator corrects what is saved now: their edit wins.
        services.action_item_update(
            item=saved, expected_version=saved.version, actor=request.user, **fields
        )
        obj.refresh_from_db()


class RemedyAdminForm(forms.ModelForm):
    class Meta:
        model = Remedy
        fields = ("answer", "answered_at")

    def clean(self):
        cleaned = super().clean()
        try:
            ensure_not_closed(self.instance.incident)
        except ValidationError as exc:
            add_service_errors(self, exc)
        answered_at = cleaned.get("answered_at")
        if answered_at and answered_at < self.instance.offered_at:
            self.add_error("answered_at", _("The answer cannot come before the offer."))
        return cleaned


@admin.register(Remedy)
class RemedyAdmin(admin.ModelAdmin):
    """Offers are recorded in the app; the client's answer can be corrected here."""

    form = RemedyAdminForm

    list_display = ("kind", "incident", "value", "offered_at", "answer", "answered_at")
    list_filter = ("answer", "kind", "incident__project")
    list_select_related = ("incident",)
    search_fields = (
        "description_en",
        "description_zh_hans",
        "incident__title_en",
        "incident__title_zh_hans",
    )
    date_hierarchy = "offered_at"
    readonly_fields = (
        "incident",
        "kind",
        "description_en",
        "description_zh_hans",
        "value",
        "offered_at",
        "offered_by",
    )
    fields = (*readonly_fields, "answer", "answered_at")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        remedy = Remedy.objects.select_related("incident").get(pk=obj.pk)
        services.remedy_answer(
            remedy=remedy,
            actor=request.user,
            answer=form.cleaned_data["answer"],
            answered_at=form.cleaned_data.get("answered_at"),
        )
        obj.refresh_from_db()
