from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.forms import add_service_errors
from apps.core.pages import bound, form_page

from . import services
from .forms import (
    InviteForm,
    LoginForm,
    NewPasswordForm,
    PmoRightsForm,
    PreferencesForm,
    ResetRequestForm,
)
from .selectors import people_list, profile_for, user_is_pmo, user_is_pmo_lead
from .throttle import reset_request_throttled
from .tokens import TokenState, invitation_tokens, reset_tokens


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


# --- the people, and inviting them -------------------------------------------------


def _refused(request, message: str):
    return render(request, "accounts/refused.html", {"message": message}, status=403)


@login_required
def people(request):
    if not user_is_pmo(request.user):
        return _refused(request, _("Only PMO staff see the people in Candor and invite them."))
    profile = services.profile_ensure(user=request.user)
    form = InviteForm(
        bound(request), initial={"language": profile.language, "time_zone": profile.time_zone}
    )
    if request.method == "POST" and form.is_valid():
        try:
            invited = services.user_invite(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is invited: the e-mail to %(email)s is on its way.")
                % {"name": invited.get_full_name(), "email": invited.email},
            )
            return redirect("people")
    context = {
        "people": people_list(),
        "can_grant": user_is_pmo_lead(request.user),
        "timeout_days": settings.INVITATION_TIMEOUT_DAYS,
    }
    return form_page(request, "accounts/people.html", context, form)


@login_required
@require_POST
def invite_again(request, pk: int):
    if not user_is_pmo(request.user):
        return _refused(request, _("Only PMO staff invite people."))
    user = get_object_or_404(get_user_model(), pk=pk)
    try:
        services.user_invite_again(actor=request.user, user=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("A new invitation is on its way to %(email)s; the earlier link no longer works.")
            % {"email": user.email},
        )
    return redirect("people")


@login_required
@require_POST
def pmo_rights(request, pk: int):
    if not user_is_pmo_lead(request.user):
        return _refused(request, _("Only PMO leads grant or withdraw PMO rights."))
    user = get_object_or_404(get_user_model(), pk=pk)
    form = PmoRightsForm(request.POST)
    form.is_valid()  # two check boxes: any input is valid, an absent one is "no"
    try:
        services.profile_set_pmo(user=user, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The PMO rights of %(name)s were saved.")
            % {"name": user.get_full_name() or user.get_username()},
        )
    return redirect("people")


# --- links sent by e-mail: joining, and resetting a password --------------------------


class _UserLinkMixin:
    """A page reached from a link in an e-mail: in the language of the user it was sent to.

    A link that does not work says whether it expired or was used (or replaced).
    """

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        profile = profile_for(user) if user is not None else None
        if profile is not None:
            translation.activate(profile.language)
            self.request.LANGUAGE_CODE = profile.language
        return user

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.validlink:
            token = self.kwargs["token"]
            if token == self.reset_url_token:
                token = self.request.session.get(auth_views.INTERNAL_RESET_SESSION_TOKEN)
            expired = self.token_generator.state(self.user, token) is TokenState.EXPIRED
            context["link_expired"] = expired
        return context

    def form_valid(self, form):
        self.set_password(form.cleaned_data["new_password1"])
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        response = redirect(self.get_success_url())
        profile = profile_for(self.user)
        if profile is not None:
            _remember_language(response, profile.language)
        return response


class JoinView(_UserLinkMixin, auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    token_generator = invitation_tokens
    template_name = "accounts/join.html"
    success_url = reverse_lazy("login")

    def set_password(self, password: str) -> None:
        services.user_join(user=self.user, password=password)
        messages.success(
            self.request,
            _("Welcome to Candor. Your password is set: log in as %(login)s with it.")
            % {"login": self.user.get_username()},
        )


class PasswordResetConfirmView(_UserLinkMixin, auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    token_generator = reset_tokens
    template_name = "registration/password_reset_confirm.html"

    def set_password(self, password: str) -> None:
        services.user_password_reset(user=self.user, password=password)


THROTTLED_TEMPLATE = "registration/password_reset_throttled.html"


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for an e-mail address; the answer never tells whether it is known.

    Requests are limited per client address and per e-mail address: over the
    limit, a 429 page, the same for a known and an unknown address.
    """

    form_class = ResetRequestForm
    template_name = "registration/password_reset_form.html"

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if reset_request_throttled(self.request, email):
            context = {"minutes": settings.PASSWORD_RESET_WINDOW_MINUTES}
            return render(self.request, THROTTLED_TEMPLATE, context, status=429)
        services.password_reset_request(email=email)
        return redirect(self.get_success_url())
