"""Forms for alternatives and for the decision taken with the client.

They validate and convert what the user typed; the services decide and save.
Every choice (alternative, meeting, people) is limited to this incident and
its project, so an id from elsewhere is reported next to its field.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Field, Fieldset, Layout, Row, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.communications.models import Meeting, MeetingStatus
from apps.communications.selectors import update_recipients
from apps.core.bilingual import LANGUAGES, column, columns
from apps.core.conflicts import HiddenErrorsMixin, VersionField
from apps.core.fields import (
    AMOUNT,
    AMOUNT_ERRORS,
    CHECKBOXES_TEMPLATE,
    MAX_PK,
    IdChoiceField,
    LocalDateTimeField,
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
from apps.projects.forms import ContactChoiceField, DayField, TeamMemberChoiceField
from apps.projects.models import ClientContact

from .models import Alternative, AlternativeKind, AlternativeStatus, Decision
from .selectors import agreeing_team, decidable_alternatives, decision_meetings
from .services import ALTERNATIVE_FIELDS, reason_field

#: A schedule impact beyond ten years either way is a typing mistake.
MAX_IMPACT_DAYS = 3650
IMPACT_DAYS_ERROR = _("Enter a number of days between -3650 and 3650 (ten years).")


class AlternativeForm(HiddenErrorsMixin, forms.Form):
    """Propose an alternative; with ``alternative=`` edit it (and carry its version)."""

    title_en, title_zh_hans = line_pair(_("Title"))
    description_en, description_zh_hans = text_pair(
        _("Description"), rows=4, help_text=_("What the client gets, and how the team would do it.")
    )
    kind = forms.ChoiceField(
        label=_("Kind of option"),
        required=False,
        choices=[("", "—")] + list(AlternativeKind.choices),
        help_text=_("Files the choice in the case library."),
        error_messages={"invalid_choice": _("Choose one of the listed kinds of option.")},
    )
    schedule_impact_days = forms.IntegerField(
        label=_("Schedule impact (days)"),
        required=False,
        min_value=-MAX_IMPACT_DAYS,
        max_value=MAX_IMPACT_DAYS,
        help_text=_("Days later (positive) or earlier (negative) than the current plan."),
        error_messages={
            "invalid": IMPACT_DAYS_ERROR,
            "min_value": IMPACT_DAYS_ERROR,
            "max_value": IMPACT_DAYS_ERROR,
        },
    )
    cost_impact = forms.DecimalField(
        label=_("Cost impact"),
        required=False,
        **AMOUNT,
        help_text=_("Extra cost (positive) or saving (negative), if known."),
        error_messages=AMOUNT_ERRORS,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
    )
    scope_impact_en, scope_impact_zh_hans = text_pair(
        _("Scope impact"), rows=2, help_text=_("Deliverables added or removed.")
    )
    risks_en, risks_zh_hans = text_pair(_("Risks"), rows=2)
    pros_en, pros_zh_hans = text_pair(_("Pros"), rows=2)
    cons_en, cons_zh_hans = text_pair(_("Cons"), rows=2)

    def __init__(self, *args, alternative: Alternative | None = None, **kwargs):
        if alternative is not None:
            kwargs.setdefault("initial", {}).update(
                {name: getattr(alternative, name) for name in (*ALTERNATIVE_FIELDS, "version")}
            )
        super().__init__(*args, **kwargs)
        if alternative is None:
            del self.fields["version"]
        self.helper = FormHelper()
        self.helper.render_hidden_fields = True
        self.helper.layout = Layout(
            bilingual_help(),
            bilingual_row("title"),
            bilingual_row("description"),
            "kind",
            Row(
                Column("schedule_impact_days", css_class="col-md-6"),
                Column("cost_impact", css_class="col-md-6"),
            ),
            bilingual_row("scope_impact"),
            bilingual_row("pros"),
            bilingual_row("cons"),
            bilingual_row("risks"),
            Div(
                Submit(
                    "submit",
                    _("Save the alternative") if alternative else _("Propose the alternative"),
                ),
                css_class="mt-3",
            ),
        )

    version = VersionField()

    def clean(self):
        cleaned = super().clean()
        require_one_language(
            self, "title", _("Give the alternative a short title, in English or in Chinese.")
        )
        require_one_language(
            self, "description", _("Describe the alternative, in English or in Chinese.")
        )
        return cleaned


class RejectForm(forms.Form):
    reason_en, reason_zh_hans = text_pair(
        _("Why it is not taken"), help_text=_("The client may read this next to the alternative.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            bilingual_help(),
            bilingual_row("reason"),
            Div(
                Submit("submit", _("Set the alternative aside"), css_class="btn-danger"),
                css_class="mt-3",
            ),
        )

    def clean(self):
        cleaned = super().clean()
        require_one_language(
            self, "reason", _("Say why this alternative is not taken, in English or in Chinese.")
        )
        return cleaned


class AlternativeChoiceField(IdChoiceField):
    widget = forms.RadioSelect
    default_error_messages = {
        "invalid_choice": _("Choose a proposed or set-aside alternative of this incident."),
        "required": _("Choose the alternative agreed with the client."),
    }

    def label_from_instance(self, obj):
        return f"{obj.title} ({obj.get_status_display()})"


class MeetingChoiceField(IdChoiceField):
    default_error_messages = {
        "invalid_choice": _("Choose a meeting of this incident that was not cancelled."),
    }

    def label_from_instance(self, obj):
        return f"{obj.title} — {date_format(timezone.localtime(obj.starts_at), 'DATETIME_FORMAT')}"


#: The texts of a decision its e-mail carries, as the warning about a missing language names them.
DECISION_TEXT_LABELS = {"title": _("alternative chosen"), "rationale": _("reasons")}


class DecisionForm(HiddenErrorsMixin, forms.Form):
    """Record the alternative chosen together with the client.

    ``expected_current_decision`` is the decision in force when the form was
    opened (empty if none): the service refuses the decision if another one
    was recorded meanwhile. ``alternative_id`` is the alternative the user
    came to choose (the only one, if there is one only): it is ticked, and the
    new delivery date is suggested from its schedule impact.
    """

    alternative = AlternativeChoiceField(
        label=_("Alternative chosen"), queryset=Alternative.objects.none()
    )
    delivery_date = DayField(label=_("New delivery date"), required=False)
    decided_at = LocalDateTimeField(label=_("Decided"), help_text=in_your_time_zone())
    meeting = MeetingChoiceField(
        label=_("In the meeting"),
        required=False,
        queryset=Meeting.objects.none(),
        empty_label=_("— not in a meeting —"),
    )
    client_agreed = ContactChoiceField(
        label=_("Agreed for the client"),
        queryset=ClientContact.objects.none(),
        error_messages={
            "required": _("A decision is taken with the client: name who agreed for them.")
        },
    )
    team_agreed = TeamMemberChoiceField(
        label=_("Agreed for the team"),
        queryset=get_user_model().objects.none(),
        error_messages={"required": _("Name who agreed for the team.")},
    )
    rationale_en, rationale_zh_hans = text_pair(
        _("Why this alternative"),
        rows=4,
        help_text=_("The reasons the client and the team chose it."),
    )
    expected_current_decision = forms.CharField(required=False, widget=forms.HiddenInput)
    send_anyway = send_anyway_field()

    def __init__(
        self,
        *args,
        incident: Incident,
        current: Decision | None,
        meeting: Meeting | None = None,
        user=None,
        alternative_id: str | None = None,
        **kwargs,
    ):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("expected_current_decision", current.pk if current else "")
        if meeting is not None and meeting.status != MeetingStatus.CANCELLED:
            initial.setdefault("meeting", meeting.pk)
            # Never in the future, which the service refuses; once the meeting
            # has started, that is its start.
            initial.setdefault("decided_at", min(meeting.starts_at, timezone.now()))
            initial.setdefault("client_agreed", [c.pk for c in meeting.client_attendees.all()])
            initial.setdefault("team_agreed", [u.pk for u in meeting.team_attendees.all()])
        else:
            initial.setdefault("decided_at", timezone.now())
            if user is not None:
                initial.setdefault("team_agreed", [user.pk])
        super().__init__(*args, **kwargs)
        alternatives = decidable_alternatives(incident)
        self.fields["alternative"].queryset = alternatives
        self._suggest_delivery(incident, list(alternatives), alternative_id)
        self.fields["meeting"].queryset = decision_meetings(incident)
        self.fields["client_agreed"].queryset = incident.project.contacts.order_by("name")
        self.fields["team_agreed"].queryset = agreeing_team(incident)
        # The decision is mailed to them: each should read it in their language.
        self._mailed_to = update_recipients(incident)
        self._add_reasons(alternatives)
        self.helper = FormHelper()
        # The tone check's dismiss buttons, below the form, belong to it by this id.
        self.helper.form_id = "decision-form"
        self.helper.render_hidden_fields = True
        self.helper.layout = Layout(
            "alternative",
            Row(Column("delivery_date", css_class="col-md-6")),
            Row(
                Column("decided_at", css_class="col-md-6"),
                Column("meeting", css_class="col-md-6"),
            ),
            Row(
                Column(Field("client_agreed", template=CHECKBOXES_TEMPLATE), css_class="col-md-6"),
                Column(Field("team_agreed", template=CHECKBOXES_TEMPLATE), css_class="col-md-6"),
            ),
            bilingual_help(),
            bilingual_row("rationale"),
            *self._reasons_layout(),
            readers_warning(),
            Div(
                Submit("submit", _("Record the decision")), check_wording_button(), css_class="mt-3"
            ),
        )

    def _add_reasons(self, alternatives) -> None:
        """A reason for each proposed alternative, in both languages: each not chosen needs one.

        With one alternative only, there is nothing to set aside.
        """
        self._proposed = (
            [a for a in alternatives if a.status == AlternativeStatus.PROPOSED]
            if len(alternatives) > 1
            else []
        )
        for alternative in self._proposed:
            label = gettext("Why not “%(title)s”") % {"title": alternative.title}
            fields = text_pair(
                label,
                rows=2,
                help_text=_("The client may read it. Not needed for the alternative chosen."),
            )
            for language, form_field in zip(LANGUAGES, fields, strict=True):
                if language != "en":
                    form_field.help_text = ""
                self.fields[reason_field(alternative.pk, language)] = form_field

    def _reasons_layout(self) -> list:
        if not self._proposed:
            return []
        return [
            Fieldset(
                _("Why the other alternatives were not chosen"),
                *(
                    Div(
                        bilingual_row(f"reason_{alternative.pk}"),
                        css_class="rejection-reason",
                        data_alternative=str(alternative.pk),
                    )
                    for alternative in self._proposed
                ),
            )
        ]

    def _clean_reasons(self, cleaned: dict) -> None:
        """The reasons by alternative (``rejection_reasons``), one needed for each not chosen."""
        chosen = cleaned.get("alternative")
        reasons = {}
        for alternative in self._proposed:
            given = {
                column("reason", language): (
                    cleaned.pop(reason_field(alternative.pk, language), "") or ""
                ).strip()
                for language in LANGUAGES
            }
            if chosen is not None and chosen.pk == alternative.pk:
                continue
            if not any(given.values()):
                self.add_error(
                    reason_field(alternative.pk),
                    gettext("Say why “%(title)s” was not chosen, in English or in Chinese.")
                    % {"title": alternative.title},
                )
            reasons[alternative.pk] = given
        cleaned["rejection_reasons"] = reasons

    def _suggest_delivery(self, incident: Incident, alternatives, alternative_id) -> None:
        """Tick the alternative the user came for, and suggest the delivery date it leads to."""
        project = incident.project
        help_text = _(
            "Changes the project's committed delivery date, which the client sees. "
            "Leave it empty to keep the date as it is."
        )
        if project.delivery_date is not None:
            help_text = format_lazy(
                "{} {}",
                help_text,
                _("Now: %(date)s.") % {"date": date_format(project.delivery_date)},
            )
        self.fields["delivery_date"].help_text = help_text
        chosen = [a for a in alternatives if alternative_id and str(a.pk) == alternative_id]
        if not chosen and len(alternatives) == 1:
            chosen = alternatives
        if len(chosen) != 1:
            return
        self.initial.setdefault("alternative", chosen[0].pk)
        suggested = chosen[0].delivery_date_from(project.delivery_date)
        if suggested is not None:
            self.initial.setdefault("delivery_date", suggested)

    def clean(self):
        cleaned = super().clean()
        require_one_language(
            self, "rationale", _("Say why this alternative was chosen, in English or in Chinese.")
        )
        self._clean_reasons(cleaned)
        alternative = cleaned.get("alternative")
        texts = {name: cleaned.get(name, "") for name in columns("rationale")}
        if alternative is not None:
            texts |= {name: getattr(alternative, name) for name in columns("title")}
        # The e-mail lists the others with their reasons: those count too.
        labels = dict(DECISION_TEXT_LABELS)
        titles = {a.pk: a.title for a in self._proposed}
        for pk, reason in cleaned.get("rejection_reasons", {}).items():
            for language in LANGUAGES:
                texts[column(f"reason_{pk}", language)] = reason[column("reason", language)]
            labels[f"reason_{pk}"] = gettext("reason for setting “%(title)s” aside") % {
                "title": titles[pk]
            }
        names = ("title", "rationale", *(name for name in labels if name.startswith("reason_")))
        check_readers(self, self._mailed_to, texts, names, labels)
        return cleaned

    def clean_expected_current_decision(self) -> int | None:
        value = self.cleaned_data["expected_current_decision"].strip()
        if not value:
            return None
        try:
            number = int(value) if value.isascii() and value.isdigit() else 0
        except ValueError:
            number = 0
        if not 0 < number <= MAX_PK:
            raise forms.ValidationError(_("This form is out of date or damaged: reload the page."))
        return number
