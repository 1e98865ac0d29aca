from django import forms
from django.utils.translation import gettext_lazy as _

from .catalogue import LANGUAGE_LABELS, all_categories, category_label, rule_choices
from .languages import LANGUAGES
from .models import REASON_LENGTH

#: A search is a few words, not a document.
QUERY_LENGTH = 100


class RuleSwitchOffForm(forms.Form):
    """Which rule a project no longer wants, and why (the record keeps both)."""

    rule = forms.ChoiceField(
        label=_("Rule"),
        error_messages={
            "required": _("Choose the rule to switch off."),
            "invalid_choice": _("There is no tone rule with that name."),
        },
    )
    reason = forms.CharField(
        label=_("Why this project does not need it"),
        max_length=REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For the team and the project's history; the client never sees it."),
        error_messages={
            "required": _("Say why, so that the team knows later."),
            "max_length": _("Keep the reason under %(limit_value)d characters."),
        },
    )

    def __init__(self, *args, ui_language: str, switched_off: frozenset[str] = frozenset(), **kw):
        super().__init__(*args, **kw)
        #: (language · category, [(rule id, label)]), for the page to write the select out.
        self.rule_groups = rule_choices(ui_language, switched_off=switched_off)
        self.fields["rule"].choices = [("", _("Choose a rule…")), *self.rule_groups]

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(self.fields["reason"].error_messages["required"])
        return reason


class CatalogueFilterForm(forms.Form):
    """The catalogue's filter, as GET parameters: a link to a filtered list can be shared."""

    lang = forms.ChoiceField(
        label=_("Language"),
        required=False,
        error_messages={"invalid_choice": _("Choose English or Chinese.")},
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        error_messages={"invalid_choice": _("There is no tone rule category with that name.")},
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=QUERY_LENGTH,
        widget=forms.SearchInput,
        error_messages={"max_length": _("Search for at most %(limit_value)d characters.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lang"].choices = [("", _("All languages"))] + [
            (lang, LANGUAGE_LABELS[lang]) for lang in LANGUAGES
        ]
        self.fields["category"].choices = [("", _("All categories"))] + [
            (c, category_label(c)) for c in all_categories()
        ]

    def filters(self) -> dict[str, str]:
        """The valid filters; a bad one is dropped (the form says why)."""
        data = getattr(self, "cleaned_data", {})
        return {
            "language": data.get("lang") or "",
            "category": data.get("category") or "",
            "query": data.get("q") or "",
        }

    @property
    def active(self) -> bool:
        return any(self.filters().values())
