from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Profile


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fields = services.PROFILE_FIELDS


def _save_profile(request, user, data) -> None:
    """Preferences and PMO rights through the service: who granted them is on the record."""
    services.profile_update(
        user=user,
        actor=request.user,
        language=data["language"],
        time_zone=data["time_zone"],
        is_pmo=data["is_pmo"],
        is_pmo_lead=data.get("is_pmo_lead"),
    )


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

    def save_formset(self, request, form, formset, change):
        if formset.model is not Profile:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            if inline_form.cleaned_data and (inline_form.has_changed() or not change):
                _save_profile(request, form.instance, inline_form.cleaned_data)
                formset.changed_objects.append((inline_form.instance, inline_form.changed_data))


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "is_pmo", "is_pmo_lead", "language", "time_zone")
    list_filter = ("is_pmo", "is_pmo_lead", "language")
    search_fields = ("user__username", "user__email")
    autocomplete_fields = ("user",)
    fields = ("user", *services.PROFILE_FIELDS)

    def get_readonly_fields(self, request, obj=None):
        return ("user",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        _save_profile(request, obj.user, form.cleaned_data)
        obj.pk = Profile.objects.get(user=obj.user).pk
