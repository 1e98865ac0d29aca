from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from . import services
from .forms import LoginForm, PreferencesForm


def _remember_language(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        profile = services.profile_ensure(user=form.get_user())
        # The user's language follows them to every device they log in from.
        _remember_language(response, profile.language)
        return response


@login_required
def preferences(request):
    profile = services.profile_ensure(user=request.user)
    form = PreferencesForm(
        request.POST or None,
        initial={"language": profile.language, "time_zone": profile.time_zone},
    )
    if request.method == "POST" and form.is_valid():
        profile = services.profile_update(
            user=request.user, actor=request.user, **form.cleaned_data
        )
        translation.activate(profile.language)
        messages.success(request, _("Your preferences were saved."))
        response = redirect("preferences")
        _remember_language(response, profile.language)
        return response
    return render(request, "accounts/preferences.html", {"form": form})
