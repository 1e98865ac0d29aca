"""Forms for the action plan and the remedies.

They validate and convert what the user typed; the services decide and save.
Owners are limited to the project's managers and team members, so an id from
another project (or a viewer) is reported next to the field.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Layout, Row, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.bilingual import columns
from apps.core.conflicts import HiddenErrorsMixin, VersionField
from apps.core.fields import (
    AMOUNT,
    AMOUNT_ERRORS,
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

from .models import (
    ITEM_TEXTS,
    ActionItem,
    ActionItemKind,
    ActionItemStatus,
    RemedyAnswer,
    RemedyKind,
)
from .services import OWNER_ROLES

PROGRESS_ERROR = _("Progress is a percentage from 0 to 100.")


class OwnerChoiceField(IdChoiceField):
    default_error_messages = {
        "invalid_choice": _("Choose a project manager or team member of this project."),
    }

    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


def owner_queryset(incident: Incident):
    return (
        get_user_model()
        .objects.filter(
            memberships__project_id=incident.project_id, memberships__role__in=OWNER_ROLES
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class ActionItemForm(forms.Form):
    """Add an action to the plan."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=ActionItemKind.choices,
        error_messages={"invalid_choice": _("Choose remediation or prevention.")},
    )
    title_en, title_zh_hans = line_pair(_("Title"))
    description_en, description_zh_hans = text_pair(
        _("Description"), help_text=_("What exactly will be done, and how.")
    )
    owner = OwnerChoiceField(label=_("Owner"), queryset=get_user_model().objects.none())
    due_at = LocalDateTimeField(label=_("Due"), help_text=in_your_time_zone())
    client_visible = forms.BooleanField(
        label=_("Visible to the client"),
        required=False,
        initial=True,
        help_text=_("Shown on the client's status page, with its progress."),
    )

    submit_label = _("Add to the plan")

    def __init__(self, *args, incident: Incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owner_queryset(incident)
        self.helper = FormHelper()
        self.helper.render_hidden_fields = True
        self.helper.layout = Layout(
            *self.layout_fields(), Div(Submit("submit", self.submit_label), css_class="mt-3")
        )

    def layout_fields(self):
        return (
            Row(Column("kind", css_class="col-md-6"), Column("owner", css_class="col-md-6")),
            bilingual_help(),
            bilingual_row("title"),
            bilingual_row("description"),
            Row(
                Column("due_at", css_class="col-md-6"),
                Column("client_visible", css_class="col-md-6 pt-md-4"),
            ),
        )

    def clean(self):
        cleaned = super().clean()
        require_one_language(self, "title", _("Give the action a short title."))
        for name in columns("description", "dropped_reason"):
            if isinstance(cleaned.get(name), str):
                cleaned[name] = cleaned[name].strip()
        return cleaned


class ActionItemEditForm(HiddenErrorsMixin, ActionItemForm):
    """Change an action: everything, including its status and progress."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=ActionItemStatus.choices,
        error_messages={"invalid_choice": _("Choose a status from the list.")},
    )
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        min_value=0,
        max_value=100,
        help_text=_("Done sets it to 100 %."),
        error_messages={
            "invalid": PROGRESS_ERROR,
            "min_value": PROGRESS_ERROR,
            "max_value": PROGRESS_ERROR,
            "required": PROGRESS_ERROR,
        },
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
    )
    dropped_reason_en, dropped_reason_zh_hans = text_pair(
        _("Why it was dropped"),
        rows=2,
        help_text=_("Needed when the action is dropped; the client may see it."),
    )
    version = VersionField()

    submit_label = _("Save the action")

    def __init__(self, *args, item: ActionItem, **kwargs):
        kwargs.setdefault("initial", {}).update(
            {
                "kind": item.kind,
                **{name: getattr(item, name) for name in columns(*ITEM_TEXTS)},
                "owner": item.owner_id,
                "due_at": item.due_at,
                "client_visible": item.client_visible,
                "status": item.status,
                "progress": item.progress,
                "version": item.version,
            }
        )
        super().__init__(*args, incident=item.incident, **kwargs)

    def layout_fields(self):
        return (
            *super().layout_fields(),
            Row(Column("status", css_class="col-md-6"), Column("progress", css_class="col-md-6")),
            bilingual_row("dropped_reason"),
        )


class ActionItemProgressForm(HiddenErrorsMixin, forms.Form):
    """A prevention action of a closed incident: only its progress, status and date change.

    The client follows it on the status page after the report; the rest is final.
    The fields are the edit form's own.
    """

    due_at = ActionItemForm.base_fields["due_at"]
    status = ActionItemEditForm.base_fields["status"]
    progress = ActionItemEditForm.base_fields["progress"]
    dropped_reason_en = ActionItemEditForm.base_fields["dropped_reason_en"]
    dropped_reason_zh_hans = ActionItemEditForm.base_fields["dropped_reason_zh_hans"]
    version = VersionField()

    def __init__(self, *args, item: ActionItem, **kwargs):
        kwargs.setdefault("initial", {}).update(
            {
                "due_at": item.due_at,
                "status": item.status,
                "progress": item.progress,
                **{name: getattr(item, name) for name in columns("dropped_reason")},
                "version": item.version,
            }
        )
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.render_hidden_fields = True
        self.helper.layout = Layout(
            Row(Column("status", css_class="col-md-6"), Column("progress", css_class="col-md-6")),
            Row(Column("due_at", css_class="col-md-6")),
            bilingual_help(),
            bilingual_row("dropped_reason"),
            Div(Submit("submit", _("Save the progress")), css_class="mt-3"),
        )

    def clean(self):
        cleaned = super().clean()
        for name in columns("dropped_reason"):
            if isinstance(cleaned.get(name), str):
                cleaned[name] = cleaned[name].strip()
        return cleaned


class RemedyForm(forms.Form):
    """Offer the client something to make up for the failure."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=RemedyKind.choices,
        error_messages={"invalid_choice": _("Choose a kind of remedy from the list.")},
    )
    description_en, description_zh_hans = text_pair(
        _("Description"), help_text=_("What exactly is offered, for how long, on what terms.")
    )
    value = forms.DecimalField(
        label=_("Value"),
        required=False,
        min_value=0,
        **AMOUNT,
        help_text=_("What it is worth, if it has a price (optional)."),
        error_messages=AMOUNT_ERRORS | {"min_value": _("Enter the value as a positive amount.")},
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
    )
    offered_at = LocalDateTimeField(label=_("Offered"), help_text=in_your_time_zone())

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("offered_at", timezone.now())
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("kind", css_class="col-md-6"), Column("offered_at", css_class="col-md-6")),
            bilingual_help(),
            bilingual_row("description"),
            Row(Column("value", css_class="col-md-6")),
            Div(Submit("submit", _("Record the offer")), css_class="mt-3"),
        )

    def clean(self):
        cleaned = super().clean()
        require_one_language(self, "description", _("Describe what is offered."))
        return cleaned


class RemedyAnswerForm(forms.Form):
    """What the client said to an offer."""

    answer = forms.ChoiceField(
        label=_("The client's answer"),
        choices=RemedyAnswer.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose the client's answer.")},
    )
    answered_at = LocalDateTimeField(
        label=_("Answered"),
        required=False,
        help_text=in_your_time_zone(_("Leave empty for now. In your time zone ({time_zone}).")),
    )

    def __init__(self, *args, remedy, **kwargs):
        kwargs.setdefault("initial", {}).update(
            answer=remedy.answer, answered_at=remedy.answered_at
        )
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "answer",
            Row(Column("answered_at", css_class="col-md-6")),
            Div(Submit("submit", _("Record the answer")), css_class="mt-3"),
        )
