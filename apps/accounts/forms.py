from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from apps.core.fields import TimeZoneField

from .models import Language


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("username", "password", Submit("submit", _("Log in")))


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    time_zone = TimeZoneField(help_text=_("Dates and times are shown in this time zone."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("language", "time_zone", Submit("submit", _("Save")))


class InviteForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    username = forms.CharField(
        label=_("Login"),
        max_length=150,
        required=False,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Leave empty to use the part of the e-mail address before the @."),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=Language.choices,
        help_text=_("The invitation and the pages are in this language."),
    )
    time_zone = TimeZoneField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "invite-form"
        self.helper.layout = Layout(
            *(
                Row(Column(left, css_class="col-md-6"), Column(right, css_class="col-md-6"))
                for left, right in (
                    ("first_name", "last_name"),
                    ("email", "username"),
                    ("language", "time_zone"),
                )
            ),
            Submit("submit", _("Invite")),
        )

    def clean(self):
        data = super().clean()
        if data.get("email") and not data.get("username") and "username" not in self.errors:
            derived = data["email"].split("@")[0][:150]
            try:
                UnicodeUsernameValidator()(derived)
            except forms.ValidationError:
                self.add_error(
                    "username",
                    _("The e-mail address does not make a login by itself: type one."),
                )
            else:
                data["username"] = derived
        return data


class PmoRightsForm(forms.Form):
    is_pmo = forms.BooleanField(label=_("PMO staff"), required=False)
    is_pmo_lead = forms.BooleanField(label=_("PMO lead"), required=False)


class ResetRequestForm(PasswordResetForm):
    """Asks for the e-mail address (``services.password_reset_request`` sends the link)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail")
        self.helper = FormHelper()
        self.helper.layout = Layout("email", Submit("submit", _("Send me a link")))


class NewPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "new_password1", "new_password2", Submit("submit", _("Set my password"))
        )
