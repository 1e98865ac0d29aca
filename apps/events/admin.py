from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """The record, read only: no one adds, changes or deletes an event."""

    list_display = ("occurred_at", "verb", "who", "object_repr", "incident", "project")
    list_filter = ("verb", ("actor", admin.EmptyFieldListFilter), "project")
    list_select_related = ("actor", "incident", "project")
    search_fields = (
        "verb",
        "object_repr",
        "actor__username",
        "incident__title_en",
        "incident__title_zh_hans",
        "key",
    )
    date_hierarchy = "occurred_at"
    readonly_fields = [f.name for f in Event._meta.fields]

    @admin.display(description=_("who"), ordering="actor__username")
    def who(self, obj):
        if obj.actor is None:
            return _("Candor (system)")
        return obj.actor.get_full_name() or obj.actor.get_username()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
