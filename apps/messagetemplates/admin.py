from django.contrib import admin

from .models import ProjectTemplate


@admin.register(ProjectTemplate)
class ProjectTemplateAdmin(admin.ModelAdmin):
    """Read-only: a project's templates change through its pages, which keep the record."""

    list_display = ("project", "kind", "language", "updated_by", "updated_at")
    list_filter = ("kind", "language")
    search_fields = ("project__name", "body")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
