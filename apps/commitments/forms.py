"""Forms for the commitments: they validate and convert; the services decide and save."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Layout, Row, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from apps.actionplans.forms import OwnerChoiceField, owner_queryset
from apps.alternatives.models import Decision
from apps.communications.models import Meeting, StatusUpdate, UpdateStatus
from apps.core.conflicts import HiddenErrorsMixin, VersionField
from apps.core.fields import (
    IdChoiceField,
    LocalDateTimeField,
    bilingual_help,
    bilingual_row,
    in_your_time_zone,
    line_pair,
    require_one_language,
    text_pair,
)
from apps.incidents.models import Incident

from .models import Commitment

WHAT_MISSING = _("Say what was promised, in English or in Chinese.")


class SourceChoiceField(IdChoiceField):
    default_error_messages = {"invalid_choice": _("Choose one of this incident's own records.")}

    def label_from_instance(self, obj):
        if isinstance(obj, StatusUpdate):
            return f"{obj.published_at:%Y-%m-%d %H:%M} — {obj}"
        if isinstance(obj, Meeting):
            return f"{obj.starts_at:%Y-%m-%d %H:%M} — {obj}"
        return str(obj)


class CommitmentForm(forms.Form):
    """Record a dated promise made to the client."""

    what_en, what_zh_hans = line_pair(_("What was promised"), max_length=300)
    due_at = LocalDateTimeField(label=_("By when"), help_text=in_your_time_zone())
    owner = OwnerChoiceField(label=_("Owner"), queryset=get_user_model().objects.none())
    update = SourceChoiceField(
        label=_("Made in the update"), required=False, queryset=StatusUpdate.objects.none()
    )
    meeting = SourceChoiceField(
        label=_("Made in the meeting"), required=False, queryset=Meeting.objects.none()
    )
    decision = SourceChoiceField(
        label=_("Made with the decision"), required=False, queryset=Decision.objects.none()
    )

    submit_label = _("Record the commitment")

    def __init__(self, *args, incident: Incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owner_queryset(incident)
        self.fields["update"].queryset = StatusUpdate.objects.filter(
            incident=incident, status=UpdateStatus.PUBLISHED
        ).order_by("-published_at")
        self.fields["meeting"].queryset = Meeting.objects.filter(incident=incident).order_by(
            "-starts_at"
        )
        self.fields["decision"].queryset = (
            Decision.objects.filter(incident=incident)
            .select_related("alternative")
            .order_by("-decided_at")
        )
        self.helper = FormHelper()
        self.helper.render_hidden_fields = True
        self.helper.layout = Layout(
            bilingual_help(),
            bilingual_row("what"),
            Row(Column("due_at", css_class="col-md-6"), Column("owner", css_class="col-md-6")),
            Row(
                Column("update", css_class="col-md-4"),
                Column("meeting", css_class="col-md-4"),
                Column("decision", css_class="col-md-4"),
            ),
            Div(Submit("submit", self.submit_label), css_class="mt-3"),
        )

    def clean(self):
        cleaned = super().clean()
        require_one_language(self, "what", WHAT_MISSING)
        sources = [name for name in ("update", "meeting", "decision") if cleaned.get(name)]
        if len(sources) > 1:
            self.add_error(
                sources[1], _("Choose one place where the commitment was made, or none.")
            )
        return cleaned


class CommitmentEditForm(HiddenErrorsMixin, CommitmentForm):
    version = VersionField()
    submit_label = _("Save the commitment")

    def __init__(self, *args, commitment: Commitment, **kwargs):
        kwargs.setdefault("initial", {}).update(
            {
                "what_en": commitment.what_en,
                "what_zh_hans": commitment.what_zh_hans,
                "due_at": commitment.due_at,
                "owner": commitment.owner_id,
                "update": commitment.update_id,
                "meeting": commitment.meeting_id,
                "decision": commitment.decision_id,
                "version": commitment.version,
            }
        )
        super().__init__(*args, incident=commitment.incident, **kwargs)


class KeepForm(forms.Form):
    kept_at = LocalDateTimeField(
        label=_("Kept"),
        required=False,
        help_text=in_your_time_zone(_("Leave empty for now. In your time zone ({time_zone}).")),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("kept_at", css_class="col-md-6")),
            Div(Submit("submit", _("Mark as kept")), css_class="mt-3"),
        )


class MissForm(forms.Form):
    told_client_en, told_client_zh_hans = text_pair(
        _("What the client was told"),
        help_text=_("How the client heard that it was missed, and what happens now."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            bilingual_help(),
            bilingual_row("told_client"),
            Div(Submit("submit", _("Mark as missed")), css_class="mt-3"),
        )

    def clean(self):
        cleaned = super().clean()
        require_one_language(
            self, "told_client", _("Say what the client was told, in English or in Chinese.")
        )
        return cleaned
