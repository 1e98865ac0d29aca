from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Profile


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fields = ("is_pmo", "language", "time_zone")


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class UserAdmin(BaseUserAdmin):
    inlines = [ProfileInline]
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "is_pmo")
    list_select_related = ("profile",)

    @admin.display(boolean=True, description=_("PMO staff"))
    def is_pmo(self, obj):
        profile = getattr(obj, "profile", None)
        return bool(profile and profile.is_pmo)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "is_pmo", "language", "time_zone")
    list_filter = ("is_pmo", "language")
    search_fields = ("user__username", "user__email")
    autocomplete_fields = ("user",)
