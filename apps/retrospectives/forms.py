"""Forms of the retrospective: they read what was typed; the services decide and save."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from apps.actionplans.forms import ActionItemForm
from apps.actionplans.models import ActionItemKind
from apps.core.conflicts import HiddenErrorsMixin, VersionField
from apps.core.fields import (
    LocalDateTimeField,
    bilingual_help,
    bilingual_row,
    check_wording_button,
    in_your_time_zone,
    text_field,
    text_pair,
)

from .models import Outcome
from .services.review import MAX_WHYS


def _helper(*fields, submit, form_id=""):
    helper = FormHelper()
    helper.render_hidden_fields = True
    if form_id:
        helper.form_id = form_id
    helper.layout = Layout(*fields, Div(*submit, css_class="mt-3 d-flex flex-wrap gap-2"))
    return helper


class ReviewForm(HiddenErrorsMixin, forms.Form):
    """The internal review: for the team only, in the team's language."""

    summary = text_field(
        _("Summary"), rows=3, help_text=_("What happened and what it meant, in a few lines.")
    )
    contributing_factors = text_field(
        _("Contributing factors"),
        rows=3,
        help_text=_("What made it worse or more likely, without being the cause."),
    )
    went_well = text_field(_("What went well"), rows=3)
    went_badly = text_field(_("What went badly"), rows=3)
    lucky = text_field(
        _("Where we were lucky"),
        rows=2,
        help_text=_("What could have gone worse, and would next time."),
    )
    outcome = forms.ChoiceField(
        label=_("How it ended"),
        choices=[("", _("Not known yet")), *Outcome.choices],
        required=False,
        error_messages={"invalid_choice": _("Choose how it ended from the list.")},
        help_text=_("Files the case in the library: others will search by it."),
    )
    version = VersionField()

    def __init__(self, *args, retrospective, **kwargs):
        kwargs.setdefault(
            "initial",
            {name: getattr(retrospective, name) for name in self.base_fields if name != "version"}
            | {"version": retrospective.version},
        )
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "summary",
            Row(
                Column("went_well", css_class="col-md-6"),
                Column("went_badly", css_class="col-md-6"),
            ),
            Row(
                Column("contributing_factors", css_class="col-md-6"),
                Column("lucky", css_class="col-md-6"),
            ),
            Row(Column("outcome", css_class="col-md-6")),
            "version",
            submit=[Submit("submit", _("Save the review"))],
        )


class ReportForm(HiddenErrorsMixin, forms.Form):
    """The client report's texts, in each language the contacts read."""

    report_what_happened_en, report_what_happened_zh_hans = text_pair(
        _("What went wrong"), help_text=_("The failure, plainly, as the client lived it.")
    )
    report_why_en, report_why_zh_hans = text_pair(
        _("Why it happened"), help_text=_("The root causes, without blaming anyone.")
    )
    report_what_we_did_en, report_what_we_did_zh_hans = text_pair(
        _("What we did"), help_text=_("How it was put right, and what was agreed with you.")
    )
    report_what_changes_en, report_what_changes_zh_hans = text_pair(
        _("What will change"),
        help_text=_(
            "What we change so that it does not happen again;"
            " the improvements with their dates follow."
        ),
    )
    version = VersionField()

    def __init__(self, *args, retrospective, **kwargs):
        kwargs.setdefault(
            "initial",
            {name: getattr(retrospective, name) for name in self.base_fields if name != "version"}
            | {"version": retrospective.version},
        )
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            bilingual_help(),
            bilingual_row("report_what_happened"),
            bilingual_row("report_why"),
            bilingual_row("report_what_we_did"),
            bilingual_row("report_what_changes"),
            "version",
            submit=[Submit("submit", _("Save the client report")), check_wording_button()],
            form_id="report-form",
        )


class RootCauseForm(forms.Form):
    """A root cause, reached by asking "why?" up to five times."""

    why_1 = forms.CharField(label=_("Why did it happen?"), max_length=1000, required=False)
    why_2 = forms.CharField(label=_("Why? (2)"), max_length=1000, required=False)
    why_3 = forms.CharField(label=_("Why? (3)"), max_length=1000, required=False)
    why_4 = forms.CharField(label=_("Why? (4)"), max_length=1000, required=False)
    why_5 = forms.CharField(label=_("Why? (5)"), max_length=1000, required=False)
    statement = text_field(
        _("Root cause"),
        required=True,
        rows=2,
        help_text=_("Where the whys end: what, if changed, stops it happening again."),
        error_messages={"required": _("Name the root cause.")},
    )

    def __init__(self, *args, cause=None, **kwargs):
        if cause is not None:
            initial = {"statement": cause.statement}
            initial |= {f"why_{n}": why for n, why in enumerate(cause.whys[:MAX_WHYS], start=1)}
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            *[f"why_{n}" for n in range(1, MAX_WHYS + 1)],
            "statement",
            submit=[
                Submit("submit", _("Save the root cause") if cause else _("Add the root cause"))
            ],
        )

    def clean(self):
        cleaned = super().clean()
        cleaned["whys"] = [
            cleaned.pop(f"why_{n}", "").strip()
            for n in range(1, MAX_WHYS + 1)
            if (cleaned.get(f"why_{n}") or "").strip()
        ]
        for n in range(1, MAX_WHYS + 1):
            cleaned.pop(f"why_{n}", None)
        return cleaned


class TimelineNoteForm(forms.Form):
    """The team's word on a line of the record."""

    text = text_field(_("Note"), rows=2, help_text=_("What this line meant, what we learned."))
    hidden = forms.BooleanField(
        label=_("Hide from the review"),
        required=False,
        help_text=_("It stays on the internal record, marked hidden, with your reason."),
    )
    hidden_reason = forms.CharField(label=_("Why hide it"), max_length=1000, required=False)

    def __init__(self, *args, note=None, **kwargs):
        if note is not None:
            kwargs.setdefault(
                "initial",
                {"text": note.text, "hidden": note.hidden, "hidden_reason": note.hidden_reason},
            )
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "text", "hidden", "hidden_reason", submit=[Submit("submit", _("Save"))]
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("hidden") and not (cleaned.get("hidden_reason") or "").strip():
            self.add_error("hidden_reason", _("Say why this line is hidden from the review."))
        return cleaned


class TimelineLineForm(forms.Form):
    """A line the record does not have."""

    occurred_at = LocalDateTimeField(label=_("When"), help_text=in_your_time_zone())
    text = text_field(
        _("What happened"),
        required=True,
        rows=2,
        error_messages={"required": _("Say what happened.")},
    )
    hidden = forms.BooleanField(label=_("Hide from the review"), required=False)
    hidden_reason = forms.CharField(label=_("Why hide it"), max_length=1000, required=False)

    def __init__(self, *args, line=None, **kwargs):
        if line is not None:
            kwargs.setdefault(
                "initial",
                {
                    "occurred_at": line.occurred_at,
                    "text": line.text,
                    "hidden": line.hidden,
                    "hidden_reason": line.hidden_reason,
                },
            )
        super().__init__(*args, **kwargs)
        fields = ["occurred_at", "text"]
        if line is None:
            del self.fields["hidden"], self.fields["hidden_reason"]
        else:
            fields += ["hidden", "hidden_reason"]
        self.helper = _helper(
            *fields, submit=[Submit("submit", _("Save the line") if line else _("Add the line"))]
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("hidden") and not (cleaned.get("hidden_reason") or "").strip():
            self.add_error("hidden_reason", _("Say why this line is hidden from the review."))
        return cleaned


class ImprovementForm(ActionItemForm):
    """An improvement: a prevention action of the plan, with an owner and a due date."""

    submit_label = _("Add the improvement")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Always a prevention: whatever a form sends as its kind is not asked.
        del self.fields["kind"]
        self.fields["owner"].error_messages["required"] = _("Every improvement needs an owner.")
        self.fields["due_at"].error_messages["required"] = _("Every improvement needs a due date.")

    def layout_fields(self):
        return (
            Row(Column("owner", css_class="col-md-6"), Column("due_at", css_class="col-md-6")),
            bilingual_help(),
            bilingual_row("title"),
            bilingual_row("description"),
            "client_visible",
        )

    def clean(self):
        cleaned = super().clean()
        cleaned["kind"] = ActionItemKind.PREVENTION
        return cleaned
