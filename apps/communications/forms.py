"""Forms for the communication log, status updates and meetings.

They validate and convert what the user typed; the services decide and save.
Participant choices are limited to the incident's project, so an id from
another project is reported next to its field.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Field, Layout, Row, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from apps.core.bilingual import LANGUAGES, column
from apps.core.fields import (
    CHECKBOXES_TEMPLATE,
    MAX_TEXT_CHARS,
    TOO_LONG,
    LocalDateTimeField,
    SecondarySubmit,
    bilingual_help,
    bilingual_row,
    check_readers,
    check_wording_button,
    in_your_time_zone,
    line_pair,
    readers_warning,
    require_one_language,
    send_anyway_field,
    text_pair,
)
from apps.incidents.models import Incident
from apps.projects.forms import ContactChoiceField, TeamMemberChoiceField
from apps.projects.models import ClientContact
from apps.projects.selectors import project_team

from .models import MEETING_TEXTS, ClientReaction, LogChannel, LogEntry, Meeting

#: Updates may be longer than other texts: they are the heart of the record.
MAX_UPDATE_CHARS = 20_000

LOGGABLE_CHANNELS = [
    (value, label) for value, label in LogChannel.choices if value != LogChannel.UPDATE
]


def _team_queryset(incident: Incident):
    return project_team(incident.project)


def _reaction_field(**kwargs) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=_("Client's reaction"),
        choices=[("", _("— not recorded —")), *ClientReaction.choices],
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("Choose a reaction from the list.")},
        **kwargs,
    )


class _ParticipantsMixin:
    def _limit_participants(self, incident: Incident, team: str, clients: str) -> None:
        self.fields[team].queryset = _team_queryset(incident)
        self.fields[clients].queryset = incident.project.contacts.order_by("name")


class LogEntryForm(_ParticipantsMixin, forms.Form):
    """Log a contact with the client (or an internal note)."""

    channel = forms.ChoiceField(
        label=_("How"),
        choices=LOGGABLE_CHANNELS,
        initial=LogChannel.CALL,
        error_messages={"invalid_choice": _("Choose how the contact happened.")},
    )
    occurred_at = LocalDateTimeField(label=_("When"), help_text=in_your_time_zone())
    summary_en, summary_zh_hans = text_pair(
        _("Summary"), rows=5, help_text=_("What was said, what was asked, what was promised.")
    )
    team_participants = TeamMemberChoiceField(
        label=_("Team participants"), queryset=get_user_model().objects.none(), required=False
    )
    client_participants = ContactChoiceField(
        label=_("Client participants"), queryset=ClientContact.objects.none(), required=False
    )
    reaction = _reaction_field(help_text=_("How the client took it, if you could tell."))
    client_visible = forms.BooleanField(
        label=_("Visible to the client"),
        required=False,
        help_text=_("Shown on the client's status page."),
    )

    def __init__(self, *args, incident: Incident, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("occurred_at", timezone.now())
        super().__init__(*args, **kwargs)
        self._limit_participants(incident, "team_participants", "client_participants")
        self.helper = FormHelper()
        # The tone check's dismiss buttons, below the form, belong to it by this id.
        self.helper.form_id = "log-entry-form"
        self.helper.layout = Layout(
            Row(
                Column("channel", css_class="col-md-6"),
                Column("occurred_at", css_class="col-md-6"),
            ),
            bilingual_help(),
            bilingual_row("summary"),
            Row(
                Column(
                    Field("team_participants", template=CHECKBOXES_TEMPLATE), css_class="col-md-6"
                ),
                Column(
                    Field("client_participants", template=CHECKBOXES_TEMPLATE), css_class="col-md-6"
                ),
            ),
            Row(
                Column("reaction", css_class="col-md-6"),
                Column("client_visible", css_class="col-md-6 pt-md-4"),
            ),
            Div(Submit("submit", _("Log the contact")), check_wording_button(), css_class="mt-3"),
        )

    def clean(self):
        cleaned = super().clean()
        require_one_language(self, "summary", _("Say what was said, in English or in Chinese."))
        return cleaned


class LogCorrectionForm(forms.Form):
    """Correct an entry: a new entry that points at the old one."""

    summary_en, summary_zh_hans = text_pair(_("Corrected summary"), rows=5)
    occurred_at = LocalDateTimeField(
        label=_("Corrected time"),
        required=False,
        help_text=in_your_time_zone(
            _("Leave empty to keep the original time. In your time zone ({time_zone}).")
        ),
    )
    reaction = _reaction_field(help_text=_("Leave empty to keep the original reaction."))

    def __init__(self, *args, entry: LogEntry, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("summary_en", entry.summary_en)
        initial.setdefault("summary_zh_hans", entry.summary_zh_hans)
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "log-correction-form"
        self.helper.layout = Layout(
            bilingual_row("summary"),
            Row(
                Column("occurred_at", css_class="col-md-6"),
                Column("reaction", css_class="col-md-6"),
            ),
            Div(
                Submit("submit", _("Add the correction")),
                *([check_wording_button()] if entry.client_visible else []),
                css_class="mt-3",
            ),
        )

    def clean(self):
        cleaned = super().clean()
        require_one_language(self, "summary", _("Write the corrected summary."))
        return cleaned


class StatusUpdateForm(forms.Form):
    """A draft update in English, in Chinese, or in both (the service insists on one)."""

    body_en = forms.CharField(
        label=_("English"),
        required=False,
        max_length=MAX_UPDATE_CHARS,
        widget=forms.Textarea(attrs={"rows": 10, "lang": "en"}),
        error_messages=TOO_LONG,
    )
    body_zh_hans = forms.CharField(
        label=_("中文 (Chinese)"),
        required=False,
        max_length=MAX_UPDATE_CHARS,
        widget=forms.Textarea(attrs={"rows": 10, "lang": "zh-Hans"}),
        error_messages=TOO_LONG,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        # The tone check's dismiss buttons, below the form, belong to it by this id.
        self.helper.form_id = "update-form"
        self.helper.layout = Layout(
            Row(
                Column("body_en", css_class="col-lg-6"),
                Column("body_zh_hans", css_class="col-lg-6"),
            ),
            Div(
                Submit("submit", _("Save the draft")),
                SecondarySubmit(
                    "preview",
                    _("Preview"),
                    css_class="ms-2",
                    formnovalidate="formnovalidate",
                ),
                css_class="mt-3",
            ),
        )


NO_MEETING_TITLE = _("Give the meeting a title, in English or in Chinese.")
#: The texts of an invitation, as the warning about a missing language names them.
MEETING_TEXT_LABELS = {"title": _("title"), "agenda": _("agenda")}


#: What ``?purpose=`` on the new-meeting page pre-fills: a title and an agenda, which
#: the PM can change (the retrospective's review meeting: ``?purpose=review``).
MEETING_PURPOSES = {
    "review": (
        _("Retrospective review meeting"),
        _(
            "1. The timeline: what happened, and when\n"
            "2. The root causes\n"
            "3. The improvements: an owner and a due date for each"
        ),
    ),
}


def purpose_initial(purpose: str | None) -> dict[str, str]:
    """The title and agenda of a meeting for ``purpose``, in both languages; none for
    a purpose Candor does not know."""
    texts = MEETING_PURPOSES.get(purpose or "")
    if texts is None:
        return {}
    title, agenda = texts
    initial = {}
    for language in LANGUAGES:
        with translation.override(language):
            initial[column("title", language)] = str(title)
            initial[column("agenda", language)] = str(agenda)
    return initial


class MeetingForm(_ParticipantsMixin, forms.Form):
    """Schedule a meeting, or change one (prefilled from it)."""

    title_en, title_zh_hans = line_pair(_("Title"))
    starts_at = LocalDateTimeField(label=_("Starts"), help_text=in_your_time_zone())
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"),
        initial=60,
        min_value=5,
        max_value=8 * 60,
        error_messages={
            "min_value": _("A meeting lasts between 5 minutes and 8 hours."),
            "max_value": _("A meeting lasts between 5 minutes and 8 hours."),
            "invalid": _("Enter the duration in whole minutes."),
        },
    )
    location = forms.CharField(
        label=_("Place or link"),
        max_length=500,
        help_text=_("A room, an address or a video link."),
    )
    agenda_en, agenda_zh_hans = text_pair(_("Agenda"), rows=5)
    team_attendees = TeamMemberChoiceField(
        label=_("Team attendees"), queryset=get_user_model().objects.none(), required=False
    )
    client_attendees = ContactChoiceField(
        label=_("Client attendees"), queryset=ClientContact.objects.none(), required=False
    )
    send_anyway = send_anyway_field()

    def __init__(
        self,
        *args,
        incident: Incident,
        meeting: Meeting | None = None,
        purpose: str | None = None,
        **kwargs,
    ):
        if meeting is None:
            kwargs.setdefault("initial", {}).update(purpose_initial(purpose))
        else:
            kwargs.setdefault("initial", {}).update(
                title_en=meeting.title_en,
                title_zh_hans=meeting.title_zh_hans,
                starts_at=meeting.starts_at,
                duration_minutes=meeting.duration_minutes,
                location=meeting.location,
                agenda_en=meeting.agenda_en,
                agenda_zh_hans=meeting.agenda_zh_hans,
                team_attendees=[user.pk for user in meeting.team_attendees.all()],
                client_attendees=[contact.pk for contact in meeting.client_attendees.all()],
            )
        super().__init__(*args, **kwargs)
        self._limit_participants(incident, "team_attendees", "client_attendees")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            bilingual_help(),
            bilingual_row("title"),
            Row(
                Column("starts_at", css_class="col-md-6"),
                Column("duration_minutes", css_class="col-md-6"),
            ),
            "location",
            bilingual_row("agenda"),
            Row(
                Column(Field("team_attendees", template=CHECKBOXES_TEMPLATE), css_class="col-md-6"),
                Column(
                    Field("client_attendees", template=CHECKBOXES_TEMPLATE), css_class="col-md-6"
                ),
            ),
            readers_warning(),
            Div(
                Submit("submit", _("Reschedule") if meeting else _("Schedule the meeting")),
                css_class="mt-3",
            ),
        )

    def clean(self):
        cleaned = super().clean()
        require_one_language(self, "title", NO_MEETING_TITLE)
        # Each client attendee's invitation is in their language, where it is written.
        check_readers(
            self, cleaned.get("client_attendees") or (), cleaned, MEETING_TEXTS, MEETING_TEXT_LABELS
        )
        return cleaned

    def clean_location(self):
        location = self.cleaned_data["location"].strip()
        if not location:
            raise forms.ValidationError(_("Say where the meeting is, or give its link."))
        return location


class MeetingOutcomeForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes"),
        max_length=MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What was discussed, what the client asked, what we promised."),
        error_messages={
            "required": _("Write down what was discussed."),
            **TOO_LONG,
        },
    )
    decisions = forms.CharField(
        label=_("Decisions"),
        required=False,
        max_length=MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was agreed, and by whom."),
        error_messages=TOO_LONG,
    )
    reaction = _reaction_field()

    def __init__(self, *args, meeting: Meeting, **kwargs):
        kwargs.setdefault("initial", {}).update(notes=meeting.notes, decisions=meeting.decisions)
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "notes",
            "decisions",
            "reaction",
            Div(Submit("submit", _("Save the outcome")), css_class="mt-3"),
        )
