from django.contrib import admin

from .models import Heartbeat


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ("name", "beat_at", "hostname", "count")
    readonly_fields = ("name", "beat_at", "hostname", "count")

    def has_add_permission(self, request):
        return False
