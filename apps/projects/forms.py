from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Layout, Row, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from apps.core.bilingual import columns
from apps.core.fields import (
    CheckboxesField,
    TimeZoneField,
    bilingual_help,
    bilingual_row,
    line_pair,
    require_one_language,
    text_field,
)
from apps.core.money import currency_choices

from .models import (
    MAX_FIRST_CONTACT_WINDOW_HOURS,
    MILESTONE_TEXTS,
    Client,
    ClientContact,
    Milestone,
    Project,
    ProjectRole,
    default_currency,
)

#: Dates as a browser's ``<input type="date">`` sends and expects them.
DATE_INPUT_FORMAT = "%Y-%m-%d"


class DayField(forms.DateField):
    """A calendar day picked in the browser, within years that make sense for a plan."""

    widget = forms.DateInput(attrs={"type": "date"}, format=DATE_INPUT_FORMAT)
    default_error_messages = {
        "invalid": _("Enter a date, for example 2025-03-10."),
        "out_of_range": _("Enter a date between the years %(min)s and %(max)s."),
    }
    min_year = 2000
    max_year = 2100

    def to_python(self, value):
        day = super().to_python(value)
        if day is not None and not self.min_year <= day.year <= self.max_year:
            raise forms.ValidationError(
                self.error_messages["out_of_range"],
                code="out_of_range",
                params={"min": self.min_year, "max": self.max_year},
            )
        return day


class TeamMemberChoiceField(CheckboxesField):
    """People of the project's team to tick (its members and its PMO lead)."""

    default_error_messages = {
        "invalid_choice": _("Choose people from this project's team."),
        "invalid_pk_value": _("Choose people from this project's team."),
        "invalid_list": _("Choose people from this project's team."),
    }

    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class ContactChoiceField(CheckboxesField):
    """Contacts of the project's client to tick."""

    default_error_messages = {
        "invalid_choice": _("Choose contacts of this project's client."),
        "invalid_pk_value": _("Choose contacts of this project's client."),
        "invalid_list": _("Choose contacts of this project's client."),
    }

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.role})" if obj.role else obj.name


class ClientContactForm(forms.ModelForm):
    time_zone = TimeZoneField()

    class Meta:
        model = ClientContact
        fields = (
            "name",
            "email",
            "role",
            "is_decision_maker",
            "language",
            "time_zone",
            "receives_updates",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("name", css_class="col-md-6"), Column("email", css_class="col-md-6")),
            "role",
            Row(
                Column("language", css_class="col-md-6"),
                Column("time_zone", css_class="col-md-6"),
            ),
            "is_decision_maker",
            "receives_updates",
            Submit("submit", _("Save contact")),
        )

    def validate_unique(self):
        # Uniqueness is the service's (and the database's) business; the service
        # reports a duplicate e-mail on the e-mail field.
        pass


class ProjectForm(forms.Form):
    client_name = forms.CharField(
        label=_("Client"),
        max_length=200,
        help_text=_("An existing client's name, or a new one."),
    )
    name = forms.CharField(label=_("Project name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    pmo_lead = forms.ModelChoiceField(
        label=_("PMO lead"),
        queryset=get_user_model().objects.none(),
        help_text=_("Receives escalations, such as a missed first-contact deadline."),
    )
    first_contact_window_hours = forms.IntegerField(
        label=_("First-contact window (hours)"),
        initial=MAX_FIRST_CONTACT_WINDOW_HOURS,
        min_value=1,
        max_value=MAX_FIRST_CONTACT_WINDOW_HOURS,
        error_messages={
            "max_value": _(
                "The client must hear from us within 24 hours: the window cannot be longer."
            ),
            "min_value": _("The window must be at least one hour."),
        },
    )

    currency = forms.ChoiceField(
        label=_("Currency"),
        required=False,
        help_text=_("The costs and remedies of this project's incidents are in this currency."),
        error_messages={"invalid_choice": _("Choose a currency from the list.")},
    )
    delivery_date = DayField(
        label=_("Committed delivery date"),
        required=False,
        help_text=_("If one is agreed already; later changes are made with a reason."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("currency", default_currency())
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = currency_choices()
        self.fields["pmo_lead"].queryset = (
            get_user_model().objects.filter(is_active=True).order_by("username")
        )
        self.fields["client_name"].widget.attrs["list"] = "client-names"
        self.client_names = list(
            Client.objects.filter(archived_at__isnull=True).values_list("name", flat=True)
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "client_name",
            "name",
            "description",
            Row(
                Column("pmo_lead", css_class="col-md-6"),
                Column("first_contact_window_hours", css_class="col-md-3"),
                Column("currency", css_class="col-md-3"),
            ),
            Row(Column("delivery_date", css_class="col-md-6")),
            Submit("submit", _("Create project")),
        )

    def clean_currency(self):
        return self.cleaned_data.get("currency") or default_currency()

    def clean_client_name(self):
        name = self.cleaned_data["client_name"].strip()
        if not name:
            raise forms.ValidationError(_("Name the client."))
        return name

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Name the project."))
        return name


class MembershipForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    role = forms.ChoiceField(
        label=_("Role"), choices=ProjectRole.choices, initial=ProjectRole.MEMBER
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("There is no active user called “%(username)s”."),
                params={"username": username},
            )
        self.cleaned_data["user"] = user
        return username


class DeliveryDateForm(forms.Form):
    """A new committed delivery date, and why it changes."""

    delivery_date = DayField(
        label=_("New delivery date"),
        error_messages={"required": _("Give the new delivery date.")},
    )
    reason = text_field(
        _("Why it changes"),
        required=True,
        help_text=_(
            "For the team and the project's history, in your own words: "
            "the client reads the dates, not this."
        ),
        error_messages={
            "required": _("Say why the delivery date changes: the project's history keeps it.")
        },
    )

    def __init__(self, *args, project: Project, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("delivery_date", project.delivery_date)
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("delivery_date", css_class="col-md-6")),
            "reason",
            Div(Submit("submit", _("Change the delivery date")), css_class="mt-3"),
        )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(
                _("Say why the delivery date changes: the project's history keeps it.")
            )
        return reason


class MilestoneForm(forms.Form):
    """A milestone: its title in both languages, when it is due, and when it was done."""

    title_en, title_zh_hans = line_pair(_("Title"))
    due_on = DayField(
        label=_("Due on"), error_messages={"required": _("Give the day the milestone is due.")}
    )
    done_on = DayField(
        label=_("Done on"), required=False, help_text=_("Leave empty while it is open.")
    )

    def __init__(self, *args, milestone: Milestone | None = None, **kwargs):
        if milestone is not None:
            kwargs.setdefault("initial", {}).update(
                {
                    **{name: getattr(milestone, name) for name in columns(*MILESTONE_TEXTS)},
                    "due_on": milestone.due_on,
                    "done_on": milestone.done_on,
                }
            )
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            bilingual_help(),
            bilingual_row("title"),
            Row(Column("due_on", css_class="col-md-6"), Column("done_on", css_class="col-md-6")),
            Div(
                Submit(
                    "submit",
                    _("Save the milestone") if milestone is not None else _("Add the milestone"),
                ),
                css_class="mt-3",
            ),
        )

    def clean(self):
        cleaned = super().clean()
        require_one_language(self, "title", _("Give the milestone a short title."))
        return cleaned
